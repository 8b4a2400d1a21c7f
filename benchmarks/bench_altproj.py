"""Alternating projections: fast (warm-started randomized) vs reference (full SVD per step).

Rows (seconds, medians):
* ``ap fast vs reference, n=...``: one full AP run on f1 (independent ball sampling, m = 10,
  r = 10), median over 3 seeds at n <= 500; the note gives both median relative errors and
  their ratio. At n = 1000 a full reference run takes minutes, so both methods run the same
  60 steps (same bracket, so equal work) and the note compares the errors after 60 steps.
* ``AP step vs one LAPACK SVD``: mean wall time per AP step against one gesdd SVD of size n.
* ``TT-QAP steps/s``: f3 tensor (m = 64, TT ranks (4, 4)).
* ``AP step / dense residual pass`` (issue 17, "AP close to its floor"): f1, independent
  sampling, m = 10, seed 0, n = 1024, r = 16. The floor is one dense residual pass in NumPy,
  ``max|U V^T - F|``, the least any AP step must do; the candidate is the mean step of a full
  ``lrma_ap`` run ("numba", and "fast" for comparison). Floor passes are interleaved with the
  runs, so both come from the same load. Printed as a cost ratio (step / floor).
* ``ball_excess`` and the fused residual-and-excess pass: the Numba kernels of the "numba"
  AP step against their NumPy paths, on a residual of that run's size with about 3 % of its
  entries beyond eps (the median clipped fraction of AP steps, measured at n = 300).
* Dropped: a Numba CSR scatter for ``S @ Z`` and ``S^T @ Q`` ran 260x faster than
  ``np.subtract.at`` but 0.8-0.9x as fast as ``scipy.sparse`` (nnz = 3 % of 1024^2, k = 26),
  so the AP step uses ``scipy.sparse``. TT-QAP (``lrta_qap``) was not given a kernel: LAPACK's
  SVDs inside TT-SVD take about 90 % of its time (cProfile, n = 40, ranks (4, 4)), which
  bounds any fused clip/residual kernel to a few percent.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import scipy.linalg as sla
from _timing import median_time

from lowrank_nb.core.norms import _residual_excess_csr, ball_excess
from lowrank_nb.core.sampling import sample_ball, sample_points
from lowrank_nb.papers.budzinskiy.altproj import lrma_ap
from lowrank_nb.papers.budzinskiy.generated import f1_matrix, f3_tensor
from lowrank_nb.papers.budzinskiy.tt import lrta_qap


def _f1(n: int, seed: int) -> np.ndarray:
    X, Y = sample_points(n, 10, "independent", "ball", np.random.default_rng(seed))
    return f1_matrix(X, Y)


def _timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def floor_rows() -> list[dict]:
    """AP step against the dense residual pass, and the Numba kernels against NumPy."""
    rng = np.random.default_rng(0)
    X, Y = sample_points(1024, 10, "independent", "ball", rng)
    F = f1_matrix(X, Y)
    lrma_ap(F[:40, :40], 4, rng=0, method="numba", max_steps=20)  # compile / load the cache
    U, V = rng.standard_normal((2, 1024, 16)) * 0.1

    def floor_pass() -> float:
        return float(np.max(np.abs(U @ V.T - F)))

    floors, steps, runs = [], {"numba": [], "fast": []}, {}
    for method in ("numba", "fast", "numba"):
        floors.append(median_time(floor_pass, repeats=9))
        dt, res = _timed(lambda m=method: lrma_ap(F, 16, rng=0, method=m))
        steps[method].append(dt / res.steps)
        runs[method] = res
    floors.append(median_time(floor_pass, repeats=9))
    floor = statistics.median(floors)
    rows = []
    for method in ("numba", "fast"):
        res = runs[method]
        rows.append({"name": f"AP step ({method}) / residual pass, n=1024 r=16",
                     "baseline": floor, "candidate": statistics.median(steps[method]),
                     "cost": True,
                     "note": f"rel err {res.rel_error:.4f}, {res.steps} steps (goal <= 3.5x)"})
    # the kernels, on a residual with about 3 % of its entries beyond eps
    R = U @ V.T - F
    eps = float(np.quantile(np.abs(R), 0.97))
    base = median_time(lambda: ball_excess(R, eps, method="numpy"), repeats=5)
    cand = median_time(lambda: ball_excess(R, eps), repeats=5)
    rows.append({"name": "ball_excess numba vs numpy, n=1024", "baseline": base,
                 "candidate": cand, "note": "goal >= 10x"})
    P = U @ V.T
    buf = np.empty_like(P)

    def fused_numpy() -> None:  # the same three results by NumPy: R = P - F, max|R|, S
        np.subtract(P, F, out=buf)
        float(np.max(np.abs(buf)))
        ball_excess(buf, eps, method="numpy")

    def fused_numba() -> None:
        np.copyto(buf, P)
        _residual_excess_csr(buf, F, eps, buf.size // 8)

    base = median_time(fused_numpy, repeats=5)
    cand = median_time(fused_numba, repeats=5)
    rows.append({"name": "residual pass + excess, fused, vs numpy", "baseline": base,
                 "candidate": cand, "note": "candidate includes one copy of P; goal >= 10x"})
    return rows


def run() -> list[dict]:
    rows = floor_rows()
    for n in (100, 250, 500, 1000):
        seeds = range(3) if n <= 500 else range(1)
        cap = 20000 if n <= 500 else 60
        t_ref, t_fast, e_ref, e_fast, s_ref, s_fast = [], [], [], [], [], []
        for seed in seeds:
            F = _f1(n, seed)
            dt, res = _timed(lambda F=F, s=seed, c=cap: lrma_ap(F, 10, rng=s, method="reference",
                                                                 max_steps=c))
            t_ref.append(dt), e_ref.append(res.rel_error), s_ref.append(res.steps)
            dt, res = _timed(lambda F=F, s=seed, c=cap: lrma_ap(F, 10, rng=s, method="fast",
                                                                 max_steps=c))
            t_fast.append(dt), e_fast.append(res.rel_error), s_fast.append(res.steps)
        med = statistics.median
        rows.append({
            "name": f"ap fast vs reference, n={n}",
            "baseline": med(t_ref),
            "candidate": med(t_fast),
            "note": (f"rel err ref {med(e_ref):.4f} fast {med(e_fast):.4f} "
                     f"(ratio {med(e_fast) / med(e_ref):.3f}); steps {med(s_ref)}/{med(s_fast)}; "
                     f"{len(seeds)} seed(s)" + ("" if n <= 500 else ", 60 steps each")),
        })
        per_step = med(t_ref) / med(s_ref)
        svd = median_time(lambda F=F: sla.svd(F, full_matrices=False, lapack_driver="gesdd",
                                              check_finite=False), repeats=3)
        rows.append({
            "name": f"AP step (reference) vs one SVD, n={n}",
            "baseline": svd,
            "candidate": per_step,
            "note": f"fast step {med(t_fast) / med(s_fast):.2e} s",
        })
    for n in (20, 30, 40):
        rng = np.random.default_rng(n)
        T = f3_tensor(*(sample_ball(n, 64, rng=rng) for _ in range(3)))
        dt, res = _timed(lambda T=T: lrta_qap(T, 4, rng=0))
        rows.append({
            "name": f"TT-QAP n={n}, ranks (4,4)",
            "baseline": None,
            "candidate": dt,
            "note": f"{res.steps / dt:.0f} steps/s, {res.steps} steps, rel err {res.rel_error:.3f}",
        })
    return rows
