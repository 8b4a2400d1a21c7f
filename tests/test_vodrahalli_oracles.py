"""Helpers moved out of the Part III notebooks (issue 15): oracles, table arithmetic, Hermite
evaluation and unit Gaussian columns. Each gets a value check against an independent route and a
bad-input check."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lowrank_nb.core import hermite, sampling
from lowrank_nb.papers.vodrahalli import oracles, relu, tables


def test_table_margin_and_separation() -> None:
    assert tables.table_margin([70.0, 72.5, 71.0, 72.0], 1) == pytest.approx(0.5)
    assert tables.table_margin(np.array([1.0, 3.0, 2.0]), 0) == pytest.approx(-2.0)
    # better LFAI variant (index 3: 72.0 - 0.1) clears 71.0 + 0.2 and 70.5 + 0.3
    assert tables.lfai_separated([71.0, 70.5, 71.5, 72.0], [0.2, 0.3, 0.1, 0.1])
    # ... but not when its own SE reaches down to the spectral band
    assert not tables.lfai_separated([71.0, 70.5, 71.5, 72.0], [0.2, 0.3, 0.1, 0.9])
    with pytest.raises(ValueError, match="winner"):
        tables.table_margin([1.0, 2.0], 2)
    with pytest.raises(ValueError, match="scores"):
        tables.table_margin([1.0], 0)
    with pytest.raises(ValueError, match="shape"):
        tables.lfai_separated([1.0, 2.0, 3.0], [0.1, 0.1, 0.1])
    with pytest.raises(ValueError, match="se"):
        tables.lfai_separated([1.0, 2.0, 3.0, 4.0], [0.1, -0.1, 0.1, 0.1])


@pytest.mark.parametrize("rho", [-0.5, 0.0, 0.3, 0.9])
def test_pair_moment_quadrature_matches_arccos_kernel(rho: float) -> None:
    # 1e-10: quad is asked for 1e-13; kappa is the Cho-Saul closed form (independent route)
    assert abs(oracles.relu_pair_moment_quad(rho) - 0.5 * float(relu.kappa(rho))) < 1e-10
    if rho == 0.0:
        assert oracles.relu_pair_moment_quad(rho) == pytest.approx(1 / (2 * math.pi), abs=1e-12)


def test_pair_moment_quadrature_rejects_end_points() -> None:
    with pytest.raises(ValueError, match="rho"):
        oracles.relu_pair_moment_quad(1.0)
    with pytest.raises(ValueError, match="rho"):
        oracles.relu_pair_moment_quad(1.5)


def test_subspace_fun_value_and_gradient() -> None:
    gen = np.random.default_rng(3)
    W = gen.standard_normal((6, 9))
    Q = np.linalg.qr(gen.standard_normal((6, 2)))[0]
    b = gen.standard_normal(18)
    val, grad = oracles.nlra_subspace_fun(b, Q, W)
    assert val == pytest.approx(relu.nlra_objective(Q @ b.reshape(2, 9), W), rel=1e-14)
    h = 1e-6
    fd = np.array([(oracles.nlra_subspace_fun(b + h * e, Q, W)[0]
                    - oracles.nlra_subspace_fun(b - h * e, Q, W)[0]) / (2 * h) for e in np.eye(18)])
    # 1e-6: central differences with h = 1e-6 on an objective of size ~10
    assert np.max(np.abs(fd - grad)) < 1e-6
    with pytest.raises(ValueError, match="b must have"):
        oracles.nlra_subspace_fun(b[:5], Q, W)
    with pytest.raises(ValueError, match="rows"):
        oracles.nlra_subspace_fun(b, Q[:5], W)


def test_certify_line_optimum_counterexample_b() -> None:
    W = np.diag([2.0, 1.0])
    phi, R_opt, lower = oracles.certify_line_optimum(W)
    # the spec's value 0.4458251826 (Grassmann ascent), and L-BFGS on the factors
    assert R_opt == pytest.approx(0.4458251826, abs=1e-9)
    assert abs(R_opt - relu.nlra_objective(relu.nlra_refine(W, 1), W)) < 1e-9
    assert lower <= R_opt < 0.5 - 1 / (2 * math.pi**2)  # below Algorithm 3's value
    assert min(phi, math.pi - phi) == pytest.approx(0.044454, abs=1e-5)
    with pytest.raises(ValueError, match="2 rows"):
        oracles.certify_line_optimum(np.eye(3))
    with pytest.raises(ValueError, match="n_grid"):
        oracles.certify_line_optimum(W, n_grid=3)


def test_rho_svd_at_ranks_matches_svd_table() -> None:
    W = sampling.unit_gaussian_columns(12, 40, rng=np.random.default_rng(4))
    rows = oracles.rho_svd_at_ranks(W, [1, 3, 7])
    tab = relu.rho_svd_table(W)
    for r, row in rows.items():
        assert np.max(np.abs(row - tab[r - 1])) < 1e-10  # 1e-10: eigh vs SVD rounding
    with pytest.raises(ValueError, match="unit-norm"):
        oracles.rho_svd_at_ranks(2 * W, [1])
    with pytest.raises(ValueError, match="ranks"):
        oracles.rho_svd_at_ranks(W, [13])


def test_hermite_eval_matches_recurrence() -> None:
    x = np.linspace(-3, 3, 13)
    table = hermite.orthonormal_hermite(12, x)
    for ell in range(13):
        assert np.max(np.abs(hermite.hermite_eval(ell, x) - table[ell])) < 1e-10
        if ell:
            der = hermite.hermite_eval(ell, x, derivative=True)
            assert np.max(np.abs(der - math.sqrt(ell) * table[ell - 1])) < 1e-10
    assert hermite.hermite_eval(2, 0.0) == pytest.approx(-1 / math.sqrt(2))  # (x^2 - 1)/sqrt(2)
    with pytest.raises(ValueError, match="ell"):
        hermite.hermite_eval(-1, x)
    with pytest.raises(TypeError, match="derivative"):
        hermite.hermite_eval(1, x, derivative="yes")


def test_unit_gaussian_columns() -> None:
    W = sampling.unit_gaussian_columns(5, 7, rng=np.random.default_rng(9))
    G = np.random.default_rng(9).standard_normal((5, 7))
    assert np.array_equal(W, G / np.linalg.norm(G, axis=0))
    assert np.allclose(np.linalg.norm(W, axis=0), 1.0, atol=1e-15)
    with pytest.raises(TypeError, match="rng"):
        sampling.unit_gaussian_columns(5, 7, rng=9)
    with pytest.raises(ValueError, match="d"):
        sampling.unit_gaussian_columns(0, 7, rng=np.random.default_rng(0))
