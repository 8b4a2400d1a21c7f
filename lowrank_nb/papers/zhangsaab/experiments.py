"""Experiment helpers for the Zhang--Saab chapters: instances, seeded sweeps, checks.

The paper has no experiments; the synthetic sweeps here are the book's re-creations at the
grids of the chapter specification (generators G-A ... G-E of
:mod:`lowrank_nb.papers.zhangsaab.compression`). Every function that draws random numbers
takes ``rng`` as a required keyword.

References
----------
X. Zhang and R. Saab, "Theoretical guarantees for low-rank compression of deep neural
networks" (the paper of Part IV).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from lowrank_nb.core.bounds import thm31_bounds
from lowrank_nb.core.validate import check_array, check_int, check_positive, check_rng
from lowrank_nb.papers.zhangsaab.compression import (
    data_driven_lowrank,
    gen_block_lowrank,
    gen_single_layer,
    thm31_deterministic_bound,
)

__all__ = [
    "THEOREM31_COLUMNS",
    "block_instance",
    "first_order_cosine",
    "psi_feasible_point",
    "relative_error",
    "theorem31_runs",
]

#: Columns of :func:`theorem31_runs`.
THEOREM31_COLUMNS = ("mse", "sharp_bound_mse", "gaussian_bound", "rate", "paper_form", "eps")


def relative_error(A: Any, B: Any) -> float:
    """Relative Frobenius error ``||A - B||_F / ||B||_F`` of ``A`` against the reference ``B``.

    Parameters
    ----------
    A, B : array_like of the same shape
        ``B`` is the reference and must be non-zero.

    Returns
    -------
    float

    References
    ----------
    Zhang and Saab, Sections 1 and 3 (the error of a compressed network's outputs or
    pre-activations against the original's is what data-driven compression controls).
    """
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    if A.shape != B.shape:
        raise ValueError(f"A and B must have the same shape, got {A.shape} and {B.shape}")
    nb = float(np.linalg.norm(B))
    if not np.isfinite(nb) or nb == 0.0:
        raise ValueError("B must be finite and non-zero")
    return float(np.linalg.norm(A - B) / nb)


def theorem31_runs(
    d1: int,
    r: int,
    sigma: float,
    *,
    seeds: int,
    rng: np.random.Generator | int,
    delta: float = 0.0,
    d: int = 50,
    d2: int = 40,
) -> np.ndarray:
    """Theorem 3.1 on ``seeds`` fresh G-A instances: error, the proof's bound and the bounds.

    Each instance is :func:`~lowrank_nb.papers.zhangsaab.compression.gen_single_layer`
    ``(d1, d, d2, r, sigma, delta=delta)``; the estimator is the rank-constrained fit
    :func:`~lowrank_nb.papers.zhangsaab.compression.data_driven_lowrank` with the true
    regressor ``X_check``.

    Parameters
    ----------
    d1, d, d2 : int
        Samples, input width, output width (``d1 >= d``).
    r : int in [1, min(d, d2)]
    sigma : float >= 0
        Noise level.
    seeds : int >= 1
        Instances drawn one after the other from ``rng``.
    rng : numpy.random.Generator or int
        Required; the instances consume it in order.
    delta : float >= 0
        Mismatch ``X = X_check + delta N`` (G-A).

    Returns
    -------
    ndarray (seeds, 6)
        Columns :data:`THEOREM31_COLUMNS`: the MSE ``||Xc (M - M_hat)||_F^2 / (d1 d2)``, the
        proof's deterministic bound squared and divided by ``d1 d2``, the explicit Gaussian
        bound, the rate ``r sigma^2 (d + d2) / (d1 d2)``, the paper-form bound and the
        measured tolerance ``eps``.

    References
    ----------
    Zhang and Saab, Theorem 3.1 and its proof.
    """
    seeds = check_int(seeds, "seeds", minimum=1)
    g = check_rng(rng)
    out = []
    for _ in range(seeds):
        inst = gen_single_layer(d1, d, d2, r, sigma, delta=delta, rng=g)
        A, B = data_driven_lowrank(inst["X"], inst["W"], r, X_check=inst["X_check"])
        err = np.linalg.norm(inst["X_check"] @ (inst["M"] - A @ B))
        det = thm31_deterministic_bound(inst["X"], inst["W"], inst["X_check"], inst["M"], r)
        bnd = thm31_bounds(r, d1, d, d2, sigma, inst["eps"])
        out.append((err**2 / (d1 * d2), det**2 / (d1 * d2), bnd["gaussian"], bnd["rate"],
                    bnd["paper_form"], inst["eps"]))
    return np.array(out)


def block_instance(
    n: int, r: int, beta: float, *, rng: np.random.Generator | int, d: int | None = None
) -> tuple[dict, np.ndarray, np.ndarray]:
    """G-B ground truth with uniform noise ``U[-beta, beta]``, and a basis of ``col(X_check)``.

    Parameters
    ----------
    n : int
        ``d1 = d2 = n``.
    r : int
        Rank (a power of 2 dividing ``n``).
    beta : float >= 0
        Noise bound ``||G||_inf <= beta`` of Theorem 4.4.
    rng : numpy.random.Generator or int
        Required.
    d : int, optional
        Width of ``X_check``; ``n // 4`` by default.

    Returns
    -------
    block : dict
        From :func:`~lowrank_nb.papers.zhangsaab.compression.gen_block_lowrank` (keys
        ``X_check``, ``M``, ``Y``, ``tau``).
    Y_obs : ndarray (n, n)
        ``Y + G``.
    Q : ndarray (n, d)
        Orthonormal basis of ``col(X_check)`` (QR).

    References
    ----------
    Zhang and Saab, Theorem 4.4 (bounded i.i.d. noise, the set Psi).
    """
    n = check_int(n, "n")
    beta = check_positive(beta, "beta", allow_zero=True)
    g = check_rng(rng)
    b = gen_block_lowrank(n, d or n // 4, r, rng=g)
    Yt = b["Y"] + g.uniform(-beta, beta, b["Y"].shape)
    return b, Yt, np.linalg.qr(b["X_check"])[0]


def psi_feasible_point(C: Any, Q: Any, tau: float, alpha: float = 1.0) -> np.ndarray:
    """A point of ``Psi``: project ``C`` onto ``col(Q)``, then scale into the ball and the box.

    Parameters
    ----------
    C : array_like (d1, d2)
    Q : array_like (d1, k)
        Orthonormal columns.
    tau : float > 0
        Nuclear-norm radius.
    alpha : float > 0
        Max-entry bound.

    Returns
    -------
    ndarray (d1, d2)
        ``s * Q Q^T C`` with the largest ``s <= 1`` such that the result lies in
        ``Psi = {||.||_* <= tau, ||.||_inf <= alpha, col in col(Q)}`` (both constraints are
        homogeneous, so scaling by the smaller of the two ratios keeps both).

    References
    ----------
    Zhang and Saab, Theorem 4.4 and Lemma 4.5 (the set Psi and its projection).
    """
    C = check_array(C, "C")
    Q = check_array(Q, "Q")
    if Q.shape[0] != C.shape[0]:
        raise ValueError(f"Q must have {C.shape[0]} rows, got {Q.shape[0]}")
    tau = check_positive(tau, "tau")
    alpha = check_positive(alpha, "alpha")
    C = Q @ (Q.T @ C)
    nuc = np.linalg.svd(C, compute_uv=False).sum()
    if nuc == 0.0:
        return C
    C = C * min(1.0, tau / nuc)
    return C * min(1.0, alpha / np.abs(C).max())


def first_order_cosine(Y: Any, P: Any, candidates: Sequence[Any]) -> float:
    """Largest ``cos(Y - P, C - P)`` over feasible ``C``: the first-order test of a projection.

    ``P`` is the Euclidean projection of ``Y`` onto a closed convex set iff
    ``<Y - P, C - P> <= 0`` for every ``C`` in the set; the returned maximum is then ``<= 0``.

    Parameters
    ----------
    Y, P : array_like
    candidates : sequence of array_like
        Points of the set, all different from ``P``.

    Returns
    -------
    float

    References
    ----------
    Zhang and Saab, Lemma 4.5 (uniqueness of the projection onto a compact convex set).
    """
    Y = check_array(Y, "Y")
    P = check_array(P, "P")
    if len(candidates) == 0:
        raise ValueError("candidates must be non-empty")
    R = Y - P
    nr = np.linalg.norm(R)
    if nr == 0.0:
        raise ValueError("Y must differ from P (Y already in the set)")
    best = -np.inf
    for C in candidates:
        D = check_array(C, "candidates[...]") - P
        nd = np.linalg.norm(D)
        if nd == 0.0:
            raise ValueError("every candidate must differ from P")
        best = max(best, float(np.sum(R * D) / (nr * nd)))
    return best
