"""Tests for lowrank_nb.refutation (Theorem 2.1, Lemma 2.2, Appendix A, counterexample)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lowrank_nb.refutation import (
    cos_derivative_at_zero,
    counterexample_factor_row_norm_sq,
    counterexample_matrix,
    counterexample_points,
    lemma22_degree,
    lemma22_rank,
    multi_indices,
    paper_row_norm_bounds,
    thm21_rank,
    truncated_row_norms_sq,
)


def test_thm21_values() -> None:
    # m = 1, C = 1, eps = 0.1, n = 1000: ceil(8 log(2001) * 61^2).
    assert thm21_rank(1000, 1000, 0.1, 1, 1) == math.ceil(8 * math.log(2001) * 61**2)
    assert thm21_rank(1000, 1000, 0.1, 4, 4) == 1992237


def test_thm21_huge_is_exact_int() -> None:
    r = thm21_rank(1000, 1000, 0.1, 30**30, 30**30)
    assert isinstance(r, int) and r > 2**63
    # Leading digits agree with the float formula.
    approx = 8 * math.log(2001) * (1 + 2 * (2 * 30.0**30 + 1) / 0.1) ** 2
    assert r == pytest.approx(approx, rel=1e-12)


def test_lemma22() -> None:
    assert lemma22_degree(1, 1e-3, 1.0) == 10  # ceil(log2(1000)) = 10 > 2e
    assert lemma22_rank(2, 1e-3, 1.0) == 12 * 2**11
    assert lemma22_rank(1, 0.5, 0.1) == 2  # rho = 1 gives 2 * 1


def test_multi_indices_count_and_degree() -> None:
    g = multi_indices(3, 5)
    assert g.shape == (math.comb(8, 3), 3)
    assert g.sum(axis=1).max() == 5
    assert len({tuple(r) for r in g}) == g.shape[0]
    # sum_{|gamma| = 5} 1/gamma! = 3^5/5!
    top = g[g.sum(axis=1) == 5]
    total = sum(1 / math.prod(math.factorial(int(x)) for x in r) for r in top)
    assert total == pytest.approx(3**5 / math.factorial(5), rel=1e-13)


def test_cos_derivatives() -> None:
    assert list(cos_derivative_at_zero(np.arange(6))) == [1, 0, -1, 0, 1, 0]


def test_truncated_row_norms_match_closed_forms() -> None:
    phi = np.array([1.0, -1.0, 0.5])
    y = np.array([0.3, -0.5, 0.4])
    a2, b2 = truncated_row_norms_sq(phi, y, 1.0, 40)
    assert a2 == pytest.approx(counterexample_factor_row_norm_sq(phi @ phi, 1.0), rel=1e-12)
    assert b2 == pytest.approx(math.exp(y @ y), rel=1e-12)


def test_paper_bounds() -> None:
    a, b = paper_row_norm_bounds(3, 2.0, C=1.5)
    assert a == pytest.approx(1.5**2 * math.exp(12)) and b == pytest.approx(math.exp(3))


def test_counterexample_structure() -> None:
    X, Y = counterexample_points(20, 9, np.random.default_rng(0))
    assert np.allclose(np.linalg.norm(X, axis=1), 0.5)
    assert np.allclose(np.linalg.norm(Y, axis=1), 0.99)
    F = counterexample_matrix(X, Y, 2.0)
    S, T = 2 * np.sqrt(9) * X, np.sqrt(9) * Y / 0.99
    assert np.allclose(F, np.cos(2.0 * 0.99 * (S @ T.T) / 3.0), atol=1e-12)


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="eps"):
        thm21_rank(10, 10, 1.5, 1, 1)
    with pytest.raises(ValueError, match="Cu"):
        thm21_rank(10, 10, 0.1, 0, 1)
    with pytest.raises(ValueError, match="n1"):
        thm21_rank(0, 10, 0.1, 1, 1)
    with pytest.raises(ValueError, match="degree"):
        multi_indices(3, -1)
    with pytest.raises(ValueError, match="y_radius"):
        counterexample_points(5, 5, 0, y_radius=1.0)
    with pytest.raises(ValueError, match="phi"):
        truncated_row_norms_sq(np.ones(2), np.ones(3), 1.0, 3)
    with pytest.raises(ValueError, match="X and Y must have the same width"):
        counterexample_matrix(np.ones((2, 3)), np.ones((2, 4)), 1.0)
    with pytest.raises(ValueError, match="M must be finite"):
        counterexample_matrix(np.ones((2, 3)), np.ones((2, 3)), -1.0)
