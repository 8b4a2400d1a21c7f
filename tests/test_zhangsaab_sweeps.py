"""Tests for lowrank_nb.papers.zhangsaab.sweeps (seeded grid points of the Part IV sweeps)."""

from __future__ import annotations

import numpy as np
import pytest

from lowrank_nb.core.mlp import forward
from lowrank_nb.papers.zhangsaab import compression as zs
from lowrank_nb.papers.zhangsaab.experiments import block_instance
from lowrank_nb.papers.zhangsaab.sweeps import (
    GRIDS,
    NETWORK_MODES,
    TRAINED_MODES,
    grid_points,
    planted_network_point,
    run_grid,
    theorem44_point,
    theorem49_point,
    trained_network_point,
)


def test_theorem44_point_against_a_direct_computation():
    res = theorem44_point(n=32, beta=0.5, seed=[3, 1])
    b, Yt, Q = block_instance(32, 2, 0.5, rng=np.random.default_rng([3, 1]))
    Yh, _ = zs.proj_nuclear_max(Yt, Q, 1.0, b["tau"], tol=1e-6)
    assert res["mse"] == pytest.approx(np.mean((Yh - b["Y"]) ** 2), rel=1e-12)  # same path
    assert res["bound"] == pytest.approx(zs.thm44_bound(2, 32, 32, 1.0, 0.5), rel=1e-15)
    # noiseless: the truth lies in Psi and is returned (exact up to the solver's round-off)
    assert theorem44_point(n=32, beta=0.0, seed=1)["mse"] < 1e-20
    with pytest.raises(TypeError, match="seed"):
        theorem44_point(n=32, beta=0.5, seed=-1)
    with pytest.raises(ValueError, match="beta"):
        theorem44_point(n=32, beta=-0.5, seed=1)


def test_theorem49_point_is_reproducible_and_feasible():
    a = theorem49_point(n=16, seed=[9], tol=1e-5)
    b = theorem49_point(n=16, seed=[9], tol=1e-5)
    assert {k: v for k, v in a.items() if k != "seconds"} == {
        k: v for k, v in b.items() if k != "seconds"}
    assert a["nuclear_over_tau"] <= 1 + 1e-8 and a["map_error"] <= 1e-10
    assert a["nll_hat"] <= a["nll_truth"] + 0.1  # the truth is feasible (0.1: box slack)
    assert a["naive"] > a["mle"]  # the naive fit ignores the censoring
    with pytest.raises(ValueError, match="sigma"):
        theorem49_point(n=16, seed=1, sigma=0.0)


def test_planted_network_point_matches_compress_mlp():
    kw = {"widths": (6, 20, 20, 3), "ranks": (2, 2, 2), "m": 200, "m_test": 50}
    res = planted_network_point(sigma=0.05, seed=[2], **kw)
    assert set(NETWORK_MODES) <= set(res)
    rng = np.random.default_rng([2])
    p = zs.gen_planted_mlp([6, 20, 20, 3], [2, 2, 2], 200, 0.05, m_test=50, rng=rng)
    ref = forward(p["weights"], p["X_test"])[-1]
    f, _ = zs.compress_mlp(p["weights"], p["X0"], [2, 2, 2], "agnostic")
    out = forward(f, p["X_test"])[-1]
    assert res["agnostic"][0] == pytest.approx(
        np.linalg.norm(out - ref) / np.linalg.norm(ref), rel=1e-12)


def test_trained_network_point_replays_from_stored_weights():
    kw = {"steps": 5, "ranks": (2,), "n_train": 300, "n_cal": 100, "n_test": 50}
    full = trained_network_point(seed=[4], **kw)
    replay = trained_network_point(seed=[4], weights=full["weights"], **kw)
    for m in TRAINED_MODES:
        assert replay[m] == full[m]  # same float32 network, same data and embeddings
    with pytest.raises(ValueError, match="steps"):
        trained_network_point(seed=[4], steps=0)


def test_grids_and_run_grid():
    assert len(grid_points("theorem49")) == 9 and len(grid_points("theorem44")) == 24
    assert len(grid_points("networks-planted")) == 15 and set(GRIDS) >= {"networks-trained"}
    data = run_grid("theorem44", points=[0])
    assert data["points"][0]["params"] == grid_points("theorem44")[0]
    assert data["provenance"]["numpy"] == np.__version__
    with pytest.raises(ValueError, match="name"):
        grid_points("nope")
    with pytest.raises(ValueError, match="points"):
        run_grid("theorem44", points=[99])


def test_lemma45_and_lemma46_points():
    from lowrank_nb.papers.zhangsaab.sweeps import lemma45_point, lemma46_point

    a = lemma45_point(n=16, seed=[1], starts=2, n_candidates=10)
    assert a["start_min"] > 1.0 and a["spread"] <= 1e-3  # far starts end at the projection
    assert a["cos_max"] <= 1e-3 < 0.1 < a["cos_wrong"]  # the first-order test separates them
    b = lemma46_point(seed=[2], n=16, d=4, tol=1e-7)
    # value check: replay the pair by hand from the same seed
    rng = np.random.default_rng([2])
    g = zs.gen_block_lowrank(16, 4, 2, rng=rng)
    Q = np.linalg.qr(g["X_check"])[0]
    A1 = g["Y"] + rng.uniform(-1, 1, g["Y"].shape)
    A2 = A1 + 0.3 * rng.standard_normal(A1.shape)
    P1, _ = zs.proj_nuclear_max(A1, Q, 1.0, g["tau"], tol=1e-7)
    P2, _ = zs.proj_nuclear_max(A2, Q, 1.0, g["tau"], tol=1e-7)
    ratio = np.linalg.norm(P1 - P2) / np.linalg.norm(A1 - A2)
    assert b["ratio"] == pytest.approx(ratio, rel=1e-12) and b["ratio"] <= 1 + 1e-6
    with pytest.raises(ValueError, match="tol"):
        lemma46_point(seed=[2], tol=0.0)
    with pytest.raises(ValueError, match="starts"):
        lemma45_point(n=16, seed=[1], starts=0)
