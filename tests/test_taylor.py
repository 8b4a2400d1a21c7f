import math
from fractions import Fraction

import numpy as np
import pytest

from lowrank_nb.embeddings import taylor as t


@pytest.mark.parametrize(("m", "rho"), [(1, 5), (2, 4), (3, 5), (4, 3)])
def test_multi_index_count_and_uniqueness(m: int, rho: int) -> None:
    g = t.multi_indices(m, rho)
    assert len(g) == math.comb(m + rho - 1, m)
    assert len({tuple(row) for row in g}) == len(g)
    assert g.min() >= 0 and g.sum(axis=1).max() == rho - 1


def test_multinomial_identity() -> None:
    # sum_{|gamma| = rho} 1/gamma! = m^rho / rho!, exactly, for m = 3, rho = 5.
    g = t.multi_indices(3, 6)
    top = g[g.sum(axis=1) == 5]
    total = sum(Fraction(1, math.prod(math.factorial(a) for a in row)) for row in top)
    assert total == Fraction(3**5, math.factorial(5))


def test_taylor_1d_cos_error_below_remainder_bound() -> None:
    x = np.linspace(-1, 1, 41)
    for r in (5, 10, 20):
        U, V = t.taylor_factors_1d(t.cos_derivatives_at_zero(5.0), x, x, r)
        err = np.abs(U @ V.T - np.cos(5 * np.outer(x, x))).max()
        # Lagrange remainder M^r / r!; 1e-13 covers round-off of r terms of size <= e^5.
        assert err <= 5.0**r / math.factorial(r) + 1e-13


def test_taylor_exp_inner_converges() -> None:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 2)) * 0.5
    U, V = t.taylor_factors_exp_inner(X, X, 15)
    np.testing.assert_allclose(U @ V.T, np.exp(X @ X.T), atol=1e-10)


def test_taylor_bad_input() -> None:
    with pytest.raises(ValueError, match="exceed"):
        t.multi_indices(30, 30)
    with pytest.raises(ValueError, match="r must lie"):
        t.taylor_factors_1d(t.cos_derivatives_at_zero(1.0), np.zeros(3), np.zeros(3), 0)
    with pytest.raises(ValueError, match="M must be finite"):
        t.cos_derivatives_at_zero(-1.0)
    with pytest.raises(ValueError, match="same dimension"):
        t.taylor_factors_exp_inner(np.ones((2, 2)), np.ones((2, 3)), 3)
