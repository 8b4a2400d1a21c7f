"""Parameter sweeps for the §7 experiments: one grid point, a serial grid, a cached Dask grid.

A *point* is a plain function of keyword parameters returning a dict of numbers, e.g.
:func:`matrix_point` (AP and truncated-SVD errors of one function-generated matrix) or
:func:`tensor_point` (TT-QAP and TT-SVD errors of one f3 tensor). :func:`run_serial` evaluates a
grid in-process (what the notebooks do at reduced scale); :func:`run_grid` evaluates it with
Dask, caching every finished point on disk so an interrupted paper-scale run resumes.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lowrank_nb.book.plotting import COLORS, figure
from lowrank_nb.book.progress import track
from lowrank_nb.core.sampling import sample_ball, sample_points
from lowrank_nb.core.threads import pin_blas_threads
from lowrank_nb.core.validate import check_int
from lowrank_nb.papers.budzinskiy.altproj import lrma_ap, svd_maxerr
from lowrank_nb.papers.budzinskiy.generated import f1_matrix, f2_matrix, f3_tensor
from lowrank_nb.papers.budzinskiy.tt import lrta_qap, tt_full, tt_svd

__all__ = [
    "AP_SCALE_GRIDS",
    "FIGURE_GRIDS",
    "ap_compare_point",
    "demo_point",
    "grid_points",
    "matrix_point",
    "median_curve",
    "reproduce_figure",
    "run_grid",
    "run_serial",
    "tensor_point",
]

_MATRIX_FUNCTIONS = {"f1": f1_matrix, "f2": f2_matrix}


def matrix_point(
    *, function: str, scheme: str, n: int, m: int, r: int, seed: int, method: str = "reference"
) -> dict[str, float]:
    """AP and truncated-SVD relative max-norm errors for one f1/f2 matrix of §7.

    Points are uniform in the unit ball; ``scheme`` is "independent" or "symmetric"; the
    matrix and the AP start both come from ``numpy.random.default_rng(seed)``, so each seed is
    a fresh trial as in the paper (5 trials there, 3 in the book).

    Returns
    -------
    dict with ``ap`` and ``svd`` (relative errors ``eps / max|F|``), ``fmax``, ``steps``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7.2 (settings), Figures 1-3.
    """
    if function not in _MATRIX_FUNCTIONS:
        raise ValueError(f"function must be one of {sorted(_MATRIX_FUNCTIONS)}, got {function!r}")
    n = check_int(n, "n", minimum=2)
    m = check_int(m, "m")
    r = check_int(r, "r", maximum=n)
    seed = check_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    X, Y = sample_points(n, m, scheme, "ball", rng)
    F = _MATRIX_FUNCTIONS[function](X, Y)
    fmax = float(np.max(np.abs(F)))
    res = lrma_ap(F, r, rng=rng, method=method)
    return {"ap": res.rel_error, "svd": float(svd_maxerr(F, r)) / fmax, "fmax": fmax,
            "steps": float(res.steps)}


def ap_compare_point(
    *, function: str, scheme: str, n: int, m: int, r: int, seed: int
) -> dict[str, float]:
    """The published AP start against an SVD start, and the truncated SVD, on one f1/f2 matrix.

    Both AP runs use ``method="fast"`` (the reference method is too slow at n = 1024) on the
    matrix of :func:`matrix_point` with the same ``seed``: ``ap`` starts from the published
    ``randn / sqrt(r)`` (the same run as ``matrix_point(..., method="fast")``), ``ap_svd``
    from the truncated SVD (beyond the paper). ``start_err`` is the relative max error of the
    random start's first step (the first upper bracket, relative); ``seconds`` the wall time of
    the random-start run.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7.1-7.5 (the "5-10 times" claim).
    """
    import time

    if function not in _MATRIX_FUNCTIONS:
        raise ValueError(f"function must be one of {sorted(_MATRIX_FUNCTIONS)}, got {function!r}")
    n = check_int(n, "n", minimum=2)
    m = check_int(m, "m")
    r = check_int(r, "r", maximum=n)
    seed = check_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    X, Y = sample_points(n, m, scheme, "ball", rng)
    F = _MATRIX_FUNCTIONS[function](X, Y)
    fmax = float(np.max(np.abs(F)))
    state = rng.bit_generator.state  # both AP runs draw the same start and sketch
    t0 = time.perf_counter()
    res = lrma_ap(F, r, rng=rng, method="fast", trace=True)
    seconds = time.perf_counter() - t0
    rng.bit_generator.state = state
    res_svd = lrma_ap(F, r, rng=rng, method="fast", start="svd")
    start_err = float(res.trace["eps2"][0]) if res.steps else res.error
    return {"ap": res.rel_error, "ap_svd": res_svd.rel_error,
            "svd": float(svd_maxerr(F, r)) / fmax, "fmax": fmax, "steps": float(res.steps),
            "steps_svd": float(res_svd.steps), "seconds": seconds,
            "first_err": start_err / fmax}


def tensor_point(*, n: int, m: int, r: int, seed: int) -> dict[str, float]:
    """TT-QAP and TT-SVD relative max-norm errors for one ``f3 = sinh<x, y, z>`` tensor.

    Independent ball sampling of the three point sets, TT ranks ``(r, r)``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7.2 (f3), Figures 1-3 (bottom).
    """
    n = check_int(n, "n", minimum=2)
    m = check_int(m, "m")
    r = check_int(r, "r", maximum=n)
    seed = check_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    T = f3_tensor(*(sample_ball(n, m, rng=rng) for _ in range(3)))
    tmax = float(np.max(np.abs(T)))
    res = lrta_qap(T, r, rng=rng)
    tt = float(np.max(np.abs(tt_full(tt_svd(T, r)) - T))) / tmax
    return {"ap": res.rel_error, "svd": tt, "fmax": tmax, "steps": float(res.steps)}


def median_curve(
    rows: Sequence[Mapping[str, Any]], key: str, values: Sequence[Any], **fixed: Any
) -> np.ndarray:
    """Median ``ap`` and ``svd`` over the trials of ``rows`` at each value of ``key``.

    Only rows whose parameters equal ``fixed`` are used. Returns an array of shape
    ``(len(values), 2)``; a value with no matching row raises ``ValueError``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7.2 (median over trials).
    """
    out = np.empty((len(values), 2))
    for k, v in enumerate(values):
        sel = [r for r in rows if r[key] == v and all(r[f] == fixed[f] for f in fixed)]
        if not sel:
            raise ValueError(f"values: no row has {key} = {v!r} with {fixed}")
        out[k] = np.median([r["ap"] for r in sel]), np.median([r["svd"] for r in sel])
    return out


def grid_points(grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """All combinations of a ``{name: values}`` grid, last parameter fastest.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7.2 (the experiment grids).
    """
    if not isinstance(grid, Mapping) or not grid:
        raise ValueError("grid must be a non-empty mapping {parameter: list of values}")
    for key, values in grid.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
            raise ValueError(f"grid[{key!r}] must be a non-empty list of values")
    keys = list(grid)
    return [dict(zip(keys, combo)) for combo in itertools.product(*(grid[k] for k in keys))]


def run_serial(
    func: Callable[..., dict[str, float]], grid: Mapping[str, Sequence[Any]]
) -> list[dict[str, Any]]:
    """Evaluate ``func(**point)`` on every grid point in this process.

    Returns a list of ``{**point, **func(**point)}`` rows in grid order.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7.
    """

    pts = grid_points(grid)
    return [{**p, **func(**p)} for p in track(pts, desc=getattr(func, "__name__", "grid"))]


def _cache_key(func: Callable, point: Mapping[str, Any]) -> str:

    module = func.__module__
    if module == "__main__" and func.__qualname__ in __all__:
        module = "lowrank_nb.book.sweep"  # `python -m lowrank_nb.book.sweep` shares the cache
    blob = json.dumps({"func": f"{module}.{func.__qualname__}", "version": _version(),
                       "point": point}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def _write_atomic(path: Path, payload: dict) -> None:
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(payload, sort_keys=True, default=float))
    os.replace(tmp, path)  # a crash mid-write never leaves a half-written cache entry


def _cached_call(func: Callable, point: dict, cache_dir: str) -> dict:
    path = Path(cache_dir) / f"{_cache_key(func, point)}.json"
    if path.exists():
        return json.loads(path.read_text())["result"]
    result = func(**point)
    _write_atomic(path, {"point": point, "result": result})
    return result


def demo_point(*, x: float, delay: float = 0.0, log_dir: str | None = None) -> dict[str, float]:
    """A cheap deterministic point for tests and smoke runs: ``{"ap": x**2, "svd": 2 x**2}``.

    ``delay`` seconds of sleep make interruption testable; with ``log_dir`` every evaluation
    leaves a marker file, so a test can count which points were recomputed.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7 (the sweeps this mimics).
    """
    import time
    import uuid

    if delay:
        time.sleep(float(delay))
    if log_dir is not None:
        Path(log_dir, f"{x!r}-{uuid.uuid4().hex}").touch()
    return {"ap": float(x) ** 2, "svd": 2.0 * float(x) ** 2}


def _run_pinned(func: Callable[..., dict], point: dict) -> dict:
    # Workers are fresh processes: pin BLAS to one thread there too (2 threads were 10-25x
    # slower on the 2-core build machines).

    pin_blas_threads(1)
    return func(**point)


def run_grid(
    func: Callable[..., dict[str, float]],
    grid: Mapping[str, Sequence[Any]],
    *,
    client: Any = None,
    scheduler_address: str | None = None,
    cache_dir: str | os.PathLike = ".cache/sweep",
    n_workers: int = 2,
) -> list[dict[str, Any]]:
    """Evaluate ``func(**point)`` over a grid with Dask, caching every finished point on disk.

    Each point's result is written (atomically, by the client as soon as it arrives) to
    ``cache_dir/<hash>.json``, keyed by the function's qualified name, the point's parameters
    and ``lowrank_nb._version()``. Cached points are never recomputed, so an interrupted run
    resumes where it stopped. A progress bar (:func:`lowrank_nb.book.progress.track`) counts points.

    Parameters
    ----------
    func : callable
        A module-level function (workers import it by name), e.g. :func:`matrix_point`.
    grid : mapping ``{parameter: list of values}``
    client : dask.distributed.Client, optional
        Run on this client's cluster.
    scheduler_address : str, optional
        ``tcp://host:port`` of a running ``dask.distributed`` scheduler (ignored with ``client``).
    cache_dir : path, default ``.cache/sweep``
    n_workers : int, default 2
        Worker processes of the temporary local cluster used when neither ``client`` nor
        ``scheduler_address`` is given (bound to 127.0.0.1, one thread each).

    Returns
    -------
    list of dict
        ``{**point, **result}`` in grid order, identical to :func:`run_serial`.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7 (5 trials per point at sizes
    that outgrow one machine).
    """

    if not callable(func):
        raise TypeError(f"func must be callable, got {type(func).__name__}")
    n_workers = check_int(n_workers, "n_workers")
    pts = grid_points(grid)
    cache = Path(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict] = {}
    todo = []
    for k, p in enumerate(pts):
        path = cache / f"{_cache_key(func, p)}.json"
        if path.exists():
            results[k] = json.loads(path.read_text())["result"]
        else:
            todo.append(k)
    if todo:
        with _ClientContext(client, scheduler_address, n_workers) as cl:
            from distributed import as_completed

            futures = {cl.submit(_run_pinned, func, pts[k], pure=False): k for k in todo}
            for fut in track(as_completed(futures), desc=getattr(func, "__name__", "grid"),
                             total=len(futures)):
                k = futures[fut]
                results[k] = fut.result()
                _write_atomic(cache / f"{_cache_key(func, pts[k])}.json",
                              {"point": pts[k], "result": results[k]})
    return [{**p, **results[k]} for k, p in enumerate(pts)]


class _ClientContext:
    """Use the given client, connect to an address, or start a loopback LocalCluster."""

    def __init__(self, client: Any, address: str | None, n_workers: int):
        self.client, self.address, self.n_workers = client, address, n_workers
        self._owned: list[Any] = []

    def __enter__(self) -> Any:
        if self.client is not None:
            return self.client
        from distributed import Client, LocalCluster

        if self.address is not None:
            if not isinstance(self.address, str):
                raise TypeError("scheduler_address must be a string like 'tcp://host:8786'")
            cl = Client(self.address)
            self._owned.append(cl)
            return cl
        cluster = LocalCluster(n_workers=self.n_workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        cl = Client(cluster)
        self._owned += [cl, cluster]
        return cl

    def __exit__(self, *exc: object) -> None:
        for obj in self._owned:
            obj.close()


#: Grids for ``make reproduce``: "small" = the book's chapter, "paper" = OUR GUESS at the paper's
#: scale (the paper states neither its sizes nor its grids; only the 5 trials of §7.2 are its).
FIGURE_GRIDS: dict[tuple[int, str], list[tuple[Callable, dict]]] = {
    (1, "small"): [
        (matrix_point, {"function": ["f1", "f2"], "scheme": ["symmetric", "independent"],
                        "m": [2, 16, 128, 1024], "n": [32], "r": [4], "seed": [0, 1, 2]}),
        (tensor_point, {"m": [1, 16, 256], "n": [10], "r": [3], "seed": [0, 1]})],
    (2, "small"): [
        (matrix_point, {"function": ["f1", "f2"], "scheme": ["symmetric", "independent"],
                        "n": [16, 32, 64], "m": [64], "r": [4], "seed": [0, 1, 2]}),
        (tensor_point, {"n": [8, 16, 24], "m": [256], "r": [4], "seed": [0, 1]})],
    (3, "small"): [
        (matrix_point, {"function": ["f1", "f2"], "scheme": ["symmetric", "independent"],
                        "r": [2, 4, 8, 16], "n": [64], "m": [64], "seed": [0]}),
        (tensor_point, {"r": [2, 3, 4, 6], "n": [12], "m": [256], "seed": [0]})],
    (1, "paper"): [
        (matrix_point, {"function": ["f1", "f2"], "scheme": ["symmetric", "independent"],
                        "m": [2, 8, 32, 128, 512, 2048], "n": [500], "r": [10],
                        "seed": [0, 1, 2, 3, 4], "method": ["fast"]}),
        (tensor_point, {"m": [1, 4, 16, 64, 256, 1024], "n": [40], "r": [5],
                        "seed": [0, 1, 2, 3, 4]})],
    (2, "paper"): [
        (matrix_point, {"function": ["f1", "f2"], "scheme": ["symmetric", "independent"],
                        "n": [100, 200, 500, 1000, 2000], "m": [100], "r": [10],
                        "seed": [0, 1, 2, 3, 4], "method": ["fast"]}),
        (tensor_point, {"n": [10, 20, 30, 40, 50], "m": [256], "r": [5],
                        "seed": [0, 1, 2, 3, 4]})],
    (3, "paper"): [
        (matrix_point, {"function": ["f1", "f2"], "scheme": ["symmetric", "independent"],
                        "r": [2, 4, 8, 16, 32, 64, 128], "n": [500], "m": [100],
                        "seed": [0, 1, 2, 3, 4], "method": ["fast"]}),
        (tensor_point, {"r": [2, 3, 4, 6, 8, 12], "n": [30], "m": [256],
                        "seed": [0, 1, 2, 3, 4]})],
}

_AXIS = {1: "m", 2: "n", 3: "r"}

#: Grids of the committed data file ``book/data/ap_scale.json``
#: (``python -m lowrank_nb.book.sweep --ap-scale book/data/ap_scale.json``): "ratio" is
#: the SVD/AP ratio against n up to 1024 (the paper's sizes are unknown; this is a guess at
#: them), "onset" the small-rank failure of the published random start, "size" the growth of
#: the error with n at fixed rank (Figure 2's polylog(n - r) against a power law).
AP_SCALE_GRIDS: dict[str, dict[str, list]] = {
    "ratio": {"function": ["f1", "f2"], "scheme": ["symmetric", "independent"],
              "n": [128, 256, 512, 1024], "m": [128], "r": [64], "seed": [0, 1, 2]},
    "onset": {"function": ["f1", "f2"], "scheme": ["symmetric"], "n": [100, 200, 500],
              "m": [100], "r": [1, 2, 4, 8], "seed": [0, 1, 2]},
    "size": {"function": ["f1", "f2"], "scheme": ["symmetric", "independent"],
             "n": [32, 64, 128, 256, 512, 1024], "m": [64], "r": [8], "seed": [0, 1]},
}


def ap_scale_data(
    path: str | os.PathLike = "book/data/ap_scale.json", *,
    cache_dir: str | os.PathLike = ".cache/sweep", grids: Mapping[str, Mapping] | None = None,
) -> Path:
    """Run :data:`AP_SCALE_GRIDS` serially (cached per point, resumable) into a JSON data file.

    The file records its provenance: the command, the git commit, library versions, the grids
    (seeds included), the machine and the wall time.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7.5 (the "5-10 times" claim).
    """
    import platform
    import subprocess
    import sys
    import time

    import scipy

    pin_blas_threads(1)
    grids = AP_SCALE_GRIDS if grids is None else grids
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    rows = {}
    for name, grid in grids.items():
        pts = grid_points(grid)
        rows[name] = [{**p, **_cached_call(ap_compare_point, p, str(cache_dir))}
                      for p in track(pts, desc=name)]
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                                check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {"provenance": {
        "command": "python -m lowrank_nb.book.sweep --ap-scale " + str(out),
        "commit": commit, "lowrank_nb": _version(), "numpy": np.__version__,
        "scipy": scipy.__version__, "python": sys.version.split()[0],
        "machine": f"{platform.machine()} {platform.system()}", "blas_threads": 1,
        "wall_seconds": round(time.time() - t0, 1),
        "note": "wall time of this run (cached points cost nothing); per-point 'seconds' "
                "are the random-start AP runs; the machine was shared with other jobs",
        "grids": {k: dict(v) for k, v in grids.items()}}, "rows": rows}
    out.write_text(json.dumps(payload, indent=0, default=float) + "\n")
    return out


def reproduce_figure(
    fig: int, scale: str = "small", *, out: str | os.PathLike = "_build/reproduce",
    scheduler_address: str | None = None, cache_dir: str | os.PathLike = ".cache/sweep",
) -> Path:
    """Regenerate the data (JSON) and a plot (PNG) of Figure ``fig`` of §7 with Dask.

    Returns the path of the PNG. Used by ``make reproduce FIG=1|2|3 SCALE=small|paper``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7.3-7.5, Figures 1-3.
    """
    import matplotlib

    matplotlib.use("Agg")

    fig = check_int(fig, "fig", minimum=1, maximum=3)
    if scale not in ("small", "paper"):
        raise ValueError(f"scale must be 'small' or 'paper', got {scale!r}")
    key = _AXIS[fig]
    outdir = Path(out)
    outdir.mkdir(parents=True, exist_ok=True)
    data = {}
    for func, grid in FIGURE_GRIDS[(fig, scale)]:
        data[func.__name__] = run_grid(func, grid, scheduler_address=scheduler_address,
                                       cache_dir=cache_dir)
    (outdir / f"fig{fig}_{scale}.json").write_text(json.dumps(data, indent=1, default=float))
    f, axes = figure(ncols=2, width=10, height=3.6)
    mrows = data["matrix_point"]
    for (fn, sch), col in zip([("f1", "symmetric"), ("f1", "independent"), ("f2", "symmetric"),
                               ("f2", "independent")], COLORS.values()):
        sel = [r for r in mrows if r["function"] == fn and r["scheme"] == sch]
        xs = sorted({r[key] for r in sel})
        c = median_curve(sel, key, xs)
        axes[0].plot(xs, c[:, 0], "o-", color=col, label=f"{fn} {sch[:3]} AP")
        axes[0].plot(xs, c[:, 1], "--", color=col, alpha=0.6)
    trows = data["tensor_point"]
    xs = sorted({r[key] for r in trows})
    c = median_curve(trows, key, xs)
    axes[1].plot(xs, c[:, 0], "s-", color=COLORS["data"], label="f3 TT-QAP")
    axes[1].plot(xs, c[:, 1], "--", color=COLORS["baseline"], label="f3 TT-SVD")
    for ax in axes:
        ax.set(xscale="log", yscale="log", xlabel=key, ylabel="relative max error")
        ax.legend(fontsize=7)
    f.suptitle(f"Figure {fig} ({scale} scale): AP solid, SVD dashed")
    png = outdir / f"fig{fig}_{scale}.png"
    f.savefig(png)
    return png


def main(argv: Sequence[str] | None = None) -> int:
    """Command line of ``make reproduce``.

    ``python -m lowrank_nb.book.sweep --fig 1 --scale small``.
    """
    import argparse

    p = argparse.ArgumentParser(description=main.__doc__)
    p.add_argument("--fig", type=int, choices=[1, 2, 3])
    p.add_argument("--ap-scale", metavar="PATH", default=None,
                   help="write the AP-vs-SVD scale data (AP_SCALE_GRIDS) to PATH instead")
    p.add_argument("--scale", default="small", choices=["small", "paper"])
    p.add_argument("--scheduler", default=None, help="tcp://host:port of a Dask scheduler")
    p.add_argument("--out", default="_build/reproduce")
    p.add_argument("--cache-dir", default=".cache/sweep")
    a = p.parse_args(argv)
    if a.ap_scale:
        print(f"wrote {ap_scale_data(a.ap_scale, cache_dir=a.cache_dir)}")
        return 0
    if a.fig is None:
        p.error("--fig is required (or --ap-scale PATH)")
    png = reproduce_figure(a.fig, a.scale, out=a.out, scheduler_address=a.scheduler or None,
                           cache_dir=a.cache_dir)
    print(f"wrote {png} and {png.with_suffix('.json')}")
    return 0


def _version() -> str:
    """The installed lowrank_nb version (no import of the package root)."""
    from importlib.metadata import version

    return version("lowrank_nb")


if __name__ == "__main__":
    raise SystemExit(main())
