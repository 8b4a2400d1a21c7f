"""The attention matrix as an entrywise low-rank object (Budzinskiy, §1.3)."""

from __future__ import annotations

import numpy as np

from lowrank_nb.core.softmax import trig_random_features
from lowrank_nb.core.validate import check_array, check_positive

__all__ = [
    "attention_from_matrix",
    "attention_transfer_bounds",
    "exp_logits",
    "trig_softmax_factors",
]


def exp_logits(Q: np.ndarray, K: np.ndarray, *, scale: float | None = None) -> np.ndarray:
    """The unnormalised attention matrix ``A = exp(Q K^T * scale)``, ``scale = 1/sqrt(m)``.

    No shift is applied: §1.3 of Budzinskiy studies ``A`` itself (its entrywise low-rank
    approximation), so logits above about 709 raise ``ValueError`` instead of overflowing.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §1.3.
    """
    Qa, Ka = check_array(Q, "Q"), check_array(K, "K")
    if Qa.shape[1] != Ka.shape[1]:
        raise ValueError(f"Q and K must have the same width, got {Qa.shape[1]} and {Ka.shape[1]}")
    s = 1.0 / np.sqrt(Qa.shape[1]) if scale is None else float(scale)
    if not np.isfinite(s) or s <= 0:
        raise ValueError(f"scale must be finite and > 0, got {scale}")
    L = (Qa @ Ka.T) * s
    if L.max() > 700.0:
        raise ValueError(f"Q, K: logits up to {L.max():.1f} would overflow exp (limit 700)")
    return np.exp(L)


def attention_from_matrix(A: np.ndarray, V: np.ndarray) -> np.ndarray:
    """``D^{-1} A V`` with ``D = diag(A 1)``, for any matrix ``A`` with positive row sums.

    Used to push an approximation ``G`` of ``A`` through the normalisation (§1.3).

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §1.3 (definition of Att).
    """
    Aa, Va = check_array(A, "A"), check_array(V, "V")
    if Aa.shape[1] != Va.shape[0]:
        raise ValueError(f"V must have {Aa.shape[1]} rows, got {Va.shape[0]}")
    d = Aa.sum(axis=1)
    if np.any(d <= 0):
        raise ValueError("A must have positive row sums (an approximation G may violate this)")
    return (Aa @ Va) / d[:, None]


def trig_softmax_factors(
    Q: np.ndarray, K: np.ndarray, Omega: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Factors ``L R^T ~ exp(Q K^T)`` from trigonometric random features.

    ``exp(q.k) = exp(|q|^2/2) exp(|k|^2/2) exp(-|q - k|^2/2)`` and the Gaussian factor is
    ``E cos(omega.(q - k))`` for ``omega ~ N(0, I)`` (Rahimi-Recht), so
    ``L = exp(|q|^2/2) [cos, sin](Q Omega) / sqrt(k)`` and likewise ``R``. Scale ``Q`` and
    ``K`` by ``m**-0.25`` first for softmax attention.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §1.3, §4 (rank-one Hadamard
    factors) and Theorem 5.2; A. Rahimi and B. Recht (2007).
    """
    Qa, Ka = check_array(Q, "Q"), check_array(K, "K")
    L = trig_random_features(Qa, Omega) * np.exp(0.5 * np.sum(Qa**2, axis=1))[:, None]
    R = trig_random_features(Ka, Omega) * np.exp(0.5 * np.sum(Ka**2, axis=1))[:, None]
    return L, R


def attention_transfer_bounds(A: np.ndarray, delta: float, V: np.ndarray) -> dict[str, float]:
    """Bounds on ``|Att(G) - Att(A)|_max`` for every ``G`` with ``|A - G|_max <= delta``.

    Row ``i`` of ``Att(G) - Att(A)`` equals ``sum_j E_ij (v_j - Att(A)_i) / s_G`` with
    ``E = G - A`` and ``s_G = sum_j G_ij >= n (mean_j A_ij - delta)``. Hence

    * ``"spec"``: ``2 delta |V|_max / (a_min - delta)`` (needs ``delta < min A``);
    * ``"sharp"``: ``delta * w / (min_i mean_j A_ij - delta)`` with ``w`` the largest column
      range ``max_j V_jc - min_j V_jc`` (needs ``delta < min_i mean_j A_ij``).

    A bound is ``inf`` where its condition fails.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §1.3; the bound is derived in
    the book (spec [derived]), not stated in the paper.
    """
    Aa, Va = check_array(A, "A"), check_array(V, "V")
    delta = check_positive(delta, "delta", allow_zero=True)
    if np.any(Aa <= 0):
        raise ValueError("A must be entrywise positive (an attention matrix exp(...))")
    a_min, row_mean = float(Aa.min()), float(Aa.mean(axis=1).min())
    vmax = float(np.max(np.abs(Va)))
    width = float(np.max(Va.max(axis=0) - Va.min(axis=0)))
    spec = 2 * delta * vmax / (a_min - delta) if delta < a_min else np.inf
    sharp = delta * width / (row_mean - delta) if delta < row_mean else np.inf
    return {"spec": spec, "sharp": sharp}


