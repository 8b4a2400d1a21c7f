"""Entrywise norms and a fused max-norm residual for function-generated matrices.

The residual ``max_ij |f(x_i, y_j) - u_i . v_j|`` is the quantity every theorem of the
entrywise paper bounds. :func:`generated_residual_max` computes it without ever forming the
``n x n`` matrix: a Numba kernel visits each entry once, in O(n (m + r)) memory.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numba import njit
from scipy.linalg.blas import dger

from lowrank_nb.core.kernels import sqdist
from lowrank_nb.core.validate import (
    check_array,
    check_eps,
    check_int,
    check_positive,
    check_same_width,
)

__all__ = [
    "KERNELS",
    "ball_excess",
    "factor_norm",
    "gamma2_bounds",
    "generated_residual_max",
    "max_norm",
    "svd_delta_rank",
    "svd_delta_ranks",
    "svd_eps_rank",
    "svd_error_profile",
    "two_inf_norm",
]

# Functions of the squared distance d = |x - y|^2 that the fused kernel knows by name.
KERNELS = {"f1": 0, "f2": 1, "gaussian": 2}


def max_norm(A: np.ndarray) -> float:
    """The max norm ``||A||_max = max_ij |A_ij|`` (entrywise Chebyshev norm).

    Parameters
    ----------
    A : array_like, 1-D to 3-D, finite

    Returns
    -------
    float

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §1 (definition of ||.||_max).
    """
    return float(np.max(np.abs(check_array(A, "A", ndim=(1, 2, 3)))))


def two_inf_norm(A: np.ndarray) -> float:
    """The largest row 2-norm ``||A||_{2,inf} = max_i ||A(i, :)||_2``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 1.3.
    """
    Aa = check_array(A, "A")
    return float(np.sqrt(np.max(np.einsum("ij,ij->i", Aa, Aa))))


def factor_norm(A: np.ndarray, B: np.ndarray) -> float:
    """The scale ``||A||_{2,inf} ||B||_{2,inf}`` against which Theorem 1.3 measures error.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 1.3 and the gamma_2 norm.
    """
    Aa = check_array(A, "A")
    Ba = check_array(B, "B")
    check_same_width(Aa, Ba, "A", "B")
    return two_inf_norm(Aa) * two_inf_norm(Ba)


def gamma2_bounds(F: np.ndarray) -> tuple[float, float]:
    """Lower and upper bounds on the factorisation norm ``gamma_2(F)``.

    ``gamma_2(F) = inf { ||A||_{2,inf} ||B||_{2,inf} : F = A B^T }``.

    * lower: ``max(||F||_max, ||F||_* / sqrt(n1 n2))`` (both classical lower bounds);
    * upper: the balanced SVD factors ``A = U S^{1/2}``, ``B = V S^{1/2}``; for a symmetric
      positive semidefinite F, ``max_i F_ii``, which then equals the lower bound.

    Returns
    -------
    (lower, upper) : tuple of float

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §1.2 (gamma_2 norm) and
    Remark 5.3; N. Linial, S. Mendelson, G. Schechtman, A. Shraibman, "Complexity measures of
    sign matrices" (2007).
    """
    Fa = check_array(F, "F")
    n1, n2 = Fa.shape
    U, s, Vt = np.linalg.svd(Fa, full_matrices=False)
    lower = max(float(np.abs(Fa).max()), float(s.sum()) / np.sqrt(n1 * n2))
    root = np.sqrt(s)
    upper = two_inf_norm(U * root) * two_inf_norm(Vt.T * root)
    if n1 == n2 and np.allclose(Fa, Fa.T, rtol=0, atol=1e-13 * lower):
        # PSD up to round-off: F = L L^T and every row of L has norm sqrt(F_ii).
        if np.linalg.eigvalsh((Fa + Fa.T) / 2).min() >= -1e-12 * s[0]:
            upper = min(upper, float(np.max(np.diag(Fa))))
    return lower, max(upper, lower)


@njit(cache=True)
def _apply_h(code: int, d: np.ndarray, out: np.ndarray) -> None:
    # The branch is hoisted out of the element loop so each loop stays simple and vectorisable.
    if code == 0:
        for j in range(d.size):
            out[j] = np.exp(-np.sqrt(d[j]))
    elif code == 1:
        for j in range(d.size):
            out[j] = np.exp(-d[j] * d[j])
    else:
        for j in range(d.size):
            out[j] = np.exp(-d[j])


@njit(cache=True)
def _residual_max_numba(code: int, X, Yt, U, Vt, symmetric: bool) -> float:
    # Row by row: for row i, distances and low-rank values for all j are accumulated in
    # contiguous length-n2 buffers (Y and V are passed transposed), which the compiler
    # vectorises without fastmath. The max/abs reduction is a plain loop that sees every
    # entry, NaN included, in order.
    n1, m = X.shape
    n2 = Yt.shape[1]
    r = U.shape[1]
    d = np.empty(n2)
    g = np.empty(n2)
    f = np.empty(n2)
    best = 0.0
    for i in range(n1):
        d[:] = 0.0
        for a in range(m):
            xa = X[i, a]
            for j in range(n2):
                diff = xa - Yt[a, j]
                d[j] += diff * diff
        if symmetric:
            d[i] = 0.0  # exact zero distance on the diagonal
        g[:] = 0.0
        for k in range(r):
            uk = U[i, k]
            for j in range(n2):
                g[j] += uk * Vt[k, j]
        _apply_h(code, d, f)
        for j in range(n2):
            e = abs(f[j] - g[j])
            if e > best or e != e:
                best = e
    return best


def _residual_max_numpy(code: int, X, Y, U, V, symmetric: bool) -> float:

    h = (
        (lambda d: np.exp(-np.sqrt(d)))
        if code == 0
        else (lambda d: np.exp(-d * d))
        if code == 1
        else (lambda d: np.exp(-d))
    )
    D = sqdist(X, X if symmetric else Y)
    return float(np.max(np.abs(h(D) - U @ V.T)))


def generated_residual_max(
    kernel: Literal["f1", "f2", "gaussian"],
    X: np.ndarray,
    Y: np.ndarray,
    U: np.ndarray,
    V: np.ndarray,
    *,
    method: Literal["numba", "numpy"] = "numba",
) -> float:
    """Return ``max_ij |h(|x_i - y_j|^2) - U(i,:) . V(j,:)|`` without forming F.

    Parameters
    ----------
    kernel : {"f1", "f2", "gaussian"}
        ``f1 = exp(-|x-y|)``, ``f2 = exp(-|x-y|^4)``, ``gaussian = exp(-|x-y|^2)``.
    X : ndarray (n1, m)
    Y : ndarray (n2, m)
        Pass the same object as ``X`` for symmetric sampling: the diagonal distance is then
        exactly zero.
    U : ndarray (n1, r)
    V : ndarray (n2, r)
    method : {"numba", "numpy"}
        ``"numba"`` is the fused kernel (O(n (m + r)) memory); ``"numpy"`` is the dense
        reference path used in tests and benchmarks.

    Returns
    -------
    float

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §1 (max norm) and §7 (test
    functions f1, f2).
    """
    if kernel not in KERNELS:
        raise ValueError(f"kernel must be one of {sorted(KERNELS)}, got {kernel!r}")
    if method not in ("numba", "numpy"):
        raise ValueError(f"method must be 'numba' or 'numpy', got {method!r}")
    symmetric = Y is X
    Xa = check_array(X, "X")
    Ya = Xa if symmetric else check_array(Y, "Y")
    Ua = check_array(U, "U")
    Va = check_array(V, "V")
    if Xa.shape[1] != Ya.shape[1]:
        raise ValueError(f"X and Y must have the same number of columns, got "
                         f"{Xa.shape[1]} and {Ya.shape[1]}")
    check_same_width(Ua, Va, "U", "V")
    if Ua.shape[0] != Xa.shape[0] or Va.shape[0] != Ya.shape[0]:
        raise ValueError(f"U must have {Xa.shape[0]} rows and V {Ya.shape[0]} rows, got "
                         f"{Ua.shape[0]} and {Va.shape[0]}")
    code = KERNELS[kernel]
    if method == "numpy":
        return _residual_max_numpy(code, Xa, Ya, Ua, Va, symmetric)
    Yt, Vt = np.ascontiguousarray(Ya.T), np.ascontiguousarray(Va.T)
    return float(_residual_max_numba(code, np.ascontiguousarray(Xa), Yt,
                                     np.ascontiguousarray(Ua), Vt, symmetric))


def svd_delta_rank(F: np.ndarray, delta: float) -> int:
    """Smallest r with ``||F - F_r||_max <= delta`` for the truncated SVD ``F_r`` (absolute).

    Rank-one terms are subtracted one at a time, so all ranks cost O(n^3) in total, the price
    of the SVD itself. The result upper-bounds the max-norm delta-rank of F (a witness, to set
    beside the certified lower bounds of :mod:`lowrank_nb.core.certify`).

    Parameters
    ----------
    F : ndarray (n1, n2), finite
    delta : float >= 0

    Returns
    -------
    int in ``[0, min(n1, n2)]``

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §1 (entrywise eps-rank) and §7
    (the truncated-SVD baseline); C. Eckart and G. Young (1936).
    """
    Fa = check_array(F, "F")
    delta = check_positive(delta, "delta", allow_zero=True)
    return _svd_rank_below(Fa, delta)


def svd_eps_rank(F: np.ndarray, eps: float) -> int:
    """Smallest r with ``||F - F_r||_max <= eps ||F||_max`` for the truncated SVD ``F_r``.

    The relative form of :func:`svd_delta_rank` (``delta = eps ||F||_max``).

    Parameters
    ----------
    F : ndarray (n1, n2), finite, not zero
    eps : float in (0, 1)

    Returns
    -------
    int

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §1 (entrywise eps-rank) and §7
    (the truncated-SVD baseline).
    """
    Fa = check_array(F, "F")
    eps = check_eps(eps)
    target = eps * float(np.abs(Fa).max())
    if target == 0.0:
        raise ValueError("F is zero: its eps-rank is 0 for every eps")
    return _svd_rank_below(Fa, target)


def _svd_rank_below(Fa: np.ndarray, target: float) -> int:
    return int(svd_error_profile(Fa, stop=target).size - 1)


def svd_error_profile(F: np.ndarray, *, stop: float | None = None,
                      max_rank: int | None = None) -> np.ndarray:
    """Max-norm errors ``||F - F_r||_max`` of the truncated SVD ``F_r``, r = 0, 1, ..., one SVD.

    The book's one implementation of the truncated-SVD max-norm error: rank-one terms are
    subtracted in place one at a time (BLAS ``dger``), so every rank costs O(n1 n2) after the
    SVD. :func:`svd_delta_rank`, :func:`svd_eps_rank`, :func:`svd_delta_ranks` and the papers'
    profiles and scans read their ranks and errors off this profile.

    Parameters
    ----------
    F : ndarray (n1, n2), finite
        Not modified.
    stop : float >= 0, optional
        Stop after the first rank whose error is at most ``stop`` (default: never).
    max_rank : int in [0, min(n1, n2)], optional
        Last rank recorded (default ``min(n1, n2)``).

    Returns
    -------
    numpy.ndarray
        ``errors[r]`` for ``r = 0, ..., K`` (``errors[0] = ||F||_max``), where ``K`` is the
        first rank with error at most ``stop``, or ``max_rank``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §1 (entrywise eps-rank) and §7
    (the truncated-SVD baseline); C. Eckart and G. Young (1936).
    """
    Fa = check_array(F, "F")
    if stop is not None:
        stop = check_positive(stop, "stop", allow_zero=True)
    U, s, Vt = np.linalg.svd(Fa, full_matrices=False)
    last = s.size if max_rank is None else check_int(max_rank, "max_rank", minimum=0,
                                                     maximum=s.size)
    E = np.array(Fa, dtype=float, order="F")  # a copy: dger overwrites it
    out = np.empty(last + 1)
    for r in range(last + 1):
        out[r] = np.abs(E).max()
        if r == last or (stop is not None and out[r] <= stop):
            return out[: r + 1]
        # In-place rank-one update (BLAS dger) avoids allocating an n1 x n2 outer product.
        E = dger(-s[r], U[:, r], Vt[r], a=E, overwrite_a=True)
    return out


def svd_delta_ranks(F: np.ndarray, deltas: np.ndarray) -> np.ndarray:
    """:func:`svd_delta_rank` at every ``delta`` of ``deltas``, from one SVD and one profile.

    Parameters
    ----------
    F : ndarray (n1, n2), finite
    deltas : 1-d array of float >= 0, non-empty

    Returns
    -------
    numpy.ndarray of int
        For each ``delta`` the smallest ``r`` with ``||F - F_r||_max <= delta``, the same
        value (bit for bit: the same downdates) as ``svd_delta_rank(F, delta)``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §1 and §7.
    """
    d = check_array(deltas, "deltas", ndim=1)
    if d.size == 0 or np.any(d < 0):
        raise ValueError("deltas must be a non-empty 1-d array of values >= 0")
    prof = svd_error_profile(F, stop=float(d.min()))
    below = prof[None, :] <= d[:, None]
    # the first rank within delta; a delta never met takes the last rank of the profile
    return np.where(below.any(axis=1), below.argmax(axis=1), prof.size - 1)


@njit(cache=True)
def _ball_excess_csr(R: np.ndarray, eps: float, cap: int):
    # S = R - clip(R, -eps, eps) as CSR, in one pass over R; nnz = -1 once more than cap
    # entries exceed eps (the caller then clips densely instead). No reductions here, so no
    # fastmath question arises; the comparisons see NaN as "not exceeding".
    n1, n2 = R.shape
    indptr = np.empty(n1 + 1, np.int64)
    indices = np.empty(cap, np.int64)
    values = np.empty(cap)
    nnz = 0
    indptr[0] = 0
    for i in range(n1):
        for j in range(n2):
            e = R[i, j]
            if e > eps:
                s = e - eps
            elif e < -eps:
                s = e + eps
            else:
                continue
            if nnz == cap:
                return indptr, indices, values, -1
            indices[nnz] = j
            values[nnz] = s
            nnz += 1
        indptr[i + 1] = nnz
    return indptr, indices, values, nnz


@njit(cache=True)
def _residual_excess_csr(R: np.ndarray, F: np.ndarray, eps: float, cap: int):
    # R <- R - F in place (R holds the approximation), max|R|, and the CSR of
    # S = R - clip(R, -eps, eps) in the same pass: the residual pass of an AP step fused with
    # the extraction for the next step (used when that step keeps the level eps). nnz = -1
    # once more than cap entries exceed eps; R and the max are still complete then. The max
    # is a plain ordered loop (no fastmath) that keeps a NaN once seen, like np.max.
    n1, n2 = R.shape
    indptr = np.empty(n1 + 1, np.int64)
    indices = np.empty(cap, np.int64)
    values = np.empty(cap)
    nnz = 0
    best = 0.0
    indptr[0] = 0
    for i in range(n1):
        for j in range(n2):
            e = R[i, j] - F[i, j]
            R[i, j] = e
            a = abs(e)
            if a > best or a != a:
                best = a
            if nnz < 0 or not a > eps:  # a NaN is never "beyond eps", as in _ball_excess_csr
                continue
            if nnz == cap:
                nnz = -1
                continue
            indices[nnz] = j
            values[nnz] = e - eps if e > 0 else e + eps
            nnz += 1
        if nnz >= 0:
            indptr[i + 1] = nnz
    return best, indptr, indices, values, nnz


def ball_excess(R: np.ndarray, eps: float, *, method: Literal["numba", "numpy"] = "numba"):
    """The part of ``R`` outside ``[-eps, eps]``, ``S = R - clip(R, -eps, eps)``, as CSR arrays.

    The clip of the max-norm ball projection changes only the entries with ``|R_ij| > eps``;
    after it, ``F + clip(R) = U V^T - S`` when ``R = U V^T - F``. Near the end of an AP level
    only a few percent of the entries exceed ``eps``, so ``S`` is sparse and the sketch of
    the next rank projection costs O(nnz k) instead of O(n1 n2 k) (``lrma_ap(...,
    method="numba")`` applies it with ``scipy.sparse``).

    Parameters
    ----------
    R : ndarray (n1, n2), finite
    eps : float >= 0
    method : {"numba", "numpy"}
        ``"numba"``: one fused pass; ``"numpy"``: the dense reference path (``np.clip``,
        subtraction, ``np.nonzero``).

    Returns
    -------
    indptr : ndarray of int64 (n1 + 1,)
    indices : ndarray of int64 (nnz,)
    values : ndarray of float (nnz,)

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7.1 (the projection onto
    ``B_eps(F)``).
    """
    Ra = check_array(R, "R", ndim=2)
    eps = check_positive(eps, "eps", allow_zero=True)
    if method not in ("numba", "numpy"):
        raise ValueError(f"method must be 'numba' or 'numpy', got {method!r}")
    if method == "numpy":
        S = Ra - np.clip(Ra, -eps, eps)
        rows, cols = np.nonzero(S)
        indptr = np.zeros(Ra.shape[0] + 1, np.int64)
        np.cumsum(np.bincount(rows, minlength=Ra.shape[0]), out=indptr[1:])
        return indptr, cols.astype(np.int64), S[rows, cols]
    indptr, indices, values, nnz = _ball_excess_csr(np.ascontiguousarray(Ra), eps, Ra.size)
    return indptr, indices[:nnz], values[:nnz]
