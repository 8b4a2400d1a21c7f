"""Unit tests for lowrank_nb.relu, with closed forms and dense Monte Carlo as oracles."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lowrank_nb import relu


def _unit_gaussian(d: int, m: int, seed: int) -> np.ndarray:
    W = np.random.default_rng(seed).standard_normal((d, m))
    return W / np.linalg.norm(W, axis=0)


def test_kappa_values_and_bad_input() -> None:
    k = relu.kappa(np.array([-1.0, 0.0, 0.5, 1.0]))
    # 1e-15: closed-form values, a few roundings each.
    np.testing.assert_allclose(k, [0.0, 1 / np.pi, 1 / 3 + math.sqrt(3) / (2 * np.pi), 1.0],
                               atol=1e-15)
    with pytest.raises(ValueError, match="rho"):
        relu.kappa(1.5)
    with pytest.raises(ValueError, match="rho"):
        relu.kappa(np.nan)


@given(st.floats(-1.0, 1.0))
def test_kappa_symmetry_and_gap(rho: float) -> None:
    # 1e-14: each side is a handful of double-precision operations of size <= 1.
    assert abs(relu.kappa(rho) - relu.kappa(-rho) - rho) < 1e-14
    assert abs(relu.kappa_gap(rho) - (relu.kappa(rho) - rho)) < 1e-14
    assert relu.kappa_prime(rho) >= 0


def test_hermite_coeffs_signs_parseval_and_input() -> None:
    c = relu.relu_hermite_coeffs(8)
    assert c[4] < 0 < c[6] and c[8] < 0
    np.testing.assert_allclose(np.abs(c), relu.relu_hermite_coeffs(8, signed=False))
    # Parseval: sum c_k^2 = E relu(g)^2 = 1/2; the tail beyond 4000 is ~1e-5.
    assert abs(np.sum(relu.relu_hermite_coeffs(4000) ** 2) - 0.5) < 1e-4
    with pytest.raises(ValueError, match="K must lie in"):
        relu.relu_hermite_coeffs(-1)
    with pytest.raises(TypeError, match="signed"):
        relu.relu_hermite_coeffs(3, signed=1)


def test_kernel_series_converges() -> None:
    rho = np.linspace(-1, 1, 11)
    # 2e-3: the tail at |rho| = 1 after L = 200 terms is ~0.03 / L^1.5.
    assert np.max(np.abs(relu.relu_kernel_series(rho, 200) - relu.kappa(rho))) < 2e-3
    with pytest.raises(ValueError, match="L must lie in"):
        relu.relu_kernel_series(0.3, -2)


def test_objective_forms_agree_and_mc() -> None:
    rng = np.random.default_rng(0)
    W, Y = rng.standard_normal((6, 4)), rng.standard_normal((6, 4))
    ny, nw = np.linalg.norm(Y, axis=0), np.linalg.norm(W, axis=0)
    rho = np.sum(Y * W, axis=0) / (ny * nw)
    expanded = 0.5 * np.sum(W**2) + 0.5 * np.sum(Y**2) - np.sum(ny * nw * relu.kappa(rho))
    # 1e-12: the expanded form cancels terms of size ~10.
    assert abs(relu.nlra_objective(Y, W) - expanded) < 1e-12
    mean, se = relu.nlra_objective_mc(Y, W, 400_000, rng)
    # 5 SE: a Monte Carlo band that fails with probability < 1e-6.
    assert abs(mean - relu.nlra_objective(Y, W)) < 5 * se
    diff, se_d = relu.nlra_diff_mc(Y, 0.5 * Y, W, 200_000, rng)
    exact = relu.nlra_objective(Y, W) - relu.nlra_objective(0.5 * Y, W)
    assert abs(diff - exact) < 5 * se_d
    with pytest.raises(ValueError, match="same shape"):
        relu.nlra_objective(Y[:, :3], W)
    with pytest.raises(ValueError, match="n must"):
        relu.nlra_objective_mc(Y, W, 1, rng)


def test_gradient_finite_differences_and_cone_point() -> None:
    rng = np.random.default_rng(1)
    W, Y = rng.standard_normal((5, 7)), rng.standard_normal((5, 7))
    E = rng.standard_normal(Y.shape)
    h = 1e-6
    fd = (relu.nlra_objective(Y + h * E, W) - relu.nlra_objective(Y - h * E, W)) / (2 * h)
    # 1e-7 relative: central differences have O(h^2) truncation and O(eps/h) rounding.
    assert abs(fd - np.sum(relu.nlra_grad(Y, W) * E)) < 1e-7 * abs(fd)
    Y[:, 2] = 0.0
    with pytest.raises(ValueError, match="zero column"):
        relu.nlra_grad(Y, W)


def test_spectral_init_is_truncated_svd() -> None:
    W = np.random.default_rng(2).standard_normal((8, 12))
    U, V = relu.spectral_init(W, 3)
    Uf, s, Vt = np.linalg.svd(W)
    # 1e-12: an SVD of an O(1) matrix.
    assert np.max(np.abs(U @ V.T - (Uf[:, :3] * s[:3]) @ Vt[:3])) < 1e-12
    np.testing.assert_allclose(U.T @ U, V.T @ V, atol=1e-12)
    with pytest.raises(ValueError, match="r must"):
        relu.spectral_init(W, 9)


def test_rho_svd_and_lift_optimal() -> None:
    W = np.random.default_rng(3).standard_normal((6, 9)) * np.arange(1, 10)
    Q = np.linalg.svd(W)[0][:, :2]
    rho = relu.rho_svd(W, 2)
    np.testing.assert_allclose(rho, np.linalg.norm(Q.T @ W, axis=0) / np.linalg.norm(W, axis=0))
    Y = relu.optimal_lift(Q, W)
    nw = np.linalg.norm(W, axis=0)
    # 1e-12: both are closed forms of size ~100.
    assert abs(relu.nlra_objective(Y, W) - relu.lift_objective(Q, W)) < 1e-12 * np.sum(nw**2)
    # any other column scaling inside the same subspace is worse
    for s in (0.9, 1.1):
        assert relu.nlra_objective(s * Y, W) > relu.nlra_objective(Y, W)
    with pytest.raises(ValueError, match="orthonormal"):
        relu.optimal_lift(2 * Q, W)


def test_lift_column_orthogonal_to_subspace() -> None:
    W = np.array([[1.0, 0.0], [0.0, 1.0]])
    Y = relu.optimal_lift(np.array([[1.0], [0.0]]), W)
    # the second column gets length 1/pi although it is orthogonal to the subspace
    assert abs(np.linalg.norm(Y[:, 1]) - 1 / np.pi) < 1e-15


def test_relu_svd_backends_agree_and_guard() -> None:
    W = _unit_gaussian(9, 27, 4)
    for r in (1, 2, 3, 4):
        a = relu.relu_svd(W, r, method="numba")
        b = relu.relu_svd(W, r, method="numpy")
        assert np.array_equal(a.Lambda, b.Lambda)
    # Counterexample C: enumeration picks the second singular direction.
    t = math.acos(math.sqrt(0.6))
    cols = [[math.cos(t), (-1) ** k * math.sin(t)] for k in range(10)] + [[0, math.sqrt(1.9)]]
    Wc = np.array(cols).T
    assert list(relu.relu_svd(Wc, 1).Lambda) == [1]
    assert list(relu.relu_svd(Wc, 1, "greedy").Lambda) == [1]
    with pytest.raises(ValueError, match="max_subsets"):
        relu.relu_svd(_unit_gaussian(30, 40, 0), 10, max_subsets=100)
    with pytest.raises(ValueError, match="method"):
        relu.relu_svd(W, 1, method="bogus")
    with pytest.raises(ValueError, match="subspace"):
        relu.relu_svd(W, 1, "bogus")


def test_relu_svd_deprecated_keywords() -> None:
    """backend= (old JIT switch) and method=<subspace> (old selector) still work, with a warning."""
    W = _unit_gaussian(7, 18, 3)
    ref = relu.relu_svd(W, 2, method="numpy")
    with pytest.warns(DeprecationWarning, match="backend"):
        old = relu.relu_svd(W, 2, backend="numpy")
    assert np.array_equal(old.Lambda, ref.Lambda) and np.array_equal(old.Y, ref.Y)
    with pytest.warns(DeprecationWarning, match="subspace"):
        old_sel = relu.relu_svd(W, 2, method="greedy")
    assert np.array_equal(old_sel.Lambda, relu.relu_svd(W, 2, "greedy").Lambda)
    with pytest.raises(ValueError, match="method"), pytest.warns(DeprecationWarning):
        relu.relu_svd(W, 2, backend="cuda")


def test_random_functions_require_rng() -> None:
    W = relu.truncated_normal((8, 12), 0.3, np.random.default_rng(1))
    with pytest.raises(TypeError, match="rng"):
        relu.lfai_adam(W, 2, epochs=1, steps_per_epoch=2)
    with pytest.raises(TypeError, match="rng"):
        relu.fai_joint_adam([W], [relu.spectral_init(W, 2)], steps=1)
    with pytest.raises(TypeError, match="rng"):
        relu.nlra_refine(W, 2, restarts=1)
    relu.nlra_refine(W, 2, maxiter=5)  # restarts = 0 is deterministic: no rng needed


def test_refine_beats_alg3_on_counterexample_b() -> None:
    W = np.diag([2.0, 1.0])
    y3 = relu.nlra_objective(relu.relu_svd(W, 1).Y, W)
    # 1e-12: Alg 3 value is the closed form 1/2 - 1/(2 pi^2).
    assert abs(y3 - (0.5 - 1 / (2 * np.pi**2))) < 1e-12
    assert relu.nlra_objective(relu.nlra_refine(W, 1), W) < y3 - 3e-3


def test_svd_gap_identity() -> None:
    rng = np.random.default_rng(5)
    W = rng.standard_normal((7, 15)) * rng.exponential(size=15)
    U, V = relu.spectral_init(W, 2)
    lhs = relu.nlra_objective(U @ V.T, W) - relu.nlra_objective(relu.relu_svd(W, 2, "topr").Y, W)
    # 1e-10: differences of objectives of size ~10.
    assert abs(lhs - relu.svd_gap_exact(W, 2)) < 1e-10
    assert relu.svd_gap_paper(np.eye(3), 1) == pytest.approx(relu.svd_gap_exact(np.eye(3), 1))


def test_gnorm_paper_rejects_long_columns() -> None:
    with pytest.raises(ValueError, match="norm <= 1"):
        relu.gnorm_paper(np.array([[2.0]]))


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10_000))
def test_truncated_normal_bounds(seed: int) -> None:
    Z = relu.truncated_normal((50, 3), 0.5, np.random.default_rng(seed))
    assert np.max(np.abs(Z)) <= 1.0


def test_lfai_adam_decreases_and_validates() -> None:
    W = relu.truncated_normal((16, 45), 0.25, np.random.default_rng(6))
    res = relu.lfai_adam(W, 3, "baseline", epochs=2, steps_per_epoch=64, batch=128, rng=0)
    assert res.history[-1] < res.history[0]
    ws = relu.lfai_adam(W, 3, "spectral", epochs=1, steps_per_epoch=8, activation="swish",
                        n_eval=2000, rng=0)
    assert ws.history.shape == (2,) and np.all(np.isfinite(ws.history))
    with pytest.raises(ValueError, match="init"):
        relu.lfai_adam(W, 3, "zeros", rng=0)


def test_joint_fai_and_network_mse() -> None:
    rng = np.random.default_rng(7)
    Ws = [rng.standard_normal((6, 10)) / 6**0.5, rng.standard_normal((10, 10)) / 10**0.5]
    facs = [relu.spectral_init(W, 2) for W in Ws]
    before, _ = relu.network_mse_mc(facs, Ws, 20_000, np.random.default_rng(1))
    after, _ = relu.network_mse_mc(relu.fai_joint_adam(Ws, facs, steps=200, rng=rng), Ws,
                                   20_000, np.random.default_rng(1))
    assert after < before
    with pytest.raises(ValueError, match="shapes"):
        relu.network_mse_mc(facs[:1], Ws, 100, rng)


def test_relu_inner_mc_matches_kernel() -> None:
    rng = np.random.default_rng(8)
    W, Y = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    nw, ny = np.linalg.norm(W, axis=0), np.linalg.norm(Y, axis=0)
    exact = 0.5 * np.sum(nw * ny * relu.kappa(np.sum(W * Y, axis=0) / (nw * ny)))
    mean, se = relu.relu_inner_mc(Y, W, 200_000, rng)
    # 5 SE: Monte Carlo band failing with probability < 1e-6.
    assert abs(mean - exact) < 5 * se
    with pytest.raises(ValueError, match="same shape"):
        relu.relu_inner_mc(Y, W[:, :2], 10, rng)


def test_angle_profile_matches_lift() -> None:
    W = np.random.default_rng(9).standard_normal((2, 6))
    phis = np.array([0.1, 1.0, 2.5])
    prof = relu.nlra_angle_profile(W, phis)
    for p, v in zip(phis, prof):
        Q = np.array([[np.cos(p)], [np.sin(p)]])
        # 1e-12: two closed forms of the same quantity.
        assert abs(v - relu.lift_objective(Q, W)) < 1e-12
    with pytest.raises(ValueError, match="2 rows"):
        relu.nlra_angle_profile(np.ones((3, 2)), phis)


def test_rho_table_wide_path_matches_svd() -> None:
    W = np.random.default_rng(10).standard_normal((6, 40))
    Uf = np.linalg.svd(W, full_matrices=False)[0]
    ref = np.sqrt(np.cumsum((Uf.T @ W) ** 2, axis=0)) / np.linalg.norm(W, axis=0)
    # 1e-12: eigh of W W^T vs SVD; subspaces agree to rounding for a well-separated spectrum.
    assert np.max(np.abs(relu.rho_svd_table(W) - np.minimum(ref, 1.0))) < 1e-12


def test_performer_matrix_unbiased_and_lfai_improves() -> None:
    rng = np.random.default_rng(11)
    Q, K = 0.5 * rng.standard_normal((8, 4)), 0.5 * rng.standard_normal((8, 4))
    S = Q @ K.T / 2.0
    P = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)
    Om = rng.standard_normal((4, 16))
    Ph = relu.performer_matrix(Q, K, Om)
    np.testing.assert_allclose(Ph.sum(axis=1), 1.0)
    Om_opt = relu.performer_lfai(Q, K, Om, maxiter=100)
    assert np.sum((relu.performer_matrix(Q, K, Om_opt) - P) ** 2) < np.sum((Ph - P) ** 2)
    with pytest.raises(ValueError, match="Omega"):
        relu.performer_matrix(Q, K, Om[:3])
