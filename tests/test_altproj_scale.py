"""Tests for the beyond-the-paper AP options (start="svd", guard) and the AP scale data driver."""

import json

import numpy as np
import pytest

from lowrank_nb.altproj import lrma_ap, svd_maxerr
from lowrank_nb.generated import f1_matrix
from lowrank_nb.sampling import sample_points
from lowrank_nb.sweep import AP_SCALE_GRIDS, ap_compare_point, ap_scale_data, matrix_point


def _f1sym(n, m, seed):
    X, Y = sample_points(n, m, "symmetric", "ball", np.random.default_rng(seed))
    return f1_matrix(X, Y)


def test_published_start_fails_at_rank_one_and_remedies_fix_it():
    F = _f1sym(100, 100, 0)
    svd = svd_maxerr(F, 1)
    fmax = np.abs(F).max()
    rand = lrma_ap(F, 1, rng=0, method="fast")
    start = lrma_ap(F, 1, rng=0, method="fast", start="svd", trace=True)
    guard = lrma_ap(F, 1, rng=0, method="fast", guard=True)
    assert rand.error > svd  # the documented failure of the random start (measured 1.00 vs 0.75)
    # the SVD start's first upper bracket is the SVD error (up to the GEMM order of U V^T)
    assert start.error <= svd + 1e-12 and start.error <= 0.8 * svd  # measured 0.55 x
    assert guard.error <= min(svd, fmax) + 1e-12
    # the guard's factors realise the returned error
    assert np.max(np.abs(F - guard.U @ guard.V.T)) == pytest.approx(guard.error, rel=1e-10)


def test_guard_is_a_noop_when_the_search_wins():
    # same trajectory, same result: the guard only acts after the search
    F = _f1sym(48, 8, 1)
    a = lrma_ap(F, 6, rng=3, method="fast")
    b = lrma_ap(F, 6, rng=3, method="fast", guard=True)
    assert a.error <= svd_maxerr(F, 6)
    assert b.error == a.error and np.array_equal(a.U, b.U)


def test_start_and_guard_bad_input():
    F = _f1sym(20, 4, 0)
    with pytest.raises(ValueError, match="start"):
        lrma_ap(F, 2, rng=0, method="fast", start="zeros")
    with pytest.raises(ValueError, match="reference"):
        lrma_ap(F, 2, rng=0, method="reference", start="svd")
    with pytest.raises(ValueError, match="reference"):
        lrma_ap(F, 2, rng=0, method="reference", guard=True)


def test_ap_compare_point_matches_matrix_point():
    kw = {"function": "f2", "scheme": "independent", "n": 40, "m": 16, "r": 4, "seed": 2}
    a = ap_compare_point(**kw)
    b = matrix_point(**kw, method="fast")
    assert a["ap"] == b["ap"] and a["svd"] == b["svd"] and a["steps"] == b["steps"]
    assert a["ap_svd"] <= a["svd"] + 1e-12
    assert a["first_err"] >= a["ap"]  # the first upper bracket is never below the final one
    with pytest.raises(ValueError, match="function"):
        ap_compare_point(**{**kw, "function": "f9"})


def test_ap_scale_data_writes_provenance_and_uses_cache(tmp_path):
    grids = {"tiny": {"function": ["f1"], "scheme": ["symmetric"], "n": [24], "m": [4],
                      "r": [2], "seed": [0, 1]}}
    out = ap_scale_data(tmp_path / "d.json", cache_dir=tmp_path / "c", grids=grids)
    data = json.loads(out.read_text())
    prov = data["provenance"]
    assert {"command", "commit", "numpy", "wall_seconds", "grids"} <= set(prov)
    assert prov["grids"]["tiny"]["seed"] == [0, 1]
    assert [r["seed"] for r in data["rows"]["tiny"]] == [0, 1]
    assert len(list((tmp_path / "c").glob("*.json"))) == 2
    again = json.loads(ap_scale_data(tmp_path / "e.json", cache_dir=tmp_path / "c",
                                     grids=grids).read_text())
    assert again["rows"] == data["rows"]


def test_ap_scale_grids_reach_n_1024():
    assert max(AP_SCALE_GRIDS["ratio"]["n"]) == 1024 and max(AP_SCALE_GRIDS["size"]["n"]) == 1024


def test_cache_key_is_shared_with_python_dash_m():
    import types

    from lowrank_nb import sweep

    alias = types.FunctionType(ap_compare_point.__code__, ap_compare_point.__globals__,
                               "ap_compare_point")
    alias.__module__ = "__main__"  # as when run by `python -m lowrank_nb.book.sweep`
    alias.__qualname__ = "ap_compare_point"
    point = {"function": "f1", "scheme": "symmetric", "n": 8, "m": 2, "r": 1, "seed": 0}
    assert sweep._cache_key(alias, point) == sweep._cache_key(ap_compare_point, point)
    other = types.FunctionType(ap_compare_point.__code__, ap_compare_point.__globals__, "x")
    other.__module__, other.__qualname__ = "__main__", "not_in_sweep"
    assert sweep._cache_key(other, point) != sweep._cache_key(ap_compare_point, point)


def test_committed_data_file_matches_the_grids():
    from pathlib import Path

    from lowrank_nb.sweep import grid_points

    data = json.loads((Path(__file__).resolve().parents[1] / "book/data/ap_scale.json")
                      .read_text())
    assert data["provenance"]["grids"] == {k: dict(v) for k, v in AP_SCALE_GRIDS.items()}
    for name, grid in AP_SCALE_GRIDS.items():
        keys = list(grid)
        assert [{k: r[k] for k in keys} for r in data["rows"][name]] == grid_points(grid)
