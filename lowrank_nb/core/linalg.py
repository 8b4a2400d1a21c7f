"""Orthonormal bases and truncated SVDs: the dense linear algebra the papers share."""

from __future__ import annotations

import numpy as np

from lowrank_nb.core.validate import check_array, check_positive

__all__ = ["orthonormal_basis", "truncated_svd"]


def orthonormal_basis(Z: np.ndarray) -> np.ndarray:
    """Orthonormal ``Q`` (n x min(n, k)) from the reduced QR of ``Z`` (n x k).

    Parameters
    ----------
    Z : ndarray (n, k), finite

    Returns
    -------
    ndarray (n, min(n, k)) with ``Q^T Q = I``; its first ``j`` columns span the first ``j``
    columns of ``Z`` when those are independent.

    References
    ----------
    G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., §5.2 (thin QR); used by
    the random starts of Vodrahalli et al., Algorithm 1 (ReLU SVD refinement).
    """
    return np.linalg.qr(check_array(Z, "Z", ndim=2))[0]


def truncated_svd(X: np.ndarray, rcond: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Thin SVD of ``X`` without the singular values at or below ``rcond * s_max``.

    Parameters
    ----------
    X : ndarray (n, m), finite, not zero
    rcond : float >= 0
        Relative cut-off.

    Returns
    -------
    (U_k, s_k, Vt_k)
        ``U_k`` (n, k) and ``Vt_k`` (k, m) with orthonormal columns/rows, ``s_k`` (k,), k >= 1.

    References
    ----------
    S. Zhang and R. Saab, Theorem 3.1 (the estimator computed from the thin SVD of the data).
    """
    Xa = check_array(X, "X", ndim=2)
    rcond = check_positive(rcond, "rcond", allow_zero=True)
    U, s, Vt = np.linalg.svd(Xa, full_matrices=False)
    k = max(1, int(np.sum(s > rcond * s[0]))) if s[0] > 0 else 0
    if k == 0:
        raise ValueError("X must not be the zero matrix")
    return U[:, :k], s[:k], Vt[:k]
