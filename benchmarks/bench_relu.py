"""Algorithm 3 (ReLU SVD) subset enumeration: Numba prefix-sum kernel vs chunked NumPy."""

from __future__ import annotations

import math

import numpy as np
from _timing import median_time

from lowrank_nb.relu import relu_svd


def _unit_gaussian(d: int, m: int, seed: int) -> np.ndarray:
    W = np.random.default_rng(seed).standard_normal((d, m))
    return W / np.linalg.norm(W, axis=0)


def run() -> list[dict]:
    rows = []
    relu_svd(_unit_gaussian(6, 15, 0), 2, method="numba")  # compile (or load the cache)
    for d, r in ((20, 3), (24, 4), (30, 5)):
        m = round(d**1.5)
        W = _unit_gaussian(d, m, 0)
        base = median_time(lambda W=W, r=r: relu_svd(W, r, method="numpy"), repeats=3)
        cand = median_time(lambda W=W, r=r: relu_svd(W, r, method="numba"), repeats=3)
        rows.append({"name": f"relu_svd enumerate d={d} r={r} m={m}", "baseline": base,
                     "candidate": cand, "note": f"binom(d, r) = {math.comb(d, r)} subsets"})
    return rows
