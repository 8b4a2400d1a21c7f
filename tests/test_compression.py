"""Tests for lowrank_nb.compression (Zhang--Saab estimators, bounds and generators)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from lowrank_nb import compression as zs
from lowrank_nb.bounds import nonvacuous_threshold
from lowrank_nb.mlp import forward


@pytest.fixture(scope="module")
def layer():
    return zs.gen_single_layer(300, 20, 15, 3, 0.3, rng=0)


def test_closed_form_agrees_three_ways(layer):
    X, Xc, W = layer["X"], layer["X_check"], layer["W"]
    A, B = zs.data_driven_lowrank(X, W, 3, X_check=Xc)
    M = A @ B
    M_lit = zs.theorem31_formula(X, W, Xc, 3)
    # well-conditioned data: both routes are backward stable, 1e-10 leaves ample room
    assert np.linalg.norm(M - M_lit) <= 1e-10 * np.linalg.norm(M)
    A2, B2 = zs.data_driven_lowrank(X, W, 3)
    assert np.linalg.norm(A2 @ B2 - zs.whitened_lowrank(X, W, 3)) <= 1e-10 * np.linalg.norm(W)
    assert np.linalg.matrix_rank(M) == 3


def test_objective_identity_and_optimality(layer):
    X, Xc, W = layer["X"], layer["X_check"], layer["W"]
    r = 3
    A, B = zs.data_driven_lowrank(X, W, r, X_check=Xc)
    Y = X @ W
    Q = np.linalg.qr(Xc)[0]
    s = np.linalg.svd(Q.T @ Y, compute_uv=False)
    obj = np.linalg.norm(Y - Xc @ A @ B) ** 2
    expect = np.linalg.norm(Y - Q @ (Q.T @ Y)) ** 2 + np.sum(s[r:] ** 2)
    assert abs(obj - expect) <= 1e-10 * expect  # exact identity up to round-off
    rng = np.random.default_rng(1)
    for _ in range(20):  # random rank-r candidates refined by one least-squares step
        U = rng.standard_normal((Xc.shape[1], r))
        V = np.linalg.lstsq(Xc @ U, Y, rcond=None)[0]
        assert obj <= np.linalg.norm(Y - Xc @ U @ V) ** 2 * (1 + 1e-12)


def test_deterministic_bound(layer):
    X, Xc, W, M = layer["X"], layer["X_check"], layer["W"], layer["M"]
    A, B = zs.data_driven_lowrank(X, W, 3, X_check=Xc)
    err = np.linalg.norm(Xc @ M - Xc @ A @ B)
    assert err <= zs.thm31_deterministic_bound(X, W, Xc, M, 3)


def test_weight_svd_is_eckart_young():
    W = np.random.default_rng(2).standard_normal((12, 9))
    A, B = zs.weight_svd_lowrank(W, 4)
    s = np.linalg.svd(W, compute_uv=False)
    assert abs(np.linalg.norm(W - A @ B) ** 2 - np.sum(s[4:] ** 2)) <= 1e-10


def test_rcond_pads_rank_deficient():
    rng = np.random.default_rng(3)
    Xc = rng.standard_normal((50, 2)) @ rng.standard_normal((2, 6))
    X = rng.standard_normal((50, 6))
    W = rng.standard_normal((6, 5))
    A, B = zs.data_driven_lowrank(X, W, 4, X_check=Xc, rcond=1e-8)
    assert A.shape == (6, 4) and B.shape == (4, 5)
    assert np.all(np.isfinite(A @ B))


def test_l1_and_nuclear_projection():
    rng = np.random.default_rng(4)
    s = np.abs(rng.standard_normal(10))
    x, theta = zs.proj_l1_nonneg(s, 1.5)
    assert abs(x.sum() - 1.5) <= 1e-12 and theta > 0
    np.testing.assert_allclose(x, np.maximum(s - theta, 0))
    x2, th2 = zs.proj_l1_nonneg(s, s.sum() * 2)
    assert th2 == 0 and np.array_equal(x2, s)
    B = rng.standard_normal((8, 6))
    P = zs.proj_nuclear_ball(B, 2.0)
    assert abs(np.sum(np.linalg.svd(P, compute_uv=False)) - 2.0) <= 1e-10


def test_block_generator_exact():
    b = zs.gen_block_lowrank(32, 8, 4, alpha=1.5, rng=5)
    Y = b["Y"]
    assert np.allclose(np.abs(Y), 1.5)
    assert abs(zs.approx_rank(Y) - 4) <= 1e-10  # Definition 4.1 exactly tight
    assert abs(np.sum(np.linalg.svd(Y, compute_uv=False)) - b["tau"]) <= 1e-10 * b["tau"]


def test_psi_projection_dykstra_admm_agree():
    rng = np.random.default_rng(6)
    b = zs.gen_block_lowrank(32, 8, 2, rng=rng)
    Yt = b["Y"] + rng.uniform(-0.5, 0.5, b["Y"].shape)
    Q = np.linalg.qr(b["X_check"])[0]
    Yd, i1 = zs.proj_nuclear_max(Yt, Q, 1.0, b["tau"], tol=1e-9)
    Ya, _ = zs.proj_nuclear_max(Yt, Q, 1.0, b["tau"], tol=1e-9, method="admm")
    assert i1["converged"] and i1["nuclear_over_tau"] <= 1 + 1e-10
    assert i1["box_violation"] <= 1e-4  # Dykstra iterate is box-feasible only up to tol
    assert np.linalg.norm(Yd - Ya) <= 1e-4 * np.linalg.norm(Yd)  # two solvers, one projection


def test_relu_nll_and_prox():
    rng = np.random.default_rng(7)
    Z = np.maximum(rng.standard_normal((6, 5)), 0)
    V = rng.standard_normal((6, 5))
    sigma, rho = 0.7, 2.0
    P = zs.prox_censored(V, Z, sigma, rho)
    # optimality: gradient of F + rho/2||y - v||^2 vanishes entrywise
    cen = Z == 0
    grad = np.where(cen, sigma * norm.pdf(P / sigma) / norm.sf(P / sigma), P - Z) + rho * (P - V)
    assert np.max(np.abs(grad)) <= 1e-9
    Y = rng.standard_normal((6, 5))
    ll = np.sum(np.where(cen, norm.logsf(Y / sigma), 0)) * -(sigma**2)
    ll += 0.5 * np.sum(np.where(cen, 0, (Z - Y) ** 2))
    assert abs(zs.relu_nll(Y, Z, sigma) - ll) <= 1e-10


def test_relu_mle_feasible_and_better_than_truth():
    rng = np.random.default_rng(8)
    b = zs.gen_block_lowrank(32, 8, 2, rng=rng)
    Z = np.maximum(b["Y"] + 0.5 * rng.standard_normal(b["Y"].shape), 0)
    M, Yh, info = zs.relu_mle(Z, b["X_check"], 1.0, 2, 0.5, rho=3.0, tol=1e-6)
    assert info["nuclear_over_tau"] <= 1 + 1e-10
    assert info["box_violation"] <= 1e-3  # ADMM split: feasible to solver tolerance
    # truth is feasible, so the minimiser's objective is no larger (up to the box slack)
    assert zs.relu_nll(Yh, Z, 0.5) <= zs.relu_nll(b["Y"], Z, 0.5) + 1e-3
    assert np.linalg.norm(b["X_check"] @ M - Yh) <= 1e-8 * np.linalg.norm(Yh)


def test_bounds_and_constants():
    assert zs.thm44_bound(1, 2956, 2956, 1, 0.5) <= 4 < zs.thm44_bound(1, 2955, 2955, 1, 0.5)
    assert nonvacuous_threshold(lambda n: zs.thm44_bound(1, n, n, 1, 0.5), 4.0, 1, 10**15,
                                strict=False) == 2956
    C_as, _ = zs.thm49_bound(2, 64, 64, 1.0, 0.5)
    expect = 16 * zs.C_ABS * np.pi * 0.25 * np.exp(2) * 1.5 / 0.25
    assert abs(C_as - expect) <= 1e-9 * expect
    c = zs.lemma_b3_constants(1.0, 0.5, grid=2001)
    assert c["L"] <= c["L_bound"] and c["beta"] <= c["beta_bound"]
    b = zs.thm31_bounds(3, 1000, 50, 40, 0.3, 0.0)
    assert abs(b["gaussian"] - 128 * b["rate"]) <= 1e-12
    curv = zs.log_cdf_curvature(np.linspace(-20, 20, 101), 1.0)
    assert np.all(curv <= 0) and np.all(curv >= -1 - 1e-12)


def test_compress_mlp_modes():
    p = zs.gen_planted_mlp([6, 20, 20, 3], [2, 2, 2], 200, 0.05, m_test=50, rng=9)
    outs = {}
    for mode in ("agnostic", "parallel", "sequential", "oracle", "jl"):
        f, d = zs.compress_mlp(p["weights"], p["X0"], [2, 2, 2], mode,
                               true_weights=p["true_weights"], rng=1)
        assert len(f) == 3 and len(d) == 3 and "mse_truth" in d[0]
        outs[mode] = forward(f, p["X_test"])[-1]
    ref = forward(p["weights"], p["X_test"])[-1]
    err = {k: np.linalg.norm(v - ref) / np.linalg.norm(ref) for k, v in outs.items()}
    assert err["parallel"] < err["agnostic"]
    f, _ = zs.compress_mlp(p["weights"], p["X0"], [None, 2, None], "parallel")
    assert isinstance(f[0], np.ndarray) and isinstance(f[1], tuple)


def test_generators_shapes():
    d = zs.gen_features_lowrank(200, 30, 10, 2, k_strong=5, rng=0)
    assert d["X"].shape == (200, 30) and d["W"].shape == (30, 10)
    X, Y, t = zs.gen_teacher_data(40, rng=0)
    X2, _, _ = zs.gen_teacher_data(10, rng=1, teacher=t)
    assert X.shape == (40, 21) and Y.shape == (40, 5) and np.all(X2[:, -1] == 1)


def test_bad_input(layer):
    X, W = layer["X"], layer["W"]
    with pytest.raises(ValueError, match="r must lie"):
        zs.data_driven_lowrank(X, W, 0)
    with pytest.raises(ValueError, match="r must lie"):
        zs.data_driven_lowrank(X, W, 16)
    with pytest.raises(ValueError, match="W must have"):
        zs.data_driven_lowrank(X, W[:5], 2)
    with pytest.raises(ValueError, match="X_check"):
        zs.data_driven_lowrank(X, W, 2, X_check=X[:10])
    with pytest.raises(ValueError, match="rcond"):
        zs.data_driven_lowrank(X, W, 2, rcond=2.0)
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="X must contain only finite"):
        zs.data_driven_lowrank(Xn, W, 2)
    with pytest.raises(ValueError, match="sigma"):
        zs.thm31_bounds(1, 10, 5, 5, 0.0, 0.1)
    with pytest.raises(ValueError, match="sigma"):
        zs.relu_mle(np.ones((4, 3)), np.ones((4, 2)), 1.0, 1, -1.0)
    with pytest.raises(ValueError, match="Z must be non-negative"):
        zs.relu_mle(-np.ones((4, 3)), np.ones((4, 2)), 1.0, 1, 1.0)
    with pytest.raises(ValueError, match="method"):
        zs.proj_nuclear_max(np.ones((4, 3)), np.eye(4)[:, :2], 1.0, 1.0, method="x")
    with pytest.raises(ValueError, match="mode"):
        zs.compress_mlp([W], X, [2], "bogus")
    with pytest.raises(ValueError, match="true_weights"):
        zs.compress_mlp([W], X, [2], "oracle")
    with pytest.raises(ValueError, match="ranks"):
        zs.compress_mlp([W], X, [2, 2], "parallel")
    with pytest.raises(ValueError, match="tau"):
        zs.proj_l1_nonneg(np.ones(3), 0.0)
    with pytest.raises(ValueError, match="r must be a power"):
        zs.gen_block_lowrank(30, 8, 3, rng=0)
    with pytest.raises(ValueError, match="Y must not be the zero"):
        zs.approx_rank(np.zeros((3, 3)))


def test_randomness_is_never_unseeded(layer):
    # issue 15: the generators take rng as a required keyword and refuse None
    with pytest.raises(TypeError, match="rng"):
        zs.gen_single_layer(50, 5, 4, 1, 0.1)
    with pytest.raises(TypeError, match="rng is required"):
        zs.gen_single_layer(50, 5, 4, 1, 0.1, rng=None)
    with pytest.raises(TypeError, match="rng is required"):
        zs.gen_block_lowrank(8, 4, 2, rng=None)
    with pytest.raises(TypeError, match="rng is required"):
        zs.gen_planted_mlp([3, 4, 2], [1, 1], 10, 0.1, rng=None)
    with pytest.raises(TypeError, match="rng is required"):
        zs.gen_features_lowrank(50, 12, 4, 1, k_strong=3, rng=None)
    with pytest.raises(TypeError, match="rng is required"):
        zs.gen_teacher_data(5, rng=None)
    # the same seed gives the same instance (value check against a second draw)
    a = zs.gen_single_layer(50, 5, 4, 1, 0.1, rng=3)["W"]
    assert np.array_equal(a, zs.gen_single_layer(50, 5, 4, 1, 0.1, rng=3)["W"])
    # compress_mlp: only mode "jl" is random, and there rng is required
    X, W = layer["X"], layer["W"]
    with pytest.raises(ValueError, match="jl"):
        zs.compress_mlp([W], X, [2], "jl")
    f1, _ = zs.compress_mlp([W], X, [2], "jl", rng=4)
    f2, _ = zs.compress_mlp([W], X, [2], "jl", rng=4)
    assert np.array_equal(f1[0][1], f2[0][1])


def test_eps_floor(layer):
    # P E = -P G exactly, so the measured tolerance dominates the floor
    op, fro = zs.eps_floor(layer["X"], layer["X_check"], layer["G"])
    assert layer["eps"] >= op * (1 - 1e-10)
    E = layer["E"]
    assert np.linalg.norm(E) ** 2 / E.size >= fro * (1 - 1e-10)


def test_data_driven_lowrank_ranks_against_the_literal_formula(layer):
    X, Xc, W = layer["X"], layer["X_check"], layer["W"]
    got = zs.data_driven_lowrank_ranks(X, W, [1, 3, 5], X_check=Xc)
    for r, (A, B) in zip([1, 3, 5], got):
        M_lit = zs.theorem31_formula(X, W, Xc, r)  # the paper's closed form, another route
        assert A.shape[1] == r and B.shape[0] == r
        # well-conditioned data: both routes are backward stable
        assert np.linalg.norm(A @ B - M_lit) <= 1e-10 * np.linalg.norm(M_lit)
    with pytest.raises(ValueError, match="ranks"):
        zs.data_driven_lowrank_ranks(X, W, [])
    with pytest.raises(ValueError, match="r"):
        zs.data_driven_lowrank_ranks(X, W, [0])
