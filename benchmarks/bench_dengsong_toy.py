"""Toy separation Monte Carlo (Deng et al., Figure 3): compiled kernel vs the NumPy path.

Both run ``toy_success`` at points of the paper's grids (``m = ceil(ln n)`` for the n-sweep,
``n = 1000`` for the m-sweep) with the same trial count; the kernel uses its own random stream,
so the rows also print both success ratios (they agree within Monte-Carlo error).
"""

from __future__ import annotations

import numpy as np
from _timing import median_time

from lowrank_nb.papers.dengsong.separation import paper_m, toy_success

TRIALS = 1000  # the paper's trial count per point


def run() -> list[dict]:
    toy_success(100, 3, trials=10, rng=np.random.default_rng(0), method="numba")  # compile/load
    rows = []
    for n, m in ((100, paper_m(100, delta=1.0)), (1000, paper_m(1000, delta=1.0)),
                 (2000, paper_m(2000, delta=1.0)), (1000, 30), (1000, 100)):
        out = {}

        def call(method, n=n, m=m, out=out):
            out[method] = toy_success(n, m, 0.5, trials=TRIALS, rng=np.random.default_rng(1),
                                      method=method)["success"]

        base = median_time(lambda: call("numpy"), repeats=3)
        cand = median_time(lambda: call("numba"), repeats=3)
        rows.append({"name": f"toy_success n={n} m={m} ({TRIALS} trials)", "baseline": base,
                     "candidate": cand,
                     "note": f"success numpy {out['numpy']:.3f} / numba {out['numba']:.3f}"})
    return rows
