"""Seeded grid points of the Part IV sweeps, and the script that precomputes them (issue 17).

Each *point* function is deterministic given its ``seed`` (a list of non-negative ints fed to
``numpy.random.default_rng``), so any point of a precomputed grid can be recomputed alone and
compared. The grids are those of the chapter specification (the paper has no experiments):

* Theorem 4.4: ``n in {64, 128, 256}``, 3 seeds, and a beta-scan at ``n = 128``;
* Lemma 4.5: ``n in {64, 128, 256}``; Lemma 4.6: 20 pairs at ``n = 64``, ``d = 16``;
* Theorem 4.9: ``n in {64, 128, 256}``, 3 seeds;
* networks (a1): planted MLP G-C, ``sigma in {0.03, 0.1, 0.3}``, 5 seeds;
* networks (b): trained MLP G-E, 3 training seeds of 3000 Adam steps.

Run ``python -m lowrank_nb.papers.zhangsaab.sweeps NAME OUT.json`` (NAME one of
:data:`GRIDS`) to write the data with its provenance.

References
----------
X. Zhang and R. Saab, "Theoretical guarantees for low-rank compression of deep neural
networks", Theorems 4.4 and 4.9 and Sections 1--3.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy

from lowrank_nb.core.bounds import thm44_bound, thm49_bound
from lowrank_nb.core.mlp import forward, init_dense, train_adam
from lowrank_nb.core.validate import check_int, check_positive
from lowrank_nb.papers.zhangsaab.compression import (
    compress_mlp,
    gen_block_lowrank,
    gen_planted_mlp,
    gen_teacher_data,
    proj_nuclear_max,
    relu_mle,
    relu_nll,
)
from lowrank_nb.papers.zhangsaab.experiments import (
    block_instance,
    first_order_cosine,
    psi_feasible_point,
    relative_error,
)

__all__ = [
    "GRIDS",
    "NETWORK_MODES",
    "TRAINED_MODES",
    "grid_points",
    "lemma45_point",
    "lemma46_point",
    "planted_network_point",
    "run_grid",
    "theorem44_point",
    "theorem49_point",
    "trained_network_point",
]

#: Modes compared on the planted network (a1).
NETWORK_MODES = ("agnostic", "jl", "parallel", "sequential", "oracle")
#: Modes compared on the trained network (b); the last is sequential with ``rcond = 1e-2``.
TRAINED_MODES = ("agnostic", "jl", "parallel", "sequential", "sequential (rcond 1e-2)")


def _seed(seed: Any) -> list[int]:
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        seed = [seed]
    if not (isinstance(seed, (list, tuple)) and len(seed) > 0
            and all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s >= 0
                    for s in seed)):
        raise TypeError(f"seed must be a non-negative int or a list of them, got {seed!r}")
    return [int(s) for s in seed]


def theorem44_point(
    *, n: int, beta: float, seed: Sequence[int] | int, r: int = 2, alpha: float = 1.0,
    tol: float = 1e-6,
) -> dict[str, float]:
    """One run of Theorem 4.4: project a noisy G-B observation onto ``Psi`` (Dykstra).

    Parameters
    ----------
    n : int
        ``d1 = d2 = n``, ``d = n / 4``.
    beta : float >= 0
        Uniform noise ``U[-beta, beta]``.
    seed : int or list of int
        Seeds ``numpy.random.default_rng``; the point is a function of it.
    r, alpha : int, float
        Rank of the block truth and its entry bound.
    tol : float > 0
        Dykstra tolerance.

    Returns
    -------
    dict
        ``mse`` of the projection, ``mse_rank`` of the rank-``r`` fit ``[P_Q Y_obs]_r`` (for
        comparison), the literal ``bound``, ``nuclear_over_tau``, ``box_violation``,
        ``iterations``, ``seconds``.

    References
    ----------
    Zhang and Saab, Theorem 4.4.
    """
    n = check_int(n, "n", minimum=8)
    beta = check_positive(beta, "beta", allow_zero=True)
    tol = check_positive(tol, "tol")
    t0 = time.perf_counter()
    rng = np.random.default_rng(_seed(seed))
    b, Yt, Q = block_instance(n, r, beta, rng=rng)
    Yh, info = proj_nuclear_max(Yt, Q, alpha, b["tau"], tol=tol)
    U, s, Vt = np.linalg.svd(Q.T @ Yt, full_matrices=False)
    Yr = Q @ ((U[:, :r] * s[:r]) @ Vt[:r])
    return {"mse": float(np.mean((Yh - b["Y"]) ** 2)),
            "mse_rank": float(np.mean((Yr - b["Y"]) ** 2)),
            "bound": float(thm44_bound(r, n, n, alpha, beta)),
            "nuclear_over_tau": float(info["nuclear_over_tau"]),
            "box_violation": float(info["box_violation"]),
            "iterations": int(info["iterations"]),
            "seconds": time.perf_counter() - t0}


def theorem49_point(
    *, n: int, seed: Sequence[int] | int, r: int = 2, alpha: float = 1.0, sigma: float = 0.5,
    rho: float = 3.0, tol: float = 1e-6, naive_tol: float = 1e-5,
) -> dict[str, float]:
    """One run of Theorem 4.9: Tobit MLE, naive projection of ``Z`` and the oracle-linear fit.

    ``Z = ReLU(Y + G)`` with the G-B truth ``Y`` (``d = n / 4``) and ``G ~ N(0, sigma^2)``.
    The MLE is :func:`~lowrank_nb.papers.zhangsaab.compression.relu_mle`; the *naive*
    estimator projects ``Z`` onto ``Psi`` (ignores the ReLU); the *oracle-linear* one projects
    the uncensored ``Y + G`` (not available in practice).

    Parameters
    ----------
    n : int
    seed : int or list of int
    r, alpha, sigma : int, float, float
    rho, tol : float
        ADMM penalty and tolerance of the MLE.
    naive_tol : float
        Dykstra tolerance of the two projections.

    Returns
    -------
    dict
        ``mle``, ``naive``, ``oracle`` (MSEs against ``Y``), ``bound`` (literal eq. (4)),
        ``nll_hat`` and ``nll_truth`` (objective at the estimate and at the feasible truth),
        ``nuclear_over_tau``, ``box_violation``, ``primal_residual``, ``map_error``
        (``||X_check M_hat - Y_hat|| / ||Y_hat||``), ``iterations``, ``seconds``.

    References
    ----------
    Zhang and Saab, Theorem 4.9, problems (P') and (P*).
    """
    n = check_int(n, "n", minimum=8)
    sigma = check_positive(sigma, "sigma")
    t0 = time.perf_counter()
    rng = np.random.default_rng(_seed(seed))
    g = gen_block_lowrank(n, n // 4, r, alpha, rng=rng)
    G = sigma * rng.standard_normal(g["Y"].shape)
    Z = np.maximum(g["Y"] + G, 0.0)
    M_hat, Y_hat, info = relu_mle(Z, g["X_check"], alpha, r, sigma, rho=rho, tol=tol)
    Q = np.linalg.qr(g["X_check"])[0]
    Yn, _ = proj_nuclear_max(Z, Q, alpha, g["tau"], tol=naive_tol)
    Yo, _ = proj_nuclear_max(g["Y"] + G, Q, alpha, g["tau"], tol=naive_tol)
    return {"mle": float(np.mean((Y_hat - g["Y"]) ** 2)),
            "naive": float(np.mean((Yn - g["Y"]) ** 2)),
            "oracle": float(np.mean((Yo - g["Y"]) ** 2)),
            "bound": float(thm49_bound(r, n, n, alpha, sigma)[1]),
            "nll_hat": float(relu_nll(Y_hat, Z, sigma)),
            "nll_truth": float(relu_nll(g["Y"], Z, sigma)),
            "nuclear_over_tau": float(info["nuclear_over_tau"]),
            "box_violation": float(info["box_violation"]),
            "primal_residual": float(info["primal_residual"]),
            "map_error": float(np.linalg.norm(g["X_check"] @ M_hat - Y_hat)
                               / np.linalg.norm(Y_hat)),
            "iterations": int(info["iterations"]),
            "seconds": time.perf_counter() - t0}


def planted_network_point(
    *, sigma: float, seed: Sequence[int] | int, widths: Sequence[int] = (30, 100, 100, 10),
    ranks: Sequence[int] = (4, 4, 4), m: int = 2000, m_test: int = 2000,
) -> dict[str, Any]:
    """Networks (a1): compress a planted MLP (G-C) in every mode; errors on test inputs.

    Parameters
    ----------
    sigma : float >= 0
        Noise of the pretrained fits.
    seed : int or list of int
    widths, ranks : sequences of int
        Layer widths and the planted (= target) ranks.
    m, m_test : int
        Calibration and test samples.

    Returns
    -------
    dict
        ``pretrained`` (relative test-output error of the pretrained net against the ground
        truth); per mode of :data:`NETWORK_MODES`, ``[vs original, vs truth]`` relative
        output errors; ``layers`` (per mode, the per-layer pre-activation MSE against the
        ground truth on the calibration data); ``seconds``.

    References
    ----------
    Zhang and Saab, assumption (2) and Theorem 3.1 (per layer; the paper has no network-level
    result, so this is an illustration).
    """
    t0 = time.perf_counter()
    rng = np.random.default_rng(_seed(seed))
    p = gen_planted_mlp(list(widths), list(ranks), m, sigma, m_test=m_test, rng=rng)
    ref = forward(p["weights"], p["X_test"])[-1]
    truth = forward(p["true_weights"], p["X_test"])[-1]
    out: dict[str, Any] = {"pretrained": relative_error(ref, truth), "layers": {}}
    for mode in NETWORK_MODES:
        f, diag = compress_mlp(p["weights"], p["X0"], list(ranks), mode,
                               true_weights=p["true_weights"], rng=rng)
        o = forward(f, p["X_test"])[-1]
        out[mode] = [relative_error(o, ref), relative_error(o, truth)]
        out["layers"][mode] = [float(d["mse_truth"]) for d in diag]
    out["seconds"] = time.perf_counter() - t0
    return out


def trained_network_point(
    *, seed: Sequence[int] | int, steps: int = 3000, ranks: Sequence[int] = (2, 4, 8, 16, 32),
    n_train: int = 3000, n_cal: int = 1000, n_test: int = 3000,
    weights: Sequence[np.ndarray] | None = None,
) -> dict[str, Any]:
    """Networks (b): train a 21-128-128-5 ReLU MLP on G-E, then compress it at several ranks.

    The middle layer is compressed to rank ``r`` and the output layer to ``min(r, 5)``; the
    first layer is kept. Training: Adam, learning rate 3e-3, batch 256. The trained weights
    are rounded to float32 (the precomputed data store them that way), and every error is
    computed from the rounded network, so that a stored network reproduces its row exactly.

    Parameters
    ----------
    seed : int or list of int
        Draws the teacher, the data, the initialisation, the batches and the JL embeddings.
    steps : int
        Adam steps.
    ranks : sequence of int
    n_train, n_cal, n_test : int
        Training, calibration (disjoint, Section 1.1) and test samples.
    weights : list of ndarray, optional
        A stored trained network (float32 values) to skip the training; the data are drawn
        from ``seed`` as in the full run.

    Returns
    -------
    dict
        ``train_loss`` (first and last mini-batch loss), ``test_mse``, ``target_var``;
        per mode of :data:`TRAINED_MODES`, ``rel`` (relative test-output error against the
        uncompressed net, one per rank) and ``task`` (test MSE against the targets);
        ``weights`` (the float32 network); ``seconds``.

    References
    ----------
    Zhang and Saab, Sections 1.1 and 3 (data-driven against data-agnostic compression).
    """
    steps = check_int(steps, "steps")
    t0 = time.perf_counter()
    rng = np.random.default_rng(_seed(seed))
    Xtr, Ytr, teacher = gen_teacher_data(n_train, rng=rng)
    Xcal, _, _ = gen_teacher_data(n_cal, rng=rng, teacher=teacher)
    Xte, Yte, _ = gen_teacher_data(n_test, rng=rng, teacher=teacher)
    init = init_dense([21, 128, 128, 5], rng)
    if weights is None:
        net, hist = train_adam(init, Xtr, Ytr, steps=steps, lr=3e-3, rng=rng, batch_size=256)
        hist = [float(hist[0]), float(hist[-1])]
    else:
        net, hist = [np.asarray(W, dtype=float) for W in weights], [float("nan")] * 2
    net = [np.asarray(W, dtype=np.float32).astype(float) for W in net]
    ref = forward(net, Xte)[-1]
    out: dict[str, Any] = {"train_loss": hist, "test_mse": float(np.mean((ref - Yte) ** 2)),
                           "target_var": float(Yte.var())}
    jl_rng = np.random.default_rng([*_seed(seed), 1])
    for m in TRAINED_MODES:
        rel, task = [], []
        for r in ranks:
            f, _ = compress_mlp(net, Xcal, [None, r, min(r, 5)], m.split()[0],
                                rcond=1e-2 if "rcond" in m else 1e-10, rng=jl_rng)
            o = forward(f, Xte)[-1]
            rel.append(relative_error(o, ref))
            task.append(float(np.mean((o - Yte) ** 2)))
        out[m] = {"rel": rel, "task": task}
    out["weights"] = [np.asarray(W, dtype=np.float32) for W in net]
    out["seconds"] = time.perf_counter() - t0
    return out


def lemma45_point(
    *, n: int, seed: Sequence[int] | int, r: int = 2, beta: float = 0.5, starts: int = 4,
    n_candidates: int = 100,
) -> dict[str, float]:
    """Lemma 4.5 on one G-B instance: multi-start ADMM and the first-order condition.

    The projection ``P`` of ``Y_obs`` onto ``Psi`` is computed by Dykstra (tolerance 1e-8);
    ADMM (tolerance 1e-7, penalties alternating 2 and 4) is then started from ``starts``
    random points at relative distance about 3 from ``P``. The first-order condition
    ``<Y_obs - P, C - P> <= 0`` is tested on the truth, ``n_candidates`` random points of
    ``Psi`` at all scales and ``n_candidates`` points of ``Psi`` near ``P``; the same test is
    applied to a feasible point that is not the projection (``Y_obs`` scaled into ``Psi``).

    Parameters
    ----------
    n : int
    seed : int or list of int
    r, beta : int, float
        Rank of the block truth; uniform noise bound.
    starts, n_candidates : int

    Returns
    -------
    dict
        ``start_min`` (smallest relative start distance), ``spread`` (largest relative
        distance of an ADMM end point from ``P``), ``cos_max`` (first-order test at ``P``),
        ``cos_wrong`` (at the wrong point), ``seconds``.

    References
    ----------
    Zhang and Saab, Lemma 4.5 (uniqueness of the projection onto a compact convex set).
    """
    starts = check_int(starts, "starts")
    n_candidates = check_int(n_candidates, "n_candidates")
    t0 = time.perf_counter()
    rng = np.random.default_rng(_seed(seed))
    b, Yt, Q = block_instance(n, r, beta, rng=rng)
    P, _ = proj_nuclear_max(Yt, Q, 1.0, b["tau"], tol=1e-8)
    dist, spread = [], []
    for k in range(starts):
        Y0 = P + 3.0 * rng.standard_normal(P.shape)
        S, _ = proj_nuclear_max(Yt, Q, 1.0, b["tau"], tol=1e-7, method="admm",
                                rho=2.0 if k % 2 == 0 else 4.0, Y0=Y0)
        dist.append(np.linalg.norm(Y0 - P) / np.linalg.norm(P))
        spread.append(np.linalg.norm(S - P) / np.linalg.norm(P))
    tau = b["tau"]
    cands = [b["Y"]]
    cands += [psi_feasible_point(rng.uniform(0.1, 3) * rng.standard_normal(P.shape), Q, tau)
              for _ in range(n_candidates)]
    cands += [psi_feasible_point(P + 0.1 * rng.standard_normal(P.shape), Q, tau)
              for _ in range(n_candidates)]
    return {"start_min": float(min(dist)), "spread": float(max(spread)),
            "cos_max": first_order_cosine(Yt, P, cands),
            "cos_wrong": first_order_cosine(Yt, psi_feasible_point(Yt, Q, tau), cands),
            "seconds": time.perf_counter() - t0}


def lemma46_point(
    *, seed: Sequence[int] | int, n: int = 64, d: int = 16, r: int = 2, tol: float = 1e-9,
) -> dict[str, float]:
    """Lemma 4.6 on one pair: ``||P(A) - P(B)|| / ||A - B||`` for the projection onto ``Psi``.

    ``A = Y + U[-1, 1]`` on a G-B instance (``n x n``, ``X_check`` of width ``d``) and
    ``B = A + 0.3 N``; both are projected by Dykstra at tolerance ``tol``.

    Parameters
    ----------
    seed : int or list of int
    n, d, r : int
    tol : float > 0

    Returns
    -------
    dict
        ``ratio`` (at most 1 for a non-expansive map), ``iterations`` (the larger of the
        two solves), ``seconds``.

    References
    ----------
    Zhang and Saab, Lemma 4.6 (the projection onto a convex set is non-expansive).
    """
    tol = check_positive(tol, "tol")
    t0 = time.perf_counter()
    rng = np.random.default_rng(_seed(seed))
    b = gen_block_lowrank(n, d, r, rng=rng)
    Q = np.linalg.qr(b["X_check"])[0]
    A1 = b["Y"] + rng.uniform(-1, 1, b["Y"].shape)
    A2 = A1 + 0.3 * rng.standard_normal(A1.shape)
    P1, i1 = proj_nuclear_max(A1, Q, 1.0, b["tau"], tol=tol)
    P2, i2 = proj_nuclear_max(A2, Q, 1.0, b["tau"], tol=tol)
    return {"ratio": float(np.linalg.norm(P1 - P2) / np.linalg.norm(A1 - A2)),
            "iterations": int(max(i1["iterations"], i2["iterations"])),
            "seconds": time.perf_counter() - t0}


#: The precomputed grids: name -> (point function, list of keyword dicts).
GRIDS: dict[str, tuple[Any, list[dict[str, Any]]]] = {
    "theorem44": (theorem44_point,
                  [{"n": n, "beta": 0.5, "seed": [44, n, t]} for n in (64, 128, 256)
                   for t in range(3)]
                  + [{"n": 128, "beta": b, "seed": [441, k, t]}
                     for k, b in enumerate((0.0, 0.125, 0.25, 0.5, 1.0)) for t in range(3)]),
    "lemma45": (lemma45_point, [{"n": n, "seed": [45, n]} for n in (64, 128, 256)]),
    "lemma46": (lemma46_point, [{"seed": [46, t]} for t in range(20)]),
    "theorem49": (theorem49_point,
                  [{"n": n, "seed": [49, n, t]} for n in (64, 128, 256) for t in range(3)]),
    "networks-planted": (planted_network_point,
                         [{"sigma": s, "seed": [455, k, t]}
                          for k, s in enumerate((0.03, 0.1, 0.3)) for t in range(5)]),
    "networks-trained": (trained_network_point,
                         [{"seed": [456, t]} for t in range(3)]),
}


def grid_points(name: str) -> list[dict[str, Any]]:
    """The parameter points (keyword dicts, with seeds) of the precomputed grid ``name``.

    References
    ----------
    Zhang and Saab (grids of the book's chapter specification; the paper states none).
    """
    if name not in GRIDS:
        raise ValueError(f"name must be one of {sorted(GRIDS)}, got {name!r}")
    return [dict(p) for p in GRIDS[name][1]]


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                              check=True, cwd=Path(__file__).resolve().parent).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def run_grid(name: str, points: Sequence[int] | None = None) -> dict[str, Any]:
    """Evaluate the grid ``name`` (or the listed point indices) and attach provenance.

    Returns
    -------
    dict
        ``{"name", "provenance": {command, commit, python, numpy, scipy, platform,
        blas_threads_note, wall_seconds}, "points": [{"params": ..., "result": ...}]}``.

    References
    ----------
    Zhang and Saab (see :data:`GRIDS`).
    """
    fn, grid = GRIDS[name] if name in GRIDS else (None, None)
    if fn is None:
        raise ValueError(f"name must be one of {sorted(GRIDS)}, got {name!r}")
    idx = range(len(grid)) if points is None else [check_int(i, "points[...]", minimum=0,
                                                             maximum=len(grid) - 1)
                                                   for i in points]
    t0 = time.perf_counter()
    rows = [{"params": grid[i], "result": fn(**grid[i])} for i in idx]
    return {"name": name,
            "provenance": {"command": "python -m lowrank_nb.papers.zhangsaab.sweeps " + name,
                           "commit": _git_commit(), "python": platform.python_version(),
                           "numpy": np.__version__, "scipy": scipy.__version__,
                           "platform": platform.platform(),
                           "blas_threads_note": "OPENBLAS_NUM_THREADS=1",
                           "wall_seconds": round(time.perf_counter() - t0, 1)},
            "points": rows}


def main(argv: Sequence[str]) -> int:
    if len(argv) != 3 or argv[1] not in GRIDS:
        print(__doc__)
        return 2
    data = run_grid(argv[1])
    out = Path(argv[2])
    weights = [row["result"].pop("weights", None) for row in data["points"]]
    if any(w is not None for w in weights):  # trained networks: float32 arrays in an .npz
        arrays = {f"point{i}_layer{j}": np.asarray(W, dtype=np.float32)
                  for i, ws in enumerate(weights) for j, W in enumerate(ws)}
        np.savez_compressed(out.with_suffix(".npz"), **arrays)
        data["provenance"]["weights_file"] = out.with_suffix(".npz").name
    out.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"{argv[1]}: {len(data['points'])} points in {data['provenance']['wall_seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
