"""Tests of lowrank_nb.papers.zhangsaab.recovery_curves (Part IV Explore curves)."""

import numpy as np
import pytest
from scipy.special import ndtr

from lowrank_nb.core.bounds import thm31_bounds, thm49_bound
from lowrank_nb.core.interp import log_interp
from lowrank_nb.papers.zhangsaab.compression import (
    data_driven_lowrank,
    gen_planted_mlp,
    gen_single_layer,
    lemma_b3_constants,
    log_cdf_curvature,
    proj_nuclear_max,
    thm31_deterministic_bound,
)
from lowrank_nb.papers.zhangsaab.experiments import block_instance
from lowrank_nb.papers.zhangsaab.recovery_curves import (
    NETWORK_MODES,
    censored_constant_curves,
    planted_layer_errors,
    projection_mse_table,
    theorem31_curves,
    theorem49_vacuity_ratio,
)


def test_theorem31_curves_match_the_estimator_on_the_same_instance():
    d1s, r, sigma = [80, 150], 3, 0.3
    got = theorem31_curves(r, sigma, d1s, d=20, d2=15, rng=4)
    for i, d1 in enumerate(d1s):
        # the instance the function draws, built directly at this sigma
        g = gen_single_layer(d1, 20, 15, r, sigma, rng=np.random.default_rng([4, d1, r]))
        A, B = data_driven_lowrank(g["X"], g["W"], r, X_check=g["X_check"])
        mse = np.mean((g["X_check"] @ (g["M"] - A @ B)) ** 2)
        sharp = thm31_deterministic_bound(g["X"], g["W"], g["X_check"], g["M"], r) ** 2
        bnd = thm31_bounds(r, d1, 20, 15, sigma, g["eps"])
        # two routes through different SVDs of the same data: agreement to round-off
        assert got["mse"][i] == pytest.approx(mse, rel=1e-8)
        assert got["sharp"][i] == pytest.approx(sharp / (d1 * 15), rel=1e-8)
        assert got["eps"][i] == pytest.approx(g["eps"], rel=1e-8)
        assert got["gaussian"][i] == pytest.approx(bnd["gaussian"], rel=1e-8)
        assert got["paper"][i] == pytest.approx(bnd["paper_form"], rel=1e-8)
        assert got["rate"][i] == pytest.approx(bnd["rate"], rel=1e-12)
        assert got["mse"][i] <= got["sharp"][i]  # the proof's deterministic inequality


def test_theorem31_curves_bad_input():
    with pytest.raises(ValueError, match="r must lie"):
        theorem31_curves(0, 0.1, [100], rng=1)
    with pytest.raises(ValueError, match="d1s must lie"):
        theorem31_curves(2, 0.1, [10], d=50, rng=1)
    with pytest.raises(ValueError, match="sigma"):
        theorem31_curves(2, -1.0, [100], rng=1)
    with pytest.raises(TypeError, match="rng"):
        theorem31_curves(2, 0.1, [100], rng=None)


def test_censored_constant_curves_match_lemma_b3_and_theorem49():
    alpha, sigmas = 1.3, [0.4, 0.8, 2.0]  # alpha/sigma <= 3.3: the direct formulas are exact
    got = censored_constant_curves(alpha, sigmas, grid=4001)
    for i, s in enumerate(sigmas):
        # independent of the log-space code: the direct formulas, exact in this range
        x = np.linspace(-alpha, alpha, 4001)
        f, fp = ndtr(x / s), np.exp(-0.5 * (x / s) ** 2) / (np.sqrt(2 * np.pi) * s)
        ref = {"L": np.max(fp / (f * (1 - f))), "beta": np.max(f * (1 - f) / fp**2),
               **{k: lemma_b3_constants(alpha, s)[k] for k in ("L_bound", "beta_bound")}}
        for k in ("L", "L_bound", "beta", "beta_bound"):
            assert got[k][i] == pytest.approx(ref[k], rel=1e-9)  # logs vs direct: round-off
        assert got["C_as"][i] == pytest.approx(thm49_bound(3, 10, 10, alpha, s)[0], rel=1e-12)
        x = np.linspace(-alpha, alpha, 4001)
        assert got["curvature"][i] == pytest.approx(-s**2 * log_cdf_curvature(x, s).min())
    assert np.all(got["curvature"] <= 1.0)  # Lemma B.1
    assert np.all(got["L"] <= got["L_bound"]) and np.all(got["beta"] <= got["beta_bound"])


def test_censored_constant_curves_stable_deep_in_the_tail():
    # alpha / sigma = 20: f (1 - f) computed directly rounds to 0; the Mills ratio
    # phi(t) / Phi(-t) = t + 1/t - 2/t^3 + ... gives L sigma ~ t + 1/t (relative 1e-5 at t = 20)
    got = censored_constant_curves(2.0, [0.1])
    assert np.isfinite(got["L"][0])
    assert got["L"][0] * 0.1 == pytest.approx(20 + 1 / 20, rel=1e-4)
    c = lemma_b3_constants(2.0, 0.1)  # the package's one implementation, no NaN either
    assert np.isfinite(c["beta"]) and c["L"] * 0.1 == pytest.approx(20 + 1 / 20, rel=1e-4)


def test_theorem49_vacuity_ratio_is_eq4_over_the_trivial_bound():
    for alpha in (0.5, 2.0):
        ns = [10, 1000, 10**6]
        got = theorem49_vacuity_ratio(0.7, 4, ns)
        ref = [thm49_bound(4, n, n, alpha, 0.7 * alpha)[1] / (4 * alpha**2) for n in ns]
        np.testing.assert_allclose(got, ref, rtol=1e-12)


def test_theorem49_helpers_bad_input():
    with pytest.raises(ValueError, match="alpha"):
        censored_constant_curves(-1.0, [0.5])
    with pytest.raises(ValueError, match="sigmas"):
        censored_constant_curves(1.0, [0.0])
    with pytest.raises(ValueError, match="rho"):
        theorem49_vacuity_ratio(0.0, 1, [100])
    with pytest.raises(ValueError, match="ns"):
        theorem49_vacuity_ratio(0.5, 1, [1])
    with pytest.raises(ValueError, match="r must lie"):
        theorem49_vacuity_ratio(0.5, 0, [100])


def test_projection_mse_table_matches_a_direct_projection():
    betas = [0.1, 0.6]
    got = projection_mse_table([32, 48], (1, 2), betas, rng=3, tol=1e-5)
    assert got.shape == (2, 2, 2)
    for i, beta in enumerate(betas):
        for j, r in enumerate((1, 2)):
            for k, n in enumerate((32, 48)):
                b, Yt, Q = block_instance(n, r, beta, rng=np.random.default_rng([3, n, r]))
                Yh, _ = proj_nuclear_max(Yt, Q, 1.0, b["tau"], tol=1e-5)
                # the same draws (noise beta * U[-1, 1] vs U[-beta, beta]) up to round-off,
                # so the projections agree far inside the Dykstra tolerance
                assert got[i, j, k] == pytest.approx(np.mean((Yh - b["Y"]) ** 2), rel=1e-6)
    assert np.all(got[1] > got[0])  # more noise, larger error


def test_projection_mse_table_bad_input():
    with pytest.raises(ValueError, match="multiples"):
        projection_mse_table([32], (8,), [0.1], rng=1)  # d = 8 is not > r = 8
    with pytest.raises(ValueError, match="betas"):
        projection_mse_table([32], (1,), [-0.1], rng=1)
    with pytest.raises(TypeError, match="rng"):
        projection_mse_table([32], (1,), [0.1], rng=np.random.default_rng(1))


def test_log_interp_exact_on_power_laws_and_grid_points():
    grid = np.array([0.1, 0.3, 1.0, 2.0])
    table = np.stack([3.0 * grid**2, 0.5 * grid**-0.5], axis=1)
    for v in (0.1, 0.17, 0.3, 0.999, 2.0):
        np.testing.assert_allclose(log_interp(grid, table, v), [3.0 * v**2, 0.5 * v**-0.5],
                                   rtol=1e-12)
    with pytest.raises(ValueError, match="value must lie"):
        log_interp(grid, table, 3.0)
    with pytest.raises(ValueError, match="grid"):
        log_interp(grid[::-1], table, 0.5)
    with pytest.raises(ValueError, match="table"):
        log_interp(grid, -table, 0.5)


def test_planted_layer_errors_first_layer_by_direct_svds():
    sig, r = 0.2, 3
    got = planted_layer_errors([sig], [r], depth=2, width=12, m=60, rng=9)
    assert got.shape == (1, 1, len(NETWORK_MODES), 3)
    p = gen_planted_mlp([20, 12, 12, 10], [3, 3, 3], 60, sig, m_test=1,
                        rng=np.random.default_rng([9, r]))
    X0, W1 = p["X0"], p["weights"][0]
    Y = X0 @ W1
    s = np.linalg.svd(Y, compute_uv=False)
    # the data-driven fits of layer 1 all regress X0 W1 on X0 (full column rank): [X0 W1]_r
    fit_err = np.sqrt(np.sum(s[r:] ** 2) / np.sum(s**2))
    U, sw, Vt = np.linalg.svd(W1, full_matrices=False)
    svd_err = np.linalg.norm(X0 @ ((U[:, :r] * sw[:r]) @ Vt[:r]) - Y) / np.linalg.norm(Y)
    for k, mode in enumerate(NETWORK_MODES):
        want = svd_err if mode == "agnostic" else fit_err
        assert got[0, 0, k, 0] == pytest.approx(want, rel=1e-8)  # two SVD routes: round-off
    assert np.all(got > 0)


def test_planted_layer_errors_bad_input():
    with pytest.raises(ValueError, match="ranks must lie"):
        planted_layer_errors([0.1], [50], width=40, rng=1)
    with pytest.raises(ValueError, match="sigmas"):
        planted_layer_errors([0.0], [2], rng=1)
    with pytest.raises(ValueError, match="m must lie"):
        planted_layer_errors([0.1], [2], width=40, m=10, rng=1)
    with pytest.raises(TypeError, match="rng"):
        planted_layer_errors([0.1], [2], rng=-1)
