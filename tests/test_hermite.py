"""Hermite expansions and C-maps (lowrank_nb.hermite)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lowrank_nb.hermite import c_map, hermite_coeffs, orthonormal_hermite
from lowrank_nb.relu import kappa, relu_hermite_coeffs


def test_orthonormal_basis_under_the_gaussian() -> None:
    nodes, weights = np.polynomial.hermite_e.hermegauss(60)
    H = orthonormal_hermite(20, nodes)
    gram = (H * (weights / math.sqrt(2 * math.pi))) @ H.T
    assert np.max(np.abs(gram - np.eye(21))) < 1e-12  # exact quadrature, rounding only


def test_polynomial_activation_has_exact_coefficients() -> None:
    # x^2 = He_2 + 1 = sqrt(2) h_2 + h_0
    c, m2 = hermite_coeffs(np.square, 4, 10)
    np.testing.assert_allclose(c, [1.0, 0.0, math.sqrt(2.0), 0.0, 0.0], atol=1e-13)
    assert abs(m2 - 3.0) < 1e-13  # E g^4 = 3


def test_relu_coefficients_match_the_closed_form() -> None:
    c, _ = hermite_coeffs(lambda x: np.maximum(x, 0.0), 6, 250)
    # the kink makes quadrature converge slowly: 1e-3 at 250 nodes
    np.testing.assert_allclose(c, relu_hermite_coeffs(6), atol=1e-3)


def test_c_map_of_relu_is_kappa_and_of_tanh_is_odd() -> None:
    rho = np.linspace(-0.9, 0.9, 19)
    # 2e-3: the kink makes Gauss-Hermite quadrature of c_l and E relu^2 converge only slowly
    assert np.max(np.abs(c_map(lambda x: np.maximum(x, 0.0), rho) - kappa(rho))) < 2e-3
    t = c_map(np.tanh, rho)
    assert np.max(np.abs(t + t[::-1])) < 1e-14 and abs(c_map(np.tanh, 1.0) - 1.0) < 1e-8


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"activation": 3, "K": 2}, "activation must be callable"),
    ({"activation": np.tanh, "K": -1}, "K"),
    ({"activation": np.tanh, "K": 10, "n_nodes": 5}, "n_nodes must exceed K"),
    ({"activation": np.tanh, "K": 10, "n_nodes": 400}, "n_nodes"),
    ({"activation": lambda x: np.where(x > 0, np.nan, x), "K": 3}, "finite values"),
])
def test_hermite_coeffs_rejects_bad_input(kwargs: dict, match: str) -> None:
    with pytest.raises((TypeError, ValueError), match=match):
        hermite_coeffs(**kwargs)


def test_c_map_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match=r"rho must lie in \[-1, 1\]"):
        c_map(np.tanh, 1.5)
    with pytest.raises(ValueError, match="rho"):
        c_map(np.tanh, np.nan)
    with pytest.raises(ValueError, match="zero"):
        c_map(np.zeros_like, 0.3)
    with pytest.raises(ValueError, match="x must be finite"):
        orthonormal_hermite(3, np.array([np.inf]))
