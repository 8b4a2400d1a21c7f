"""Recovery error and bound curves of Part IV, fast enough for the book's Explore sections.

Each function returns whole curves (one value per dimension, noise level or layer) and keeps
what does not depend on the moved parameter in a cache, so that one slider move of an Explore
section costs milliseconds.

References
----------
X. Zhang and R. Saab, "Theoretical guarantees for low-rank compression of deep neural
networks": Theorem 3.1 (strong low-rank model), Theorem 4.4 (projection onto Psi) and
Theorem 4.9 with Lemmas B.1 and B.3 (censored-Gaussian constants).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from lowrank_nb.core.bounds import C_ABS, thm31_bounds, thm49_bound
from lowrank_nb.core.linalg import truncated_svd
from lowrank_nb.core.validate import check_int, check_positive
from lowrank_nb.papers.zhangsaab.compression import (
    gen_single_layer,
    lemma_b3_constants,
    log_cdf_curvature,
)

__all__ = [
    "NETWORK_MODES",
    "censored_constant_curves",
    "planted_layer_errors",
    "projection_mse_table",
    "theorem31_curves",
    "theorem49_vacuity_ratio",
]


def _check_seed(rng: Any) -> int:
    if isinstance(rng, bool) or not isinstance(rng, numbers.Integral) or int(rng) < 0:
        raise TypeError(f"rng must be a non-negative int seed (the curves are cached by it), "
                        f"got {rng!r}")
    return int(rng)


def _check_sizes(values: Sequence[int], name: str, minimum: int) -> tuple[int, ...]:
    vals = tuple(check_int(v, name, minimum=minimum) for v in np.atleast_1d(values).tolist())
    if not vals:
        raise ValueError(f"{name} must hold at least one size")
    return vals


@lru_cache(maxsize=4096)
def _strong_model_parts(d1: int, d: int, d2: int, r: int, seed: int) -> tuple:
    """The sigma-free parts of one G-A instance (generator of :func:`gen_single_layer`)."""
    g = gen_single_layer(d1, d, d2, r, 1.0, rng=np.random.default_rng([seed, d1, r]))
    U = truncated_svd(g["X_check"], 1e-10)[0]
    N = g["G"]  # the noise at sigma = 1: G = sigma N for every sigma (same draws)
    B0 = U.T @ (g["X_check"] @ g["M"])  # X_check M = U B0
    B1 = U.T @ N
    eps1 = float(np.linalg.norm(N - U @ B1, 2) ** 2 / d1)  # eps / sigma^2
    return B0, B1, eps1, float(np.linalg.norm(B1, 2))


def theorem31_curves(r: int, sigma: float, d1s: Sequence[int], *, d: int = 50, d2: int = 40,
                     rng: int) -> dict[str, np.ndarray]:
    """MSE of the Theorem 3.1 estimator and its bounds against ``d1`` on generator G-A.

    For each ``d1`` one G-A instance
    (:func:`~lowrank_nb.papers.zhangsaab.compression.gen_single_layer`, no mismatch) is drawn
    from ``numpy.random.default_rng([rng, d1, r])``.
    With ``X = X_check = U S V^T`` the pre-activations are ``X W = X_check M + sigma P N``, so
    ``X_check M_hat = U [B0 + sigma B1]_r`` with ``B0 = U^T X_check M`` and ``B1 = U^T N``:
    only a ``d x d2`` SVD depends on ``sigma`` and ``r``; the rest is cached per
    ``(d1, d, d2, r, rng)``. The values equal those of
    :func:`~lowrank_nb.papers.zhangsaab.compression.data_driven_lowrank`,
    :func:`~lowrank_nb.papers.zhangsaab.compression.thm31_deterministic_bound` and
    :func:`~lowrank_nb.core.bounds.thm31_bounds` on the same instance (up to round-off).

    Parameters
    ----------
    r : int
        Rank of the ground truth ``M`` and of the estimator, ``1 <= r <= min(d, d2)``.
    sigma : float > 0
        Noise level of ``G``.
    d1s : sequence of int
        Numbers of calibration samples, each ``>= d``.
    d, d2 : int
        Input and output width of the layer (``>= 2``).
    rng : int
        Seed (a non-negative int, so that the sigma-free parts can be cached).

    Returns
    -------
    dict of numpy.ndarray, one value per ``d1``
        ``mse`` (``||X_check (M - M_hat)||_F^2 / (d1 d2)``), ``sharp`` (the squared
        deterministic bound of the proof over ``d1 d2``), ``gaussian`` (the explicit bound for
        Gaussian noise), ``paper`` (the statement's form ``128 rate + 16 eps``), ``rate``
        (``r sigma^2 (d + d2) / (d1 d2)``) and ``eps`` (the measured tolerance
        ``||E||_op^2 / d1``).

    References
    ----------
    Zhang and Saab, Theorem 3.1 and its proof (the Weyl step ``||X_check(M - M_hat)||_F <=
    2 sqrt(2r) ||Q^T(XW - X_check M)||_op``).
    """
    d = check_int(d, "d", minimum=2)
    d2 = check_int(d2, "d2", minimum=2)
    r = check_int(r, "r", minimum=1, maximum=min(d, d2))
    sigma = check_positive(sigma, "sigma")
    sizes = _check_sizes(d1s, "d1s", d)
    seed = _check_seed(rng)
    keys = ("mse", "sharp", "gaussian", "paper", "rate", "eps")
    out = {k: np.empty(len(sizes)) for k in keys}
    for i, d1 in enumerate(sizes):
        B0, B1, eps1, op1 = _strong_model_parts(d1, d, d2, r, seed)
        U, s, Vt = np.linalg.svd(B0 + sigma * B1, full_matrices=False)
        err = B0 - (U[:, :r] * s[:r]) @ Vt[:r]
        eps = sigma**2 * eps1
        bounds = thm31_bounds(r, d1, d, d2, sigma, eps)
        out["mse"][i] = np.sum(err**2) / (d1 * d2)
        out["sharp"][i] = 8 * r * (sigma * op1) ** 2 / (d1 * d2)
        out["gaussian"][i] = bounds["gaussian"]
        out["paper"][i] = bounds["paper_form"]
        out["rate"][i] = bounds["rate"]
        out["eps"][i] = eps
    return out


# ----------------------------------------------------------------------------- Theorem 4.9
def censored_constant_curves(alpha: float, sigmas: Sequence[float], *,
                             grid: int = 2001) -> dict[str, np.ndarray]:
    """The constants of Theorem 4.9 and Lemmas B.1, B.3 against the noise level ``sigma``.

    Parameters
    ----------
    alpha : float > 0
        Entry bound ``||X_check M||_inf <= alpha``.
    sigmas : sequence of float > 0
        Noise levels of the censored Gaussian observation.
    grid : int >= 3
        Points of ``[-alpha, alpha]`` on which the suprema of Lemma B.3 and the curvature of
        Lemma B.1 are taken (the suprema sit at the end points, which the grid contains).

    Returns
    -------
    dict of numpy.ndarray, one value per ``sigma``
        ``L`` and ``L_bound`` (Lemma B.3: ``sup |f'|/(f(1-f))`` and ``8(alpha+sigma)/sigma^2``),
        ``beta`` and ``beta_bound`` (``sup f(1-f)/f'^2`` and ``pi sigma^2 e^{alpha^2/2
        sigma^2}``), ``C_as`` (the constant ``C_{alpha,sigma}`` of eq. (4)) and ``curvature``
        (``-sigma^2 min (log f)''`` on ``[-alpha, alpha]``, at most 1 by Lemma B.1).

    References
    ----------
    Zhang and Saab, Theorem 4.9 (the constant ``C_{alpha,sigma}``), Lemma B.1 and Lemma B.3.
    """
    alpha = check_positive(alpha, "alpha")
    grid = check_int(grid, "grid", minimum=3)
    sig = np.atleast_1d(np.asarray(sigmas, dtype=float))
    if sig.ndim != 1 or sig.size == 0 or not np.all(np.isfinite(sig)) or np.any(sig <= 0):
        raise ValueError("sigmas must be a non-empty 1-d sequence of finite values > 0")
    keys = ("L", "L_bound", "beta", "beta_bound", "C_as", "curvature")
    out = {k: np.empty(sig.size) for k in keys}
    x = np.linspace(-alpha, alpha, grid)
    for i, s in enumerate(sig.tolist()):
        consts = lemma_b3_constants(alpha, s, grid=grid)
        for key in ("L", "L_bound", "beta", "beta_bound"):
            out[key][i] = consts[key]
        with np.errstate(over="ignore"):
            out["C_as"][i] = 16 * C_ABS * alpha * consts["beta_bound"] * (alpha + s) / s**2
        out["curvature"][i] = -s**2 * float(np.min(log_cdf_curvature(x, s)))
    return out


def theorem49_vacuity_ratio(rho: float, r: int, ns: Sequence[float]) -> np.ndarray:
    """Right-hand side of Theorem 4.9, eq. (4), over the trivial bound ``4 alpha^2``.

    Every ``Y`` in ``Psi`` and the truth have entries in ``[-alpha, alpha]``, so the MSE is at
    most ``4 alpha^2`` whatever the estimator; eq. (4) says something only where this ratio is
    below 1. With ``sigma = rho alpha`` the ratio is
    ``4 pi C (1 + rho) e^{1/(2 rho^2)} max(2 sqrt(log n^2), 8) sqrt(2 r / n)`` for
    ``d1 = d2 = n``: it depends on ``alpha`` and ``sigma`` only through ``rho = sigma/alpha``.

    Parameters
    ----------
    rho : float > 0
        Noise-to-signal ratio ``sigma / alpha``.
    r : int >= 1
        Rank parameter of Definition 4.1.
    ns : sequence of float >= 2
        Sizes ``d1 = d2 = n`` (floats, so that sizes beyond 2**63 can be plotted).

    Returns
    -------
    numpy.ndarray
        The ratio, one value per ``n``.

    References
    ----------
    Zhang and Saab, Theorem 4.9, eq. (4).
    """
    rho = check_positive(rho, "rho")
    r = check_int(r, "r")
    n = np.atleast_1d(np.asarray(ns, dtype=float))
    if n.ndim != 1 or n.size == 0 or not np.all(np.isfinite(n)) or np.any(n < 2):
        raise ValueError("ns must be a non-empty 1-d sequence of finite sizes >= 2")
    c_as = thm49_bound(1, 2, 2, 1.0, rho)[0]  # alpha = 1, sigma = rho: C_{alpha,sigma}/alpha^2
    factor = np.maximum(2 * np.sqrt(np.log(n * n)), 8.0)
    return c_as * factor * np.sqrt(2 * r / n) / 4.0


# ----------------------------------------------------------------------------- Theorem 4.4
def projection_mse_table(ns: Sequence[int], ranks: Sequence[int], betas: Sequence[float], *,
                         rng: int, alpha: float = 1.0, tol: float = 1e-4) -> np.ndarray:
    """MSE of the Theorem 4.4 estimator (projection onto ``Psi``) on G-B, over a grid.

    For each size ``n`` and rank ``r`` one G-B truth with ``d = n / 4``
    (:func:`~lowrank_nb.papers.zhangsaab.experiments.block_instance`) is drawn from
    ``numpy.random.default_rng([rng, n, r])``; its uniform noise is ``beta`` times one fixed
    draw from ``U[-1, 1]`` (common random numbers, so the curves are smooth in ``beta``). The
    noisy observation is projected by Dykstra's algorithm
    (:func:`~lowrank_nb.papers.zhangsaab.compression.proj_nuclear_max`).

    Parameters
    ----------
    ns : sequence of int
        Sizes ``d1 = d2 = n``; each a multiple of every rank with ``n / 4 > r``.
    ranks : sequence of int
        Ranks of the block truth, powers of 2 up to 16 (the Hadamard construction).
    betas : sequence of float >= 0
        Noise bounds ``||G||_inf <= beta``.
    rng : int
        Seed (a non-negative int).
    alpha : float > 0
        Entry bound of the truth and of ``Psi``.
    tol : float > 0
        Dykstra tolerance.

    Returns
    -------
    numpy.ndarray, shape ``(len(betas), len(ranks), len(ns))``
        ``mean((Y_hat - Y)^2)``.

    References
    ----------
    Zhang and Saab, Theorem 4.4 (bounded i.i.d. noise, the estimator over ``Psi``).
    """
    from lowrank_nb.papers.zhangsaab.compression import proj_nuclear_max
    from lowrank_nb.papers.zhangsaab.experiments import block_instance

    sizes = _check_sizes(ns, "ns", 8)
    rks = _check_sizes(ranks, "ranks", 1)
    b = np.atleast_1d(np.asarray(betas, dtype=float))
    if b.ndim != 1 or b.size == 0 or not np.all(np.isfinite(b)) or np.any(b < 0):
        raise ValueError("betas must be a non-empty 1-d sequence of finite values >= 0")
    alpha = check_positive(alpha, "alpha")
    tol = check_positive(tol, "tol")
    seed = _check_seed(rng)
    out = np.empty((b.size, len(rks), len(sizes)))
    for j, r in enumerate(rks):
        for k, n in enumerate(sizes):
            if n % r or n // 4 <= r:
                raise ValueError(f"ns must be multiples of every rank with n / 4 > r, got "
                                 f"n={n}, r={r}")
            blk, Y1, Q = block_instance(n, r, 1.0, rng=np.random.default_rng([seed, n, r]))
            Y, unit = alpha * blk["Y"], Y1 - blk["Y"]  # unit: the U[-1, 1] noise draw
            for i, beta in enumerate(b.tolist()):
                Yh, _ = proj_nuclear_max(Y + beta * unit, Q, alpha, alpha * blk["tau"], tol=tol)
                out[i, j, k] = np.mean((Yh - Y) ** 2)
    return out


# ----------------------------------------------------------------------------- networks
NETWORK_MODES = ("agnostic", "parallel", "sequential", "oracle")


def planted_layer_errors(sigmas: Sequence[float], ranks: Sequence[int], *, depth: int = 5,
                         width: int = 40, m: int = 300, rng: int) -> np.ndarray:
    """Per-layer error of four compression modes on planted MLPs, over noise levels and ranks.

    For each rank ``r`` one planted MLP (generator G-C,
    :func:`~lowrank_nb.papers.zhangsaab.compression.gen_planted_mlp`) with widths
    ``[20] + [width] * depth + [10]`` and true ranks ``r`` (``min(r, 10)`` for the linear last
    layer) is drawn from ``numpy.random.default_rng([rng, r])`` at every ``sigma`` (the same
    draws, so the curves are smooth in ``sigma``), and compressed to those ranks by
    :func:`~lowrank_nb.papers.zhangsaab.compression.compress_mlp` in each of
    :data:`NETWORK_MODES`.

    Parameters
    ----------
    sigmas : sequence of float > 0
        Noise levels of the planted layers.
    ranks : sequence of int
        True and target ranks, ``1 <= r <= width``.
    depth : int >= 1
        Hidden layers (the network has ``depth + 1`` layers).
    width : int >= 2
        Hidden width.
    m : int >= width
        Calibration samples.
    rng : int
        Seed (a non-negative int).

    Returns
    -------
    numpy.ndarray, shape ``(len(sigmas), len(ranks), 4, depth + 1)``
        ``rel_err`` of :func:`compress_mlp` per layer: the relative pre-activation error of
        the compressed network against the original on the calibration data.

    References
    ----------
    Zhang and Saab, assumption (2), Theorem 3.1 and Sections 1--3 (data-driven versus
    data-agnostic compression); the paper gives no network-level bound.
    """
    from lowrank_nb.papers.zhangsaab.compression import compress_mlp, gen_planted_mlp

    depth = check_int(depth, "depth")
    width = check_int(width, "width", minimum=2)
    m = check_int(m, "m", minimum=max(width, 20))
    rks = _check_sizes(ranks, "ranks", 1)
    if max(rks) > width:
        raise ValueError(f"ranks must lie in [1, width={width}], got {max(rks)}")
    sig = np.atleast_1d(np.asarray(sigmas, dtype=float))
    if sig.ndim != 1 or sig.size == 0 or not np.all(np.isfinite(sig)) or np.any(sig <= 0):
        raise ValueError("sigmas must be a non-empty 1-d sequence of finite values > 0")
    seed = _check_seed(rng)
    widths = [20] + [width] * depth + [10]
    out = np.empty((sig.size, len(rks), len(NETWORK_MODES), depth + 1))
    for j, r in enumerate(rks):
        per_layer = [min(r, 20)] + [r] * (depth - 1) + [min(r, 10)]
        for i, s in enumerate(sig.tolist()):
            p = gen_planted_mlp(widths, per_layer, m, s, m_test=1,
                                rng=np.random.default_rng([seed, r]))
            for k, mode in enumerate(NETWORK_MODES):
                _, diag = compress_mlp(p["weights"], p["X0"], per_layer, mode,
                                       true_weights=p["true_weights"])
                out[i, j, k] = [d["rel_err"] for d in diag]
    return out
