"""Error of Performer (FAVOR+) attention against exact softmax, as the number of features grows.

Used by the Explore section of Part V's extensions chapter (beyond the paper). The Performer's
matrix ``D^{-1} phi(Q) phi(K)^T`` has rank at most ``R`` (the number of random features), so
its error is set beside the error of the best rank-``R`` approximation of the same matrix.

References
----------
K. Choromanski et al., "Rethinking attention with Performers" (2021), Lemma 1 (positive random
features) and Section 2.4 (orthogonal features); Y. Deng, Z. Song, K. Yuan, T. Zhou, "Why
softmax attention outperforms linear attention", Definition C.1 (softmax attention).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lowrank_nb.core.softmax import softmax_rows
from lowrank_nb.core.validate import check_array

__all__ = ["performer_errors", "truncation_errors"]


def _ranks(values: Sequence[int], name: str) -> np.ndarray:
    r = np.asarray(values)
    if r.ndim != 1 or r.size == 0 or not np.issubdtype(r.dtype, np.integer) or r[0] < 1 \
            or np.any(np.diff(r) <= 0):
        raise ValueError(f"{name} must be a non-empty strictly increasing sequence of "
                         f"integers >= 1, got {values!r}")
    return r


def performer_errors(Q: np.ndarray, K: np.ndarray, omega: np.ndarray,
                     features: Sequence[int], *, scale: float = 1.0) -> np.ndarray:
    """Relative Frobenius error of the Performer attention matrix, one value per feature count.

    The estimate with ``R`` features uses the first ``R`` columns of ``omega`` (a valid
    ``R``-feature draw when ``omega`` comes from :func:`lowrank_nb.core.softmax.gaussian_features`,
    i.i.d. or orthogonal blocks), so the curve is one nested experiment and the same ``omega``
    can be reused for every logit scale. Returned: ``||P_R - P||_F / ||P||_F`` with
    ``P = softmax(scale Q K^T)`` row-wise and ``P_R = D^{-1} phi(Q) phi(K)^T``,
    ``phi(x) = exp(Omega^T x - |x|^2 / 2)`` on the scaled rows ``sqrt(scale) x``.

    Parameters
    ----------
    Q, K : numpy.ndarray
        Queries (n, k) and keys (n_k, k).
    omega : numpy.ndarray
        Random projection (k, R_max), e.g. ``gaussian_features(k, R_max, rng)``.
    features : sequence of int
        Feature counts, strictly increasing, each in ``[1, R_max]``.
    scale : float, default 1.0
        Logit scale, positive.

    Returns
    -------
    numpy.ndarray
        The relative errors, one per entry of ``features`` (``inf`` where some query's
        estimated row sum underflows to 0).

    References
    ----------
    Choromanski et al. (2021), Lemma 1 and Section 2.4; Deng et al., Definition C.1.
    """
    Qa, Ka, Om = check_array(Q, "Q"), check_array(K, "K"), check_array(omega, "omega")
    if Qa.shape[1] != Ka.shape[1]:
        raise ValueError(f"Q and K must have the same width, got {Qa.shape[1]} and {Ka.shape[1]}")
    if Om.shape[0] != Qa.shape[1]:
        raise ValueError(f"omega must have {Qa.shape[1]} rows, got {Om.shape[0]}")
    R = _ranks(features, "features")
    if R[-1] > Om.shape[1]:
        raise ValueError(f"features must be at most omega's {Om.shape[1]} columns, got {R[-1]}")
    s = float(scale)
    if not (np.isfinite(s) and s > 0):
        raise ValueError(f"scale must be finite and positive, got {scale}")
    Qs, Ks = Qa * np.sqrt(s), Ka * np.sqrt(s)
    P = softmax_rows(Qs @ Ks.T)
    Om = Om[:, : int(R[-1])]
    Lq = Qs @ Om - 0.5 * np.einsum("ij,ij->i", Qs, Qs)[:, None]
    Lk = Ks @ Om - 0.5 * np.einsum("ij,ij->i", Ks, Ks)[:, None]
    # shifts cancel in the row normalisation: one per query row, one for all keys
    phi_q = np.exp(Lq - Lq.max(axis=1, keepdims=True))
    phi_k = np.exp(Lk - Lk.max())
    norm = np.linalg.norm(P)
    W = np.zeros(P.shape)
    out = np.empty(R.size)
    lo = 0
    for i, r in enumerate(R):
        W += phi_q[:, lo:r] @ phi_k[:, lo:r].T  # add features lo..r-1 to the nested sum
        lo = int(r)
        tot = W.sum(axis=1, keepdims=True)
        out[i] = np.inf if np.any(tot <= 0) else np.linalg.norm(W / tot - P) / norm
    return out


def truncation_errors(M: np.ndarray, ranks: Sequence[int]) -> np.ndarray:
    """Relative Frobenius error of the best rank-``r`` approximation, one value per rank.

    ``||M - [M]_r||_F / ||M||_F = sqrt(sum_{i > r} sigma_i^2) / sqrt(sum_i sigma_i^2)``
    (Eckart-Young); ranks at or above ``min(M.shape)`` give 0.

    Parameters
    ----------
    M : numpy.ndarray
        A nonzero matrix.
    ranks : sequence of int
        Ranks, strictly increasing, each ``>= 1``.

    Returns
    -------
    numpy.ndarray
        The relative errors.

    References
    ----------
    Eckart-Young theorem; used beside Choromanski et al. (2021), Lemma 1, since the Performer
    matrix with ``R`` features has rank at most ``R``.
    """
    Ma = check_array(M, "M")
    r = _ranks(ranks, "ranks")
    sv = np.linalg.svd(Ma, compute_uv=False)
    if sv[0] == 0:
        raise ValueError("M must be nonzero")
    tail = np.sqrt(np.maximum(np.cumsum((sv**2)[::-1])[::-1], 0.0))  # tail[i] = ||sv[i:]||
    tail = np.append(tail, 0.0)
    return tail[np.minimum(r, sv.size)] / tail[0]
