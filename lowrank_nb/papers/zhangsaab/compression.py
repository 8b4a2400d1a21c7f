"""Data-driven low-rank compression of network layers (Zhang and Saab).

A pretrained layer's pre-activations ``X W`` (rows of ``X`` are samples) are modelled as a noisy
observation ``X W = Xc M + G + E`` of the pre-activations of an unknown compressed network with
low-rank weight ``M`` (``Xc`` are that network's input activations). Compression is recovery of
``M``: fit the pre-activations (data-driven) instead of truncating ``W`` (data-agnostic).

Contents: the closed-form rank-constrained estimator of Theorem 3.1 (computed from an SVD of
``Xc``, never from ``Xc^T Xc``), the convex estimators of Corollary 4.7 (projection onto a
nuclear-norm ball intersected with a max-entry box) and Theorem 4.9 (censored-Gaussian maximum
likelihood, i.e. Tobit), whole-network compression in four modes, the explicit bound
calculators, and the synthetic generators G-A ... G-E used by the book.

References
----------
X. Zhang and R. Saab, "Theoretical guarantees for low-rank compression of deep neural
networks" (the paper of Part IV).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.linalg import hadamard
from scipy.special import log_ndtr

from lowrank_nb.core.bounds import C_ABS, _root, cor47_bound, thm31_bounds, thm44_bound, thm49_bound  # noqa: F401 (moved)
from lowrank_nb.core.linalg import truncated_svd
from lowrank_nb.core.mlp import forward
from lowrank_nb.core.validate import check_array, check_int, check_positive, check_rng

__all__ = [
    "C_ABS",
    "approx_rank",
    "best_rank_r",
    "compress_mlp",
    "cor47_bound",
    "data_driven_lowrank",
    "data_driven_lowrank_ranks",
    "eps_floor",
    "gen_block_lowrank",
    "gen_features_lowrank",
    "gen_planted_mlp",
    "gen_single_layer",
    "gen_teacher_data",
    "lemma_b3_constants",
    "log_cdf_curvature",
    "proj_l1_nonneg",
    "proj_nuclear_ball",
    "proj_nuclear_max",
    "prox_censored",
    "relu_mle",
    "relu_nll",
    "stable_rank",
    "theorem31_formula",
    "thm31_bounds",
    "thm31_deterministic_bound",
    "thm44_bound",
    "thm49_bound",
    "weight_svd_lowrank",
    "whitened_lowrank",
]


# ----------------------------------------------------------------------------- helpers
def _check_rank(r: Any, name: str, maximum: int) -> int:
    return check_int(r, name, minimum=1, maximum=maximum)


def _check_rows(A: np.ndarray, B: np.ndarray, na: str, nb: str) -> None:
    if A.shape[0] != B.shape[0]:
        raise ValueError(f"{na} and {nb} must have the same number of rows, got "
                         f"{A.shape[0]} and {B.shape[0]}")


def _check_XW(X: Any, W: Any) -> tuple[np.ndarray, np.ndarray]:
    X = check_array(X, "X")
    W = check_array(W, "W")
    if X.shape[1] != W.shape[0]:
        raise ValueError(f"W must have {X.shape[1]} rows (the columns of X), got {W.shape[0]}")
    return X, W


def best_rank_r(A: np.ndarray, r: int) -> tuple[np.ndarray, np.ndarray]:
    """Factors of the best rank-``r`` approximation ``[A]_r`` (Eckart--Young).

    Parameters
    ----------
    A : ndarray (m, n)
    r : int in [1, min(m, n)]

    Returns
    -------
    L : ndarray (m, r)
        ``U_r diag(s_r)``.
    R : ndarray (r, n)
        ``V_r^T``; ``[A]_r = L @ R``.

    References
    ----------
    Zhang and Saab, Section 3 (notation ``[A]_r``); Eckart and Young (1936).
    """
    A = check_array(A, "A")
    r = _check_rank(r, "r", min(A.shape))
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return U[:, :r] * s[:r], Vt[:r]


def weight_svd_lowrank(W: np.ndarray, r: int) -> tuple[np.ndarray, np.ndarray]:
    """Data-agnostic baseline: the truncated SVD ``W_r = A @ B`` of the weight alone.

    Parameters
    ----------
    W : ndarray (d, d2)
    r : int in [1, min(d, d2)]

    Returns
    -------
    A : ndarray (d, r)
    B : ndarray (r, d2)

    References
    ----------
    Zhang and Saab, Section 3, the comparison after Theorem 3.1.
    """
    W = check_array(W, "W")
    return best_rank_r(W, r)


def data_driven_lowrank(
    X: np.ndarray,
    W: np.ndarray,
    r: int,
    X_check: np.ndarray | None = None,
    rcond: float = 1e-10,
) -> tuple[np.ndarray, np.ndarray]:
    """Theorem 3.1 estimator: ``argmin_{rank Z <= r} ||X W - X_check Z||_F``, as factors.

    Computed stably from the thin SVD ``X_check = U S V^T`` (never from ``X_check^T X_check``):
    with ``B = U^T X W`` and ``V_r`` the top-``r`` right singular vectors of ``B``,
    ``M_hat = V S^{-1} B V_r V_r^T``, so that ``X_check M_hat = [P_{X_check} X W]_r``.

    Parameters
    ----------
    X : ndarray (d1, d)
        Input activations of the pretrained layer.
    W : ndarray (d, d2)
        Pretrained weight.
    r : int in [1, min(d, d2)]
        Target rank.
    X_check : ndarray (d1, d), optional
        Regressor (input activations of the compressed network); ``X`` when omitted.
    rcond : float in [0, 1)
        Singular values of ``X_check`` below ``rcond * s_max`` are dropped (a truncated
        pseudo-inverse). Theorem 3.1 assumes full column rank; in sequential compression the
        regressor is nearly rank deficient and ``rcond ~ 1e-2`` is needed for stability.

    Returns
    -------
    A : ndarray (d, r)
    B : ndarray (r, d2)
        ``M_hat = A @ B``. If the truncated regressor has fewer than ``r`` directions the
        surplus columns of ``A`` are zero.

    References
    ----------
    Zhang and Saab, Theorem 3.1 and its proof (the closed form
    ``(Xc^T Xc)^{-1/2} [(Xc^T Xc)^{1/2} Xc^+ X W]_r``).
    """
    return data_driven_lowrank_ranks(X, W, [r], X_check, rcond)[0]


def data_driven_lowrank_ranks(
    X: np.ndarray,
    W: np.ndarray,
    ranks: Sequence[int],
    X_check: np.ndarray | None = None,
    rcond: float = 1e-10,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """:func:`data_driven_lowrank` at several ranks, sharing its two SVDs.

    Parameters
    ----------
    X, W, X_check, rcond
        As for :func:`data_driven_lowrank`.
    ranks : sequence of int, each in [1, min(d, d2)], non-empty

    Returns
    -------
    list of (A, B)
        The factors of :func:`data_driven_lowrank` for each rank, in order.

    References
    ----------
    Zhang and Saab, Theorem 3.1 and its proof.
    """
    X, W = _check_XW(X, W)
    if isinstance(ranks, (str, bytes)) or len(ranks) == 0:
        raise ValueError("ranks must be a non-empty sequence of ints")
    rs = [_check_rank(r, "r", min(W.shape)) for r in ranks]
    Xc = X if X_check is None else check_array(X_check, "X_check")
    if Xc.shape != X.shape:
        raise ValueError(f"X_check must have the shape of X {X.shape}, got {Xc.shape}")
    if not (isinstance(rcond, (int, float)) and 0.0 <= float(rcond) < 1.0):
        raise ValueError(f"rcond must lie in [0, 1), got {rcond}")
    U, s, Vt = truncated_svd(Xc, float(rcond))
    B = U.T @ (X @ W)
    _, _, Vb = np.linalg.svd(B, full_matrices=False)
    out = []
    for r in rs:
        k = min(r, Vb.shape[0])
        Vr = Vb[:k].T
        A = Vt.T @ ((B @ Vr) / s[:, None])
        if k < r:  # pad so that the factor shapes always say "rank r"
            A = np.hstack([A, np.zeros((A.shape[0], r - k))])
            Vr = np.hstack([Vr, np.zeros((Vr.shape[0], r - k))])
        out.append((A, Vr.T))
    return out


def _sym_pow(S: np.ndarray, p: float) -> np.ndarray:
    lam, V = np.linalg.eigh(S)
    return (V * lam**p) @ V.T


def theorem31_formula(X: np.ndarray, W: np.ndarray, X_check: np.ndarray, r: int) -> np.ndarray:
    """The paper's literal closed form, ``(Xc^T Xc)^{-1/2} [(Xc^T Xc)^{1/2} Xc^+ X W]_r``.

    A test oracle only: forming ``Xc^T Xc`` squares the condition number. Use
    :func:`data_driven_lowrank` for computation.

    Parameters
    ----------
    X, X_check : ndarray (d1, d)
    W : ndarray (d, d2)
    r : int in [1, min(d, d2)]

    Returns
    -------
    ndarray (d, d2)
        ``M_hat``.

    References
    ----------
    Zhang and Saab, proof of Theorem 3.1.
    """
    X, W = _check_XW(X, W)
    Xc = check_array(X_check, "X_check")
    _check_rows(X, Xc, "X", "X_check")
    r = _check_rank(r, "r", min(W.shape))
    S = Xc.T @ Xc
    target = np.linalg.lstsq(Xc, X @ W, rcond=None)[0]
    L, R = best_rank_r(_sym_pow(S, 0.5) @ target, r)
    return _sym_pow(S, -0.5) @ (L @ R)


def whitened_lowrank(X: np.ndarray, W: np.ndarray, r: int) -> np.ndarray:
    """SVD-LLM-style whitening with ``X_check = X``: ``L^{-T} [L^T W]_r`` with ``X^T X = L L^T``.

    Equal to the Theorem 3.1 minimiser (any square root of ``X^T X`` works); an oracle only.

    Parameters
    ----------
    X : ndarray (d1, d), full column rank
    W : ndarray (d, d2)
    r : int in [1, min(d, d2)]

    Returns
    -------
    ndarray (d, d2)

    References
    ----------
    Zhang and Saab, Theorem 3.1 (the minimiser is invariant to the choice of square root).
    """
    X, W = _check_XW(X, W)
    r = _check_rank(r, "r", min(W.shape))
    Lc = np.linalg.cholesky(X.T @ X)
    Lf, R = best_rank_r(Lc.T @ W, r)
    return np.linalg.solve(Lc.T, Lf @ R)


# ----------------------------------------------------------------------------- diagnostics
def approx_rank(Y: np.ndarray) -> float:
    """Smallest ``r`` for which Definition 4.1 holds: ``(||Y||_* / (||Y||_inf sqrt(d1 d2)))^2``.

    References
    ----------
    Zhang and Saab, Definition 4.1 ("approximately rank-r").
    """
    Y = check_array(Y, "Y")
    ymax = np.max(np.abs(Y))
    if ymax == 0:
        raise ValueError("Y must not be the zero matrix")
    nuc = np.sum(np.linalg.svd(Y, compute_uv=False))
    return float((nuc / (ymax * np.sqrt(Y.size))) ** 2)


def stable_rank(Y: np.ndarray) -> float:
    """Stable rank ``||Y||_F^2 / ||Y||_2^2`` (reported beside Definition 4.1's score).

    References
    ----------
    Zhang and Saab, Definition 4.1 (compared with it in the book).
    """
    Y = check_array(Y, "Y")
    s = np.linalg.svd(Y, compute_uv=False)
    if s[0] == 0:
        raise ValueError("Y must not be the zero matrix")
    return float(np.sum(s**2) / s[0] ** 2)


# ----------------------------------------------------------------------------- bounds
def eps_floor(X: np.ndarray, X_check: np.ndarray, G: np.ndarray) -> tuple[float, float]:
    """Lower bounds on the tolerances forced by noise independent of the activations.

    With ``P`` the projector onto ``(col X + col X_check)^perp``, ``X W`` lies in ``col X`` so
    ``P E = -P G`` for ``E = X W - X_check M - G`` whatever ``W`` and ``M`` are. Hence
    ``||E||_op^2 / d1 >= ||P G||_op^2 / d1`` (assumption (2)) and
    ``||E||_F^2 / (d1 d2) >= ||P G||_F^2 / (d1 d2)`` (assumption (3)).

    Returns
    -------
    (eps_op_floor, eps_F_floor) : tuple of float

    References
    ----------
    Zhang and Saab, assumptions (2) and (3), Theorem 3.1, Corollary 4.7.
    """
    X = check_array(X, "X")
    Xc = check_array(X_check, "X_check")
    G = check_array(G, "G")
    _check_rows(X, Xc, "X", "X_check")
    _check_rows(X, G, "X", "G")
    Q = truncated_svd(np.hstack([X, Xc]), 1e-12)[0]
    PG = G - Q @ (Q.T @ G)
    d1, d2 = G.shape
    return float(np.linalg.norm(PG, 2) ** 2 / d1), float(np.linalg.norm(PG) ** 2 / (d1 * d2))


def thm31_deterministic_bound(
    X: np.ndarray, W: np.ndarray, X_check: np.ndarray, M: np.ndarray, r: int
) -> float:
    """Deterministic proof bound ``||Xc M - Xc M_hat||_F <= 2 sqrt(2r) ||Q^T(X W - Xc M)||_op``.

    Parameters
    ----------
    X, X_check : ndarray (d1, d)
    W, M : ndarray (d, d2)
        Pretrained and ground-truth (rank ``<= r``) weights.
    r : int

    Returns
    -------
    float
        The right-hand side (a Frobenius error, not an MSE).

    References
    ----------
    Zhang and Saab, proof of Theorem 3.1 (Weyl's inequality step).
    """
    X, W = _check_XW(X, W)
    Xc = check_array(X_check, "X_check")
    M = check_array(M, "M")
    r = _check_rank(r, "r", min(W.shape))
    Q = truncated_svd(Xc, 0.0)[0]
    return float(2 * np.sqrt(2 * r) * np.linalg.norm(Q.T @ (X @ W - Xc @ M), 2))


# ----------------------------------------------------------------------------- projections
def proj_l1_nonneg(s: np.ndarray, tau: float) -> tuple[np.ndarray, float]:
    """Project non-negative ``s`` onto ``{x >= 0, sum x <= tau}``; returns ``(x, theta)``.

    ``x = max(s - theta, 0)`` with the threshold from the sort/cumsum formula; ``theta = 0``
    when ``s`` is already inside (a relative tolerance of 1e-12 absorbs round-off on the
    boundary, where the book's block generator sits exactly).

    References
    ----------
    Zhang and Saab, Theorem 4.4 (the nuclear-norm constraint acts on singular values).
    """
    s = check_array(s, "s", ndim=1)
    tau = check_positive(tau, "tau")
    if np.any(s < 0):
        raise ValueError("s must be non-negative")
    if s.sum() <= tau * (1 + 1e-12):
        return s.copy(), 0.0
    u = np.sort(s)[::-1]
    css = np.cumsum(u) - tau
    idx = np.arange(1, u.size + 1)
    k = int(np.nonzero(u - css / idx > 0)[0][-1])
    theta = float(css[k] / (k + 1))
    return np.maximum(s - theta, 0.0), theta


def proj_nuclear_ball(B: np.ndarray, tau: float) -> np.ndarray:
    """Euclidean projection onto ``{||B||_* <= tau}`` (one SVD, soft-threshold the spectrum).

    References
    ----------
    Zhang and Saab, Theorem 4.4 (the set Psi).
    """
    B = check_array(B, "B")
    U, s, Vt = np.linalg.svd(B, full_matrices=False)
    s2, _ = proj_l1_nonneg(s, tau)
    return (U * s2) @ Vt


def _proj_A(Y: np.ndarray, Q: np.ndarray, tau: float) -> np.ndarray:
    # ||Q B||_* = ||B||_* for orthonormal Q, so projecting onto {Q B} then the ball is exact.
    C = Q.T @ Y
    U, s, Vt = np.linalg.svd(C, full_matrices=False)
    s2, _ = proj_l1_nonneg(s, tau)
    return Q @ ((U * s2) @ Vt)


def _psi_report(Y: np.ndarray, alpha: float, tau: float, it: int, conv: bool, gap: float) -> dict:
    nuc = float(np.sum(np.linalg.svd(Y, compute_uv=False)))
    return {
        "iterations": it,
        "converged": conv,
        "nuclear_over_tau": nuc / tau,
        "box_violation": float(max(0.0, np.max(np.abs(Y)) / alpha - 1.0)),
        "split_gap": gap,
    }


def proj_nuclear_max(
    Y: np.ndarray,
    Q: np.ndarray,
    alpha: float,
    tau: float,
    *,
    tol: float = 1e-7,
    max_iter: int = 5000,
    method: str = "dykstra",
    rho: float = 1.0,
    Y0: np.ndarray | None = None,
) -> tuple[np.ndarray, dict]:
    """Project ``Y`` onto ``Psi = {Q B : ||Q B||_* <= tau} ∩ {||.||_inf <= alpha}``.

    Parameters
    ----------
    Y : ndarray (d1, d2)
        Point to project (``X W`` or an observation).
    Q : ndarray (d1, k)
        Orthonormal basis of ``col(X_check)``.
    alpha : float > 0
        Max-entry bound.
    tau : float > 0
        Nuclear-norm radius, ``alpha sqrt(r d1 d2)`` in the paper.
    tol : float > 0
        Stop when the relative change of the iterate is below ``tol``.
    max_iter : int
    method : {"dykstra", "admm"}
    rho : float > 0
        ADMM penalty.
    Y0 : ndarray, optional
        ADMM starting point (default ``clip(Y)``).

    Returns
    -------
    Y_proj : ndarray
        The iterate in the nuclear/column-space set (exactly), box-feasible up to ``tol``.
    info : dict
        Feasibility report: iterations, converged, ``nuclear_over_tau`` (<= 1),
        ``box_violation`` (``max|Y|/alpha - 1``, clipped at 0) and ``split_gap`` (relative
        distance between the two sets' iterates).

    References
    ----------
    Zhang and Saab, Theorem 4.4, Lemmas 4.5--4.6 and Corollary 4.7; Dykstra (1983);
    Boyle and Dykstra (1986).
    """
    Y = check_array(Y, "Y")
    Q = check_array(Q, "Q")
    _check_rows(Y, Q, "Y", "Q")
    alpha = check_positive(alpha, "alpha")
    tau = check_positive(tau, "tau")
    tol = check_positive(tol, "tol")
    max_iter = check_int(max_iter, "max_iter")
    rho = check_positive(rho, "rho")
    if method not in ("dykstra", "admm"):
        raise ValueError(f"method must be 'dykstra' or 'admm', got {method!r}")
    scale = max(np.linalg.norm(Y), 1e-300)
    if method == "dykstra":
        x = Y.copy()
        p = np.zeros_like(Y)
        q = np.zeros_like(Y)
        y = x
        for it in range(1, max_iter + 1):  # noqa: B007 (it is reported)
            y = _proj_A(x + p, Q, tau)
            p = x + p - y
            x_new = np.clip(y + q, -alpha, alpha)
            q = y + q - x_new
            done = np.linalg.norm(x_new - x) <= tol * max(np.linalg.norm(x), 1e-300)
            x = x_new
            if done:
                break
        gap = float(np.linalg.norm(y - x) / scale)
        return y, _psi_report(y, alpha, tau, it, bool(done), gap)
    # ADMM on min 1/2||V - Y||^2 + I_A(V) + I_box(S) s.t. V = S.
    S = np.clip(Y, -alpha, alpha) if Y0 is None else check_array(Y0, "Y0").copy()
    U = np.zeros_like(Y)
    V = S
    for it in range(1, max_iter + 1):  # noqa: B007 (it is reported)
        V = _proj_A((Y + rho * (S - U)) / (1 + rho), Q, tau)
        S_new = np.clip(V + U, -alpha, alpha)
        U = U + V - S_new
        ref = max(np.linalg.norm(S_new), 1e-300)
        done = (np.linalg.norm(V - S_new) <= tol * ref
                and rho * np.linalg.norm(S_new - S) <= tol * ref)
        S = S_new
        if done:
            break
    gap = float(np.linalg.norm(V - S) / scale)
    return V, _psi_report(V, alpha, tau, it, bool(done), gap)


# ----------------------------------------------------------------------------- ReLU MLE
def relu_nll(Y: np.ndarray, Z: np.ndarray, sigma: float) -> float:
    """Scaled negative log-likelihood of ``Z = ReLU(Y + G)``, ``G ~ N(0, sigma^2)``.

    ``F(Y) = sum_{Z>0} (Z - Y)^2 / 2 - sigma^2 sum_{Z=0} log Phi(-Y / sigma)``; this is
    ``-sigma^2`` times the (P*) objective up to an additive constant. ``log Phi`` uses
    ``scipy.special.log_ndtr`` (stable deep in the tail).

    References
    ----------
    Zhang and Saab, Theorem 4.9, problems (P') and (P*); Remark 4.12.
    """
    Y = check_array(Y, "Y")
    Z = check_array(Z, "Z")
    sigma = check_positive(sigma, "sigma")
    if Y.shape != Z.shape:
        raise ValueError(f"Y and Z must have the same shape, got {Y.shape} and {Z.shape}")
    pos = Z > 0
    return float(0.5 * np.sum((Z[pos] - Y[pos]) ** 2)
                 - sigma**2 * np.sum(log_ndtr(-Y[~pos] / sigma)))


def _mills(t: np.ndarray) -> np.ndarray:
    """phi(t) / Phi(-t), computed in log space."""
    return np.exp(-0.5 * t * t - 0.5 * np.log(2 * np.pi) - log_ndtr(-t))


def prox_censored(V: np.ndarray, Z: np.ndarray, sigma: float, rho: float,
                  newton_iters: int = 40) -> np.ndarray:
    """Entrywise prox ``argmin_y F(y) + rho/2 (y - v)^2`` of :func:`relu_nll`.

    Observed entries (``Z > 0``) have the closed form ``(Z + rho v)/(1 + rho)``. Censored ones
    solve ``sigma lam(y/sigma) + rho (y - v) = 0`` with ``lam(t) = phi(t)/Phi(-t)`` by Newton's
    method from ``y = v``: the left side is convex and increasing in ``y`` and positive at
    ``v``, so the iterates decrease monotonically to the root.

    References
    ----------
    Zhang and Saab, Theorem 4.9 (the objective of (P*)); Lemma B.1 (its curvature).
    """
    V = check_array(V, "V")
    Z = check_array(Z, "Z")
    sigma = check_positive(sigma, "sigma")
    rho = check_positive(rho, "rho")
    if V.shape != Z.shape:
        raise ValueError(f"V and Z must have the same shape, got {V.shape} and {Z.shape}")
    out = (Z + rho * V) / (1 + rho)
    cen = Z <= 0
    v = V[cen]
    y = v.copy()
    for _ in range(newton_iters):
        t = y / sigma
        lam = _mills(t)
        step = (sigma * lam + rho * (y - v)) / (lam * (lam - t) + rho)
        y = y - step
        if np.max(np.abs(step), initial=0.0) <= 1e-13 * (1.0 + np.max(np.abs(y), initial=0.0)):
            break  # quadratic convergence: a few steps reach round-off
    out[cen] = y
    return out


def relu_mle(
    Z: np.ndarray,
    X_check: np.ndarray,
    alpha: float,
    r: float,
    sigma: float,
    *,
    tau: float | None = None,
    rho: float = 1.0,
    tol: float = 1e-6,
    max_iter: int = 3000,
) -> tuple[np.ndarray, np.ndarray, dict]:
    """Censored-Gaussian (Tobit) MLE of Theorem 4.9, problem (P*), by two-block ADMM.

    Minimises ``F(Y) + I_box(Y) + I_A(S)`` subject to ``Y = S`` where ``F`` is
    :func:`relu_nll`, the box is ``||.||_inf <= alpha`` and ``A = {Q B: ||B||_* <= tau}``
    with ``Q`` an orthonormal basis of ``col(X_check)``. The box prox is the clip of the
    entrywise prox (exact in one dimension).

    Parameters
    ----------
    Z : ndarray (d1, d2)
        Observed ReLU outputs (non-negative).
    X_check : ndarray (d1, d)
    alpha : float > 0
    r : float > 0
        Rank parameter of the constraint (``tau = alpha sqrt(r d1 d2)`` unless given).
    sigma : float > 0
        Noise level (assumed known, as in the theorem).
    tau : float, optional
    rho : float > 0
    tol : float > 0
    max_iter : int

    Returns
    -------
    M_hat : ndarray (d, d2)
        ``X_check^+ Y_hat``.
    Y_hat : ndarray (d1, d2)
        The estimate in ``A`` (box-feasible up to ``tol``).
    info : dict
        iterations, converged, primal residual (relative), ``nuclear_over_tau``,
        ``box_violation``, ``nll``.

    References
    ----------
    Zhang and Saab, Theorem 4.9, (P') and (P*); Appendix B.
    """
    Z = check_array(Z, "Z")
    Xc = check_array(X_check, "X_check")
    _check_rows(Z, Xc, "Z", "X_check")
    if np.any(Z < 0):
        raise ValueError("Z must be non-negative (ReLU outputs)")
    alpha = check_positive(alpha, "alpha")
    r = check_positive(r, "r")
    sigma = check_positive(sigma, "sigma")
    rho = check_positive(rho, "rho")
    tol = check_positive(tol, "tol")
    max_iter = check_int(max_iter, "max_iter")
    d1, d2 = Z.shape
    tau = alpha * np.sqrt(r * d1 * d2) if tau is None else check_positive(tau, "tau")
    Q = truncated_svd(Xc, 1e-12)[0]
    S = np.clip(Z, -alpha, alpha)
    U = np.zeros_like(Z)
    Y = S
    for it in range(1, max_iter + 1):  # noqa: B007 (it is reported)
        Y = np.clip(prox_censored(S - U, Z, sigma, rho), -alpha, alpha)
        S_new = _proj_A(Y + U, Q, tau)
        U = U + Y - S_new
        ref = max(np.linalg.norm(S_new), 1e-300)
        primal = np.linalg.norm(Y - S_new) / ref
        dual = rho * np.linalg.norm(S_new - S) / ref
        S = S_new
        if primal <= tol and dual <= tol:
            break
    M_hat = np.linalg.lstsq(Xc, S, rcond=None)[0]
    info = _psi_report(S, alpha, tau, it, bool(primal <= tol and dual <= tol), float(primal))
    info["primal_residual"] = float(primal)
    info["nll"] = relu_nll(S, Z, sigma)
    return M_hat, S, info


# ----------------------------------------------------------------------------- constants
def log_cdf_curvature(x: np.ndarray, sigma: float) -> np.ndarray:
    """``(log f)''(x)`` for ``f`` the CDF of ``N(0, sigma^2)``: ``(-t lam - lam^2)/sigma^2``.

    ``t = x / sigma`` and ``lam = phi(t)/Phi(t)`` from ``log_ndtr`` (stable for ``t -> -inf``).

    References
    ----------
    Zhang and Saab, Lemma B.1 (``-1/sigma^2 <= (log f)'' <= 0``).
    """
    x = check_array(x, "x", ndim=1)
    sigma = check_positive(sigma, "sigma")
    t = x / sigma
    lam = _mills(-t)
    return (-t * lam - lam**2) / sigma**2


def lemma_b3_constants(alpha: float, sigma: float, grid: int = 200001) -> dict:
    """``L_{alpha,sigma}`` and ``beta_{alpha,sigma}`` of Lemma B.3 on a grid, with the bounds.

    ``L = sup_{|x|<=alpha} |f'| / (f (1-f))`` and ``beta = sup f (1-f) / f'^2``;
    bounds ``8 (alpha + sigma)/sigma^2`` and ``pi sigma^2 exp(alpha^2 / (2 sigma^2))``.

    References
    ----------
    Zhang and Saab, Lemma B.3 (after Davenport et al., 1-bit matrix completion).
    """
    alpha = check_positive(alpha, "alpha")
    sigma = check_positive(sigma, "sigma")
    grid = check_int(grid, "grid", minimum=3)
    t = np.linspace(-alpha, alpha, grid) / sigma
    # In logs, with 1 - f = Phi(-t) from log_ndtr: the direct f (1 - f) rounds to 0 once
    # alpha / sigma exceeds about 8, which made L infinite and beta NaN.
    log_fp = -0.5 * t * t - 0.5 * np.log(2 * np.pi) - np.log(sigma)
    log_ff = log_ndtr(t) + log_ndtr(-t)
    with np.errstate(over="ignore"):  # beyond ~1e308 the value is inf, not NaN
        return {
            "L": float(np.exp(np.max(log_fp - log_ff))),
            "beta": float(np.exp(np.max(log_ff - 2 * log_fp))),
            "L_bound": 8 * (alpha + sigma) / sigma**2,
            "beta_bound": float(np.pi * sigma**2 * np.exp(alpha**2 / (2 * sigma**2))),
        }


# ----------------------------------------------------------------------------- networks
def compress_mlp(
    weights: Sequence[np.ndarray],
    X0: np.ndarray,
    ranks: Sequence[int | None],
    mode: str = "sequential",
    *,
    true_weights: Sequence[np.ndarray] | None = None,
    rcond: float = 1e-10,
    rng: np.random.Generator | int | None = None,
) -> tuple[list, list[dict]]:
    """Compress every layer of a bias-free ReLU MLP to the given ranks.

    Modes (how layer ``i``'s factors are fitted; ``Xo``, ``Xh``, ``Xc`` are the inputs of
    layer ``i`` in the original, the compressed-so-far and the ground-truth network):

    * ``"agnostic"``: ``[W_i]_r`` (weight SVD, no data);
    * ``"parallel"``: ``argmin ||Xo W_i - Xo Z||`` (each layer independently);
    * ``"sequential"``: ``argmin ||Xo W_i - Xh Z||`` (re-fit to the inputs the compressed
      layer will receive; ``rcond`` truncates the nearly singular ``Xh``);
    * ``"oracle"``: ``argmin ||Xo W_i - Xc Z||`` (needs ``true_weights``; the only mode the
      paper's Theorem 3.1 literally covers);
    * ``"jl"``: the random-embedding weight ``R R^T W_i / k`` with Gaussian ``R`` (needs
      ``rng``), a data-oblivious baseline from Part II.

    Parameters
    ----------
    weights : list of ndarray
        Dense weights ``(d_{i-1}, d_i)`` (ReLU between layers, linear last layer).
    X0 : ndarray (m, d_0)
        Calibration inputs.
    ranks : sequence of int or None
        Target rank per layer; None keeps the layer dense.
    mode : str
    true_weights : list of ndarray, optional
    rcond : float in [0, 1)
    rng : numpy.random.Generator or int, optional
        Required for ``mode="jl"`` (the only random mode; ``None`` raises ValueError there,
        never an unseeded draw); ignored by the deterministic modes.

    Returns
    -------
    factors : list
        Per layer, ``(A, B)`` or the dense ``W`` (for ``None`` ranks); usable by
        :func:`lowrank_nb.core.mlp.forward`.
    diagnostics : list of dict
        Per layer: ``rel_err`` = ``||Xh M - Xo W||_F / ||Xo W||_F`` (error of the compressed
        network's pre-activations against the original's, on ``X0``) and, with
        ``true_weights``, ``mse_truth`` = ``||Xh M - Xc Mtrue||_F^2 / (m d_i)``.

    References
    ----------
    Zhang and Saab, Sections 1--3 (assumption (2) and Theorem 3.1). The paper gives no
    multi-layer bound: these modes are illustrations.
    """
    if not isinstance(weights, (list, tuple)) or len(weights) == 0:
        raise TypeError("weights must be a non-empty list of 2-D arrays")
    Ws = [check_array(W, f"weights[{i}]") for i, W in enumerate(weights)]
    X0 = check_array(X0, "X0")
    if len(ranks) != len(Ws):
        raise ValueError(f"ranks must have one entry per layer ({len(Ws)}), got {len(ranks)}")
    modes = ("agnostic", "parallel", "sequential", "oracle", "jl")
    if mode not in modes:
        raise ValueError(f"mode must be one of {modes}, got {mode!r}")
    if mode == "oracle" and true_weights is None:
        raise ValueError("mode='oracle' needs true_weights")
    Ms = None if true_weights is None else [check_array(M, "true_weights") for M in true_weights]
    if mode == "jl" and rng is None:
        raise ValueError("mode='jl' draws a random embedding: pass rng (a Generator or a seed)")
    gen = check_rng(rng) if mode == "jl" else None
    forward(Ws, X0)  # validates that the shapes chain with X0
    Xo = Xh = X0
    Xc = X0 if Ms is not None else None
    factors: list = []
    diags: list[dict] = []
    for i, (W, r) in enumerate(zip(Ws, ranks, strict=True)):
        last = i == len(Ws) - 1
        if r is None:
            fac: Any = W
        elif mode == "agnostic":
            fac = weight_svd_lowrank(W, r)
        elif mode == "parallel":
            fac = data_driven_lowrank(Xo, W, r, rcond=rcond)
        elif mode == "sequential":
            fac = data_driven_lowrank(Xo, W, r, X_check=Xh, rcond=rcond)
        elif mode == "oracle":
            fac = data_driven_lowrank(Xo, W, r, X_check=Xc, rcond=rcond)
        else:
            k = check_int(r, f"ranks[{i}]")
            R = gen.standard_normal((W.shape[0], k))
            fac = (R, (R.T @ W) / k)
        Mhat = fac[0] @ fac[1] if isinstance(fac, tuple) else fac
        target = Xo @ W
        pre_h = Xh @ Mhat
        d = {"rel_err": float(np.linalg.norm(pre_h - target) / np.linalg.norm(target))}
        if Ms is not None:
            truth = Xc @ Ms[i]
            d["mse_truth"] = float(np.mean((pre_h - truth) ** 2))
            Xc = truth if last else np.maximum(truth, 0.0)
        diags.append(d)
        factors.append(fac)
        Xo = target if last else np.maximum(target, 0.0)
        Xh = pre_h if last else np.maximum(pre_h, 0.0)
    return factors, diags


# ----------------------------------------------------------------------------- generators
def gen_single_layer(d1: int, d: int, d2: int, r: int, sigma: float, *, delta: float = 0.0,
                     rng: np.random.Generator | int) -> dict:
    """G-A: one layer under the strong low-rank assumption (Theorem 3.1).

    ``Xc = ReLU(X0 A / sqrt(20) + 0.3 N)`` (full column rank, non-negative), ``M = B C /
    sqrt(d)`` of rank ``r``, ``X = Xc + delta N'``, ``G = sigma * N(0,1)`` and the pretrained
    ``W = argmin ||X W - (Xc M + G)||_F``; the mismatch is ``E = X W - Xc M - G`` and the
    tolerance ``eps = ||E||_op^2 / d1`` is measured.

    Parameters
    ----------
    rng : numpy.random.Generator or int
        Required keyword (all draws come from it; ``None`` is refused).

    Returns
    -------
    dict with keys X, X_check, W, M, G, E, eps.

    References
    ----------
    Zhang and Saab, Theorem 3.1 (its assumptions realised).
    """
    d1, d, d2 = check_int(d1, "d1"), check_int(d, "d"), check_int(d2, "d2")
    if d1 < d:
        raise ValueError(f"d1 must be >= d={d}, got {d1}")
    r = _check_rank(r, "r", min(d, d2))
    sigma = check_positive(sigma, "sigma", allow_zero=True)
    delta = check_positive(delta, "delta", allow_zero=True)
    g = check_rng(rng)
    X0 = g.standard_normal((d1, 20))
    Xc = np.maximum(X0 @ g.standard_normal((20, d)) / np.sqrt(20)
                    + 0.3 * g.standard_normal((d1, d)), 0.0)
    M = g.standard_normal((d, r)) @ g.standard_normal((r, d2)) / np.sqrt(d)
    X = Xc + delta * g.standard_normal((d1, d))
    G = sigma * g.standard_normal((d1, d2))
    W = np.linalg.lstsq(X, Xc @ M + G, rcond=None)[0]
    E = X @ W - Xc @ M - G
    return {"X": X, "X_check": Xc, "W": W, "M": M, "G": G, "E": E,
            "eps": float(np.linalg.norm(E, 2) ** 2 / d1)}


def gen_block_lowrank(n: int, d: int, r: int, alpha: float = 1.0, *,
                      rng: np.random.Generator | int) -> dict:
    """G-B: ``Y = Xc M`` with entries ``+-alpha``, rank ``r`` and ``||Y||_* = alpha sqrt(r) n``.

    ``Xc = [onehot(l) | N(0,1)^{n x (d-r)}]`` with balanced row labels ``l``, ``M`` stacks
    ``alpha H_r onehot(c)^T`` (Hadamard ``H_r``) over zeros: ``Y`` sits exactly on the boundary
    of the nuclear-norm constraint of Theorems 4.4 and 4.9.

    Parameters
    ----------
    rng : numpy.random.Generator or int
        Required keyword (all draws come from it; ``None`` is refused).

    Returns
    -------
    dict with keys X_check (n, d), M (d, n), Y (n, n), tau.

    References
    ----------
    Zhang and Saab, Definition 4.1, Theorems 4.4 and 4.9.
    """
    n, d = check_int(n, "n"), check_int(d, "d")
    r = check_int(r, "r")
    if r not in (1, 2, 4, 8, 16) or n % r or d <= r:
        raise ValueError(f"r must be a power of 2 <= 16 dividing n={n} with d > r, got {r}")
    alpha = check_positive(alpha, "alpha")
    g = check_rng(rng)
    lab = g.permutation(r)[np.arange(n) % r]
    col = g.permutation(r)[np.arange(n) % r]
    Xc = np.hstack([np.eye(r)[lab], g.standard_normal((n, d - r))])
    M = np.vstack([alpha * hadamard(r).astype(float) @ np.eye(r)[col].T, np.zeros((d - r, n))])
    return {"X_check": Xc, "M": M, "Y": Xc @ M, "tau": alpha * np.sqrt(r) * n}


def gen_planted_mlp(widths: Sequence[int], ranks: Sequence[int], m: int, sigma: float, *,
                    m_test: int = 2000, rng: np.random.Generator | int) -> dict:
    """G-C: a planted MLP obeying assumption (2) layer by layer.

    Ground truth ``M_i = B_i C_i sqrt(c_i / (N_{i-1} r_i))`` (``c_1 = 1``, else 2); pretrained
    ``W_i = argmin ||X^{(i-1)} W - (Xc^{(i-1)} M_i + G_i)||_F`` with ``G_i ~ N(0, sigma^2)``,
    propagating ``X^{(i)} = ReLU(X^{(i-1)} W_i)`` and ``Xc^{(i)} = ReLU(Xc^{(i-1)} M_i)``
    (linear last layer). The least-squares fit amplifies noise in the weak directions of
    ``X^{(i-1)}``, so ``W_i`` is far from low rank while ``X^{(i-1)} W_i`` is nearly rank r.

    Parameters
    ----------
    rng : numpy.random.Generator or int
        Required keyword (all draws come from it; ``None`` is refused).

    Returns
    -------
    dict with keys weights, true_weights, X0 (m, N_0), X_test (m_test, N_0).

    References
    ----------
    Zhang and Saab, assumption (2), Section 2.
    """
    widths = [check_int(w, f"widths[{i}]") for i, w in enumerate(widths)]
    if len(ranks) != len(widths) - 1:
        raise ValueError(f"ranks must have {len(widths) - 1} entries, got {len(ranks)}")
    m = check_int(m, "m", minimum=max(widths))
    m_test = check_int(m_test, "m_test")
    sigma = check_positive(sigma, "sigma", allow_zero=True)
    g = check_rng(rng)
    X0 = g.standard_normal((m, widths[0]))
    X = Xc = X0
    Ws, Ms = [], []
    for i, r in enumerate(ranks):
        din, dout = widths[i], widths[i + 1]
        r = _check_rank(r, f"ranks[{i}]", min(din, dout))
        c = 1.0 if i == 0 else 2.0
        M = g.standard_normal((din, r)) @ g.standard_normal((r, dout)) * np.sqrt(c / (din * r))
        W = np.linalg.lstsq(X, Xc @ M + sigma * g.standard_normal((m, dout)), rcond=None)[0]
        Ws.append(W)
        Ms.append(M)
        X, Xc = np.maximum(X @ W, 0.0), np.maximum(Xc @ M, 0.0)
    return {"weights": Ws, "true_weights": Ms, "X0": X0,
            "X_test": g.standard_normal((m_test, widths[0]))}


def gen_features_lowrank(d1: int = 1000, d: int = 60, d2: int = 40, r: int = 3, *,
                         k_strong: int = 10, weak: float = 0.01, nuisance: float = 5.0,
                         sigma: float = 0.1,
                         rng: np.random.Generator | int) -> dict:
    """G-D: features low-rank, weights not (one layer).

    ``X = N(0,1) diag(1_k, weak 1_{d-k}) Q0^T``; ``M = Q0[:, :k] B C / sqrt(k)`` (rank r);
    a nuisance ``N_w = Q0[:, k:] D`` in the weak directions with ``||N_w||_op = nuisance
    ||M||_op``; ``W = M + N_w + X^+ (sigma G)``. Weight SVD keeps the nuisance; the data
    barely see it.

    Parameters
    ----------
    rng : numpy.random.Generator or int
        Required keyword (all draws come from it; ``None`` is refused).

    Returns
    -------
    dict with keys X, W, M.

    References
    ----------
    Zhang and Saab, Section 3 (data-agnostic comparison); Yu and Wu (features more low-rank
    than weights), cited there.
    """
    d1, d, d2 = check_int(d1, "d1"), check_int(d, "d"), check_int(d2, "d2")
    k = check_int(k_strong, "k_strong", maximum=d - 1)
    r = _check_rank(r, "r", min(k, d2))
    weak = check_positive(weak, "weak")
    nuisance = check_positive(nuisance, "nuisance", allow_zero=True)
    sigma = check_positive(sigma, "sigma", allow_zero=True)
    g = check_rng(rng)
    Q0 = np.linalg.qr(g.standard_normal((d, d)))[0]
    scale = np.r_[np.ones(k), weak * np.ones(d - k)]
    X = (g.standard_normal((d1, d)) * scale) @ Q0.T
    M = Q0[:, :k] @ g.standard_normal((k, r)) @ g.standard_normal((r, d2)) / np.sqrt(k)
    Nw = Q0[:, k:] @ g.standard_normal((d - k, d2))
    Nw *= nuisance * np.linalg.norm(M, 2) / max(np.linalg.norm(Nw, 2), 1e-300)
    W = M + Nw + np.linalg.lstsq(X, sigma * g.standard_normal((d1, d2)), rcond=None)[0]
    return {"X": X, "W": W, "M": M}


def gen_teacher_data(n: int, *, rng: np.random.Generator | int,
                     teacher: dict | None = None) -> tuple[np.ndarray, np.ndarray, dict]:
    """G-E data: ``y = sin(2 x P) C + 0.5 tanh((2 x P)^2) C[::-1]`` with ``x ~ N(0, I_20)``.

    A column of ones is appended to ``x`` so that a bias-free network has a first-layer bias.

    Parameters
    ----------
    n : int
    rng : numpy.random.Generator or int
        Required keyword (``None`` is refused).
    teacher : dict, optional
        ``{"P", "C"}`` from a previous call (so train and test share the teacher).

    Returns
    -------
    X : ndarray (n, 21)
    Y : ndarray (n, 5)
    teacher : dict

    References
    ----------
    Zhang and Saab, Section 1.1 (compression data disjoint from training data).
    """
    n = check_int(n, "n")
    g = check_rng(rng)
    if teacher is None:
        teacher = {"P": g.standard_normal((20, 4)) / np.sqrt(20),
                   "C": g.standard_normal((4, 5))}
    x = g.standard_normal((n, 20))
    H = 2 * x @ teacher["P"]
    Y = np.sin(H) @ teacher["C"] + 0.5 * np.tanh(H**2) @ teacher["C"][::-1]
    return np.hstack([x, np.ones((n, 1))]), Y, teacher
