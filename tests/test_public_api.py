"""Every public name of lowrank_nb is named in tests/; tests for those that were not.

Each test checks values against an independent computation (a closed form, an enumeration, a
dense reference) and one bad input.
"""

from __future__ import annotations

import itertools
import math
import struct
import sys
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

import lowrank_nb
from lowrank_nb import (
    altproj,
    attention,
    bounds,
    compression,
    features,
    generated,
    mlp,
    norms,
    plotting,
    progress,
    relu,
    separation,
    session,
)
from lowrank_nb.embeddings import cp_tt, distance

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "tools"))
import public_names  # noqa: E402


def test_every_public_name_is_named_in_tests() -> None:
    # A public function, class or constant that no test names is untested by construction.
    missing = public_names.untested()
    assert missing == [], f"public names never named in tests/: {missing}"


# ----------------------------------------------------------------------------- altproj


def test_ap_result_fields_agree_with_its_factors() -> None:
    rng = np.random.default_rng(0)
    F = np.exp(-np.abs(rng.standard_normal((20, 1)) - rng.standard_normal((1, 20))))
    res = altproj.lrma_ap(F, 3, rng=1, max_steps=200)
    assert isinstance(res, altproj.APResult)
    assert res.U.shape == (20, 3) and res.V.shape == (20, 3)
    err = np.max(np.abs(F - res.U @ res.V.T))  # recomputed from the returned factors
    assert res.error == pytest.approx(err, rel=1e-12)
    assert res.rel_error == pytest.approx(err / np.max(np.abs(F)), rel=1e-12)
    assert 1 <= res.steps <= 200 and res.trace is None
    with pytest.raises(ValueError, match="r must"):
        altproj.lrma_ap(F, 0, rng=1)


# ----------------------------------------------------------------------------- attention


def test_positive_random_features_formula_and_unbiasedness() -> None:
    rng = np.random.default_rng(1)
    X = 0.3 * rng.standard_normal((3, 4))
    Omega = rng.standard_normal((4, 5))
    phi = attention.positive_random_features(X, Omega)
    for i, j in itertools.product(range(3), range(5)):  # entry by entry, from the definition
        expect = math.exp(float(Omega[:, j] @ X[i]) - float(X[i] @ X[i]) / 2) / math.sqrt(5)
        assert phi[i, j] == pytest.approx(expect, rel=1e-12)
    # E[phi(q) . phi(k)] = exp(q . k) (Performer, Lemma 1): Monte Carlo with k = 200000.
    k = 200_000
    Omega = rng.standard_normal((4, k))
    P = attention.positive_random_features(X, Omega)
    prods = P[0] * P[1] * k  # k i.i.d. single-feature estimates
    se = prods.std() / math.sqrt(k)
    assert abs(prods.mean() - math.exp(float(X[0] @ X[1]))) <= 5 * se  # 5 SE: 6e-7 alarm
    with pytest.raises(ValueError, match="Omega must have 4 rows"):
        attention.positive_random_features(X, np.ones((3, 2)))


# ----------------------------------------------------------------------------- bounds


def test_limit_threshold_and_grid() -> None:
    lim = bounds.Limit("p", "r", "label", "n", "meaning", "", bound=lambda n: 100.0 / n,
                       trivial=lambda n: 1.0, lo=1, hi=10**6).search()
    assert lim.threshold == 101  # 100 / n < 1 exactly when n > 100
    weak = bounds.Limit("p", "r", "label", "n", "meaning", "", bound=lambda n: 100.0 / n,
                        trivial=lambda n: 1.0, lo=1, hi=10**6, strict=False).search()
    assert weak.threshold == 100 and weak.nonvacuous(100) and not lim.nonvacuous(100)
    never = bounds.Limit("p", "r", "label", "n", "meaning", "", bound=lambda n: 2.0,
                         trivial=lambda n: 1.0).search()
    assert never.threshold is None
    grid = lim.grid(7)
    assert grid[0] == 1 and grid[-1] == 10**6 and grid == sorted(grid)
    with pytest.raises(ValueError, match="points must"):
        lim.grid(1)


# ----------------------------------------------------------------------------- compression


def test_best_rank_r_is_the_eckart_young_projection() -> None:
    A = np.random.default_rng(2).standard_normal((8, 6))
    L, R = compression.best_rank_r(A, 2)
    assert L.shape == (8, 2) and R.shape == (2, 6)
    # Independent: project onto the top-2 eigenvectors of A A^T.
    w, Q = np.linalg.eigh(A @ A.T)
    top = Q[:, np.argsort(w)[::-1][:2]]
    np.testing.assert_allclose(L @ R, top @ top.T @ A, atol=1e-10)
    assert np.linalg.norm(A - L @ R) ** 2 == pytest.approx(np.sort(w)[::-1][2:6].sum())
    with pytest.raises(ValueError, match="r must"):
        compression.best_rank_r(A, 0)


def test_cor47_bound_is_twice_theorem_44_plus_twice_eps() -> None:
    r, d1, d2, alpha, beta, eps = 3, 40, 50, 0.7, 0.2, 0.05
    C = 4 * math.sqrt(2) * math.e  # the constant the proof needs (Lemma A.4 with K = 1)
    thm44 = 2 * C * alpha * (4 * alpha + 2 * beta) * math.sqrt(r * (d1 + d2) / (d1 * d2))
    assert compression.cor47_bound(r, d1, d2, alpha, beta, eps) == pytest.approx(
        2 * thm44 + 2 * eps, rel=1e-12)
    with pytest.raises(ValueError, match="eps"):
        compression.cor47_bound(r, d1, d2, alpha, beta, -0.1)


def test_stable_rank_closed_forms() -> None:
    assert compression.stable_rank(np.diag([3.0, 2.0, 1.0])) == pytest.approx(14 / 9)
    assert compression.stable_rank(np.eye(5)) == pytest.approx(5.0)
    u = np.random.default_rng(3).standard_normal((6, 1))
    assert compression.stable_rank(u @ u.T) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="Y must not be the zero matrix"):
        compression.stable_rank(np.zeros((3, 3)))


# ----------------------------------------------------------------------------- embeddings


def test_taylor_tt_result_eps_max_and_algebraic_term() -> None:
    res = cp_tt.TaylorTT(cores=[], eps={1: 0.1, 2: 0.3}, terms=[1, 2], norm_product=2.0)
    assert res.eps_max == 0.3
    # 0.3 * (|0.5| 2 + |-0.25| 4) = 0.6
    assert res.algebraic_term([1.0, 0.5, -0.25]) == pytest.approx(0.6)
    assert cp_tt.TaylorTT(cores=[]).eps_max == 0.0
    rng = np.random.default_rng(4)
    out = cp_tt.taylor_tt([1.0, 1.0, 0.5], [rng.standard_normal((4, 2)) for _ in range(3)],
                          3, rng)
    assert isinstance(out, cp_tt.TaylorTT) and out.terms == [1, 2]
    with pytest.raises(ValueError, match="coeffs"):
        cp_tt.taylor_tt([1.0], [np.ones((3, 2))] * 3, 2, 0)


def test_perturbed_power_width_and_realised_error() -> None:
    rng = np.random.default_rng(5)
    A = rng.standard_normal((10, 4)) / 2
    B = rng.standard_normal((12, 4)) / 2
    res = distance.perturbed_power_factors(A, B, [], [], 2, 50, rng)
    assert isinstance(res, distance.PerturbedPower)
    assert res.width == res.U.shape[1] == res.V.shape[1]
    target = (A @ B.T) ** 2  # Hadamard square, formed densely
    assert np.max(np.abs(target - res.U @ res.V.T)) <= res.bound * (1 + 1e-9)
    assert res.eps_max == max(res.eps.values())
    with pytest.raises(ValueError, match="us and vs must have the same length"):
        distance.perturbed_power_factors(A, B, [np.ones(10)], [], 2, 50, rng)


# ----------------------------------------------------------------------------- kernels


def test_feature_kernels_match_their_closed_forms() -> None:
    D = np.array([0.0, 0.25, 1.0, 4.0])
    closed = {"gaussian": np.exp(-D), "exponential": np.exp(-np.sqrt(D)),
              "cauchy": 1 / (1 + D)}
    assert set(features.KERNELS) == set(closed)
    for kernel in features.KERNELS:
        np.testing.assert_allclose(features.kernel_profile(kernel, D), closed[kernel])
    with pytest.raises(ValueError, match="kernel must be one of"):
        features.kernel_profile("laplace", D)


def test_norms_kernels_residual_against_dense() -> None:
    rng = np.random.default_rng(6)
    X = rng.standard_normal((7, 3))
    Y = rng.standard_normal((5, 3))
    U, V = rng.standard_normal((7, 2)), rng.standard_normal((5, 2))
    D = np.array([[np.sum((x - y) ** 2) for y in Y] for x in X])
    h = {"f1": np.exp(-np.sqrt(D)), "f2": np.exp(-(D**2)), "gaussian": np.exp(-D)}
    assert set(norms.KERNELS) == set(h)
    for kernel in norms.KERNELS:
        got = norms.generated_residual_max(kernel, X, Y, U, V)
        assert got == pytest.approx(np.max(np.abs(h[kernel] - U @ V.T)), rel=1e-10)
    with pytest.raises(ValueError, match="kernel must be one of"):
        norms.generated_residual_max("cauchy", X, Y, U, V)


def test_h_f1_and_h_f2_give_f1_and_f2() -> None:
    rng = np.random.default_rng(7)
    X, Y = rng.standard_normal((4, 3)), rng.standard_normal((5, 3))
    D = generated.sqdist(X, Y)
    dist = np.array([[math.dist(x, y) for y in Y] for x in X])
    np.testing.assert_allclose(generated.h_f1(D), np.exp(-dist), rtol=1e-10)
    np.testing.assert_allclose(generated.h_f2(D), np.exp(-(dist**4)), rtol=1e-10)
    np.testing.assert_allclose(generated.h_f1(D), generated.f1_matrix(X, Y), rtol=1e-12)
    with pytest.raises(TypeError):
        generated.h_f1(np.array(["a"]))
    with pytest.raises(TypeError):
        generated.h_f2(np.array(["a"]))


# ----------------------------------------------------------------------------- mlp


def test_layer_dense_and_factored_forms() -> None:
    rng = np.random.default_rng(8)
    A, B = rng.standard_normal((4, 2)), rng.standard_normal((2, 3))
    dense: mlp.Layer = A @ B
    factored: mlp.Layer = (A, B)
    np.testing.assert_allclose(mlp.layer_matrix(factored), dense, rtol=1e-12)
    np.testing.assert_array_equal(mlp.layer_matrix(dense), dense)
    X = rng.standard_normal((6, 4))
    out_d, out_f = mlp.forward([dense], X)[-1], mlp.forward([factored], X)[-1]
    np.testing.assert_allclose(out_d, out_f, rtol=1e-12)
    with pytest.raises(ValueError, match="as a tuple must be"):
        mlp.layer_matrix((A, B, B))


# ----------------------------------------------------------------------------- plotting


def test_colors_are_distinct_valid_colours() -> None:
    values = list(plotting.COLORS.values())
    assert all(matplotlib.colors.is_color_like(c) for c in values)
    assert len(set(values)) == len(values) >= 5
    with pytest.raises(KeyError):
        plotting.COLORS["no-such-role"]


def test_fig_to_png_and_svg_sizes_and_close() -> None:
    fig, _ = plt.subplots(figsize=(3, 2))
    num = fig.number
    png = plotting.fig_to_png(fig, dpi=50)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])  # IHDR: width and height in pixels
    assert (width, height) == (150, 100)
    assert not plt.fignum_exists(num)
    fig, _ = plt.subplots(figsize=(3, 2))
    svg = plotting.fig_to_svg(fig)
    assert '<svg' in svg and 'width="216pt"' in svg and 'height="144pt"' in svg  # 72 pt/in
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        plotting.fig_to_png("figure")
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        plotting.fig_to_svg(None)


def test_use_book_style_sets_its_rc_params() -> None:
    with plt.rc_context():
        plt.rcParams.update(matplotlib.rcParamsDefault)
        changed = [k for k, v in plotting._STYLE.items() if plt.rcParams[k] != v]
        assert changed, "the book style must differ from matplotlib's defaults"
        plotting.use_book_style()
        assert all(plt.rcParams[k] == plt.rcParams.validate[k](v)
                   for k, v in plotting._STYLE.items())
    with pytest.raises(TypeError):
        plotting.use_book_style("dark")


# ----------------------------------------------------------------------------- progress


def test_track_yields_everything_and_draws_only_live(monkeypatch, capsys) -> None:
    monkeypatch.setenv(progress.PRECOMPUTE_ENV, "1")
    assert list(progress.track(iter(range(5)), desc="building")) == [0, 1, 2, 3, 4]
    assert "building" not in capsys.readouterr().err  # no stale bar in the book build
    monkeypatch.setenv(progress.PRECOMPUTE_ENV, "0")
    assert list(progress.track(range(3), desc="live-bar", total=3)) == [0, 1, 2]
    assert "live-bar" in capsys.readouterr().err
    with pytest.raises(TypeError):
        list(progress.track(5))


# ----------------------------------------------------------------------------- relu


def _kappa(rho: np.ndarray) -> np.ndarray:
    return (np.sqrt(1 - rho**2) + (np.pi - np.arccos(rho)) * rho) / np.pi


def test_subset_objective_and_relu_svd_result_by_enumeration() -> None:
    W = np.random.default_rng(9).standard_normal((5, 7))
    U = np.linalg.svd(W, full_matrices=False)[0]
    norms2 = np.sum(W**2, axis=0)

    def score(lam):  # J = sum_i |W_i|^2 kappa(rho_i)^2, rho_i = |U_lam^T W_i| / |W_i|
        rho = np.clip(np.linalg.norm(U[:, list(lam)].T @ W, axis=0) / np.sqrt(norms2), 0, 1)
        return float(np.sum(norms2 * _kappa(rho) ** 2))

    for lam in [(0,), (1, 3), (0, 2, 4)]:
        assert relu.subset_objective(W, np.array(lam)) == pytest.approx(score(lam), rel=1e-10)
    assert relu.subset_objective(W, np.arange(5)) == pytest.approx(norms2.sum())  # rho = 1
    res = relu.relu_svd(W, 2, "enumerate")
    assert isinstance(res, relu.ReluSVDResult) and np.linalg.matrix_rank(res.Y) == 2
    best = max(itertools.combinations(range(5), 2), key=score)
    assert sorted(res.Lambda.tolist()) == sorted(best)
    with pytest.raises(ValueError, match="Lambda must list indices"):
        relu.subset_objective(W, np.array([5]))


def test_factor_balanced_is_balanced_and_best_rank_r() -> None:
    Y = np.random.default_rng(10).standard_normal((6, 4))
    A, B = relu.factor_balanced(Y, 2)
    s = np.linalg.svd(Y, compute_uv=False)
    np.testing.assert_allclose(A.T @ A, B.T @ B, atol=1e-10)  # balanced: both S_r
    np.testing.assert_allclose(np.sort(np.linalg.eigvalsh(A.T @ A)), np.sort(s[:2]), rtol=1e-10)
    assert np.linalg.norm(Y - A @ B.T) ** 2 == pytest.approx(np.sum(s[2:] ** 2))
    with pytest.raises(ValueError, match="r must"):
        relu.factor_balanced(Y, 0)


def test_lfai_result_shapes_and_history() -> None:
    W = np.random.default_rng(11).standard_normal((6, 5))
    res = relu.lfai_adam(W, 2, epochs=2, steps_per_epoch=4, batch=32, n_eval=500,
                         rng=np.random.default_rng(12))
    assert isinstance(res, relu.LFAIResult)
    assert res.U.shape == (6, 2) and res.V.shape == (5, 2) and res.history.shape == (3,)
    assert np.all(np.isfinite(res.history)) and np.all(res.history >= 0)
    with pytest.raises(ValueError, match="r must"):
        relu.lfai_adam(W, 0, rng=np.random.default_rng(0))


# ----------------------------------------------------------------------------- separation


def _distinct(M: np.ndarray) -> np.ndarray:
    return np.unique(np.round(M, 12), axis=0)


def test_self_and_cross_outputs_match_the_attention_layer() -> None:
    n, d = 40, 6
    out = separation.self_outputs(n, d, 0.01, 1.2, 0.2, 0.8, "ones", 3)
    for cls, a in ((0, 0.01), (1, 1.2)):
        A = separation.self_instance(n, d, a, 0.2, 0.8, 3)
        for kind in ("exp", "lin"):
            dense = separation.attention_layer(A, A, A, np.ones((d, d)), kind=kind)
            np.testing.assert_allclose(_distinct(out[f"{kind}_D{cls}"]), _distinct(dense),
                                       atol=1e-10)
    cross = separation.cross_outputs(n, 5, 0.01, 3.0, 2, 7)
    for cls, a in ((0, 0.01), (1, 3.0)):
        A1, A2 = separation.cross_instance(n, 5, a, 2, 7)
        for kind in ("exp", "lin"):
            dense = separation.attention_layer(A1, A2, A2, np.eye(5), kind=kind)
            np.testing.assert_allclose(_distinct(cross[f"{kind}_D{cls}"]), _distinct(dense),
                                       atol=1e-10)
    with pytest.raises(ValueError, match="X must be 'ones' or 'identity'"):
        separation.self_outputs(n, d, 0.01, 1.2, 0.2, 0.8, "zeros")
    with pytest.raises(ValueError, match="j2 must"):
        separation.cross_outputs(n, 5, 0.01, 3.0, j2=n)


def test_exact_fire_probs_cross_by_enumeration() -> None:
    n, d, tau = 200, 6, 0.9
    probs = separation.exact_fire_probs_cross(n, d, 0.01, 3.0, tau)
    Y = np.array(list(itertools.product((-1.0, 1.0), repeat=d)))
    fire = {}
    for cls, a in ((0, 0.01), (1, 3.0)):
        A1, A2 = separation.cross_instance(n, d, a, 0, 0)
        for kind in ("exp", "lin"):
            C = separation.attention_layer(A1, A2, A2, np.eye(d), kind=kind)
            fire[f"{kind}_D{cls}"] = np.any(C @ Y.T > tau, axis=0)
    for key, f in fire.items():
        assert probs[key] == pytest.approx(f.mean(), abs=1e-12)
    bad = fire["lin_D1"] | fire["exp_D0"] | fire["lin_D0"]
    assert probs["p_bad"] == pytest.approx(bad.mean(), abs=1e-12)
    assert probs["q"] == pytest.approx((~(bad | fire["exp_D1"])).mean(), abs=1e-12)
    with pytest.raises(ValueError, match="multiple of d - 1"):
        separation.exact_fire_probs_cross(201, d, 0.01, 3.0)


# ----------------------------------------------------------------------------- session


def test_setup_notebook_seeds_and_pins(monkeypatch) -> None:
    from threadpoolctl import threadpool_info

    rng = session.setup_notebook(123)
    assert rng.random(4).tolist() == np.random.default_rng(123).random(4).tolist()
    assert all(info["num_threads"] == 1 for info in threadpool_info()
               if info["user_api"] == "blas")
    assert lowrank_nb.setup_notebook is session.setup_notebook
    with pytest.raises(ValueError, match="seed must"):
        session.setup_notebook(-1)


def test_precompute_switch(monkeypatch) -> None:
    monkeypatch.setenv(progress.PRECOMPUTE_ENV, "1")
    assert progress.precompute_enabled()
    for value in ("0", "", "yes"):
        monkeypatch.setenv(progress.PRECOMPUTE_ENV, value)
        assert not progress.precompute_enabled()
    monkeypatch.delenv(progress.PRECOMPUTE_ENV)
    assert not progress.precompute_enabled()
