"""Tests for lowrank_nb.sweep: grid points, serial and Dask runs, the on-disk cache."""

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from lowrank_nb.sweep import (
    demo_point,
    grid_points,
    matrix_point,
    median_curve,
    run_grid,
    run_serial,
    tensor_point,
)

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None)
    cl = distributed.Client(cluster)
    yield cl
    cl.close()
    cluster.close()


def test_grid_points_order_and_bad_input():
    pts = grid_points({"a": [1, 2], "b": ["x", "y", "z"]})
    assert len(pts) == 6 and pts[0] == {"a": 1, "b": "x"} and pts[1] == {"a": 1, "b": "y"}
    with pytest.raises(ValueError, match="grid must be a non-empty mapping"):
        grid_points({})
    with pytest.raises(ValueError, match=r"grid\['a'\]"):
        grid_points({"a": []})
    with pytest.raises(ValueError, match=r"grid\['a'\]"):
        grid_points({"a": "abc"})


def test_points_are_deterministic_and_validated():
    a = matrix_point(function="f1", scheme="symmetric", n=20, m=4, r=3, seed=1)
    b = matrix_point(function="f1", scheme="symmetric", n=20, m=4, r=3, seed=1)
    assert a == b and a["ap"] <= a["svd"]
    t = tensor_point(n=6, m=8, r=2, seed=0)
    assert 0 < t["ap"] and np.isfinite(t["svd"])
    with pytest.raises(ValueError, match="function must be one of"):
        matrix_point(function="f9", scheme="symmetric", n=20, m=4, r=3, seed=1)
    with pytest.raises(ValueError, match="r must lie"):
        matrix_point(function="f1", scheme="symmetric", n=20, m=4, r=30, seed=1)
    with pytest.raises(ValueError, match="seed must lie"):
        tensor_point(n=6, m=8, r=2, seed=-1)


def test_median_curve():
    rows = [{"k": 1, "ap": 1.0, "svd": 2.0}, {"k": 1, "ap": 3.0, "svd": 4.0},
            {"k": 2, "ap": 5.0, "svd": 6.0}]
    assert np.array_equal(median_curve(rows, "k", [1, 2]), [[2.0, 3.0], [5.0, 6.0]])
    with pytest.raises(ValueError, match="values"):
        median_curve(rows, "k", [3])


def test_dask_equals_serial_and_uses_cache(client, tmp_path):
    grid = {"function": ["f1"], "scheme": ["independent"], "n": [16], "m": [4, 32], "r": [2],
            "seed": [0, 1]}
    serial = run_serial(matrix_point, grid)
    par = run_grid(matrix_point, grid, client=client, cache_dir=tmp_path)
    assert len(par) == len(serial) == 4
    for s, p in zip(serial, par):
        assert s.keys() == p.keys()
        # same code, same seeds, one BLAS thread in both: equal up to at most rounding
        assert all(s[k] == p[k] if isinstance(s[k], str) else s[k] == pytest.approx(p[k], rel=1e-12)
                   for k in s)
    assert len(list(tmp_path.glob("*.json"))) == 4
    again = run_grid(matrix_point, grid, client=client, cache_dir=tmp_path)
    assert again == par  # served from the cache (nothing new was computed)


def test_interrupted_run_resumes_from_cache(client, tmp_path):
    cache, log = tmp_path / "cache", tmp_path / "log"
    log.mkdir()
    xs = [float(x) for x in range(8)]
    script = (
        "from lowrank_nb.sweep import demo_point, run_grid\n"
        f"run_grid(demo_point, {{'x': {xs!r}, 'delay': [0.5], 'log_dir': [{str(log)!r}]}},"
        f" cache_dir={str(cache)!r}, scheduler_address={client.scheduler.address!r})\n"
    )
    env = {**os.environ, "LOWRANK_NB_PRECOMPUTE": "1"}
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 40
    try:
        while time.time() < deadline and len(list(cache.glob("*.json"))) < 2:
            time.sleep(0.1)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # kill the run and its worker processes midway
        proc.wait()
    stamps = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.json")}
    assert 2 <= len(stamps) < len(xs), len(stamps)
    assert any(log.iterdir())  # the interrupted run did evaluate points
    rows = run_grid(demo_point, {"x": xs, "delay": [0.5], "log_dir": [str(log)]},
                    client=client, cache_dir=cache)
    assert [r["ap"] for r in rows] == [x**2 for x in xs]
    after = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.json")}
    assert len(after) == len(xs)
    # entries finished before the kill were served from the cache, not recomputed/rewritten
    assert all(after[name] == stamp for name, stamp in stamps.items())


def test_run_grid_bad_input(tmp_path):
    with pytest.raises(TypeError, match="func must be callable"):
        run_grid(3, {"x": [1.0]}, cache_dir=tmp_path)
    with pytest.raises(ValueError, match="n_workers"):
        run_grid(demo_point, {"x": [1.0]}, cache_dir=tmp_path, n_workers=0)
    with pytest.raises(ValueError, match="grid"):
        run_grid(demo_point, {}, cache_dir=tmp_path)


def test_reproduce_figure_bad_input_and_grids(tmp_path):
    from lowrank_nb.sweep import FIGURE_GRIDS, reproduce_figure

    assert {k for k in FIGURE_GRIDS} == {(f, s) for f in (1, 2, 3) for s in ("small", "paper")}
    for grids in FIGURE_GRIDS.values():
        for func, grid in grids:
            assert func in (matrix_point, tensor_point) and grid_points(grid)
    with pytest.raises(ValueError, match="fig must lie"):
        reproduce_figure(4, out=tmp_path)
    with pytest.raises(ValueError, match="scale must be"):
        reproduce_figure(1, "huge", out=tmp_path)
