"""Realised error of the JL sketch of Theorem 1.3 against its width, at any dimension m.

Used by the Explore section of Part I's jl_maxnorm chapter. Two pieces:

* :func:`ball_points_span`: ``n1 + n2`` points uniform in the unit ball of ``R^m``, written in
  orthonormal coordinates of a ``min(m, n1 + n2)``-dimensional subspace that contains them. For
  ``m > n1 + n2`` the subspace coordinates are drawn directly (Bartlett decomposition of a
  Gaussian matrix), so the cost does not grow with ``m``; all inner products, norms and
  Gaussian sketches have exactly the same joint law as for points drawn in ``R^m``.
* :func:`jl_error_curve`: the realised relative max error of one Gaussian sketch, read at
  several widths (the leading ``k`` columns of one sketch are a width-``k`` sketch).

References
----------
S. Budzinskiy, "When big data actually are low-rank, or entrywise approximation of certain
function-generated matrices", Theorem 1.3 and Eq. (2) (JL sketch in the max norm), §7 (points
uniform in the unit ball).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lowrank_nb.core.sampling import sample_ball
from lowrank_nb.core.validate import check_array, check_int, check_rng, check_same_width

__all__ = ["ball_points_span", "jl_error_curve", "sketch_error_curve"]


def ball_points_span(n1: int, n2: int, m: int, *,
                     rng: np.random.Generator | int) -> tuple[np.ndarray, np.ndarray]:
    """Points uniform in the unit ball of ``R^m``, in coordinates of a subspace holding them.

    For ``m <= n1 + n2`` this is ``sample_ball(n1, m, rng=rng), sample_ball(n2, m, rng=rng)``.
    For ``m > n1 + n2`` the ``N = n1 + n2`` Gaussian directions ``Z`` (``N x m``) are written as
    ``Z = L Q^T`` with ``Q`` an ``m x N`` Haar-distributed orthonormal frame and ``L`` lower
    triangular with independent entries ``L_ii ~ chi_{m-i}`` (``i = 0, ..., N-1``) and
    ``L_ij ~ N(0, 1)`` below the diagonal (Bartlett decomposition); ``L`` is drawn directly and
    its rows, normalised and scaled by radii ``U^{1/m}``, are the points in the coordinates of
    ``Q``. The Gram matrix of the points, and ``(A R, B R)`` for a Gaussian ``m x k`` matrix
    ``R`` (equal in law to the same products with an ``N x k`` Gaussian matrix), have exactly the
    law of points drawn in ``R^m``; the draws themselves differ from ``sample_ball``'s.

    Parameters
    ----------
    n1, n2 : int >= 1
        Numbers of points.
    m : int >= 1
        Dimension of the ball.
    rng : numpy.random.Generator or int
        Source of the points (required: the result is random).

    Returns
    -------
    (A, B) : tuple of numpy.ndarray
        Shapes ``(n1, d)`` and ``(n2, d)`` with ``d = min(m, n1 + n2)``; rows of norm ``< 1``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7 (points uniform in the unit
    ball) and Theorem 1.3 (its bound does not depend on ``m``).
    """
    n1 = check_int(n1, "n1")
    n2 = check_int(n2, "n2")
    m = check_int(m, "m")
    rng = check_rng(rng)
    N = n1 + n2
    if m <= N:
        return sample_ball(n1, m, rng=rng), sample_ball(n2, m, rng=rng)
    L = np.tril(rng.standard_normal((N, N)), -1)
    L[np.diag_indices(N)] = np.sqrt(rng.chisquare(m - np.arange(N)))
    radii = rng.random(N) ** (1.0 / m)
    P = L * (radii / np.linalg.norm(L, axis=1))[:, None]
    return P[:n1], P[n1:]


def jl_error_curve(A: np.ndarray, B: np.ndarray, ks: Sequence[int], *,
                   rng: np.random.Generator | int) -> np.ndarray:
    """Realised ``||A B^T - U V^T||_max / (||A||_{2,inf} ||B||_{2,inf})`` at each width ``k``.

    One Gaussian ``R`` (``m x max(ks)``) is drawn; the width-``k`` sketch uses its leading
    ``k`` columns, ``U = A R_k / sqrt(k)``, ``V = B R_k / sqrt(k)`` (as
    :func:`~lowrank_nb.papers.budzinskiy.embeddings.jl.jl_factors`); see
    :func:`sketch_error_curve`.

    Parameters
    ----------
    A : ndarray (n1, m)
    B : ndarray (n2, m)
        Factors of ``F = A B^T``, not zero.
    ks : sequence of int
        Widths, strictly increasing, each ``>= 1``.
    rng : numpy.random.Generator or int
        Source of the sketch (required: the result is random).

    Returns
    -------
    numpy.ndarray
        The realised relative error (the ``eps`` of Theorem 1.3) per width.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 1.3 and Eq. (2).
    """
    Aa = check_array(A, "A")
    Ba = check_array(B, "B")
    check_same_width(Aa, Ba, "A", "B")
    rng = check_rng(rng)
    k_arr = _check_widths(ks)
    R = rng.standard_normal((Aa.shape[1], int(k_arr[-1])))
    return sketch_error_curve(Aa, Ba, Aa @ R, Ba @ R, k_arr)


def sketch_error_curve(A: np.ndarray, B: np.ndarray, AR: np.ndarray, BR: np.ndarray,
                       ks: Sequence[int]) -> np.ndarray:
    """The relative max error of the sketches ``(AR_k)(BR_k)^T / k`` for each width ``k``.

    ``AR`` and ``BR`` are ``A R`` and ``B R`` for one sketching matrix ``R`` of width at least
    ``max(ks)`` (passed in, so that a caller can reuse them for row subsets of ``A`` and
    ``B``); the width-``k`` sketch uses their leading ``k`` columns, and the products are
    accumulated from one width to the next.

    Parameters
    ----------
    A : ndarray (n1, m)
    B : ndarray (n2, m)
        Factors of ``F = A B^T``, not zero.
    AR : ndarray (n1, K)
    BR : ndarray (n2, K)
        The sketched factors, ``K >= max(ks)``.
    ks : sequence of int
        Widths, strictly increasing, each ``>= 1``.

    Returns
    -------
    numpy.ndarray
        ``||A B^T - AR_k BR_k^T / k||_max / (||A||_{2,inf} ||B||_{2,inf})`` per width.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 1.3 and Eq. (2).
    """
    Aa, Ba = check_array(A, "A"), check_array(B, "B")
    check_same_width(Aa, Ba, "A", "B")
    ARa, BRa = check_array(AR, "AR"), check_array(BR, "BR")
    k_arr = _check_widths(ks)
    if (ARa.shape[0] != Aa.shape[0] or BRa.shape[0] != Ba.shape[0]
            or min(ARa.shape[1], BRa.shape[1]) < k_arr[-1]):
        raise ValueError(f"AR and BR must have the rows of A and B and at least max(ks) = "
                         f"{int(k_arr[-1])} columns, got {ARa.shape} and {BRa.shape}")
    scale = float(np.linalg.norm(Aa, axis=1).max() * np.linalg.norm(Ba, axis=1).max())
    if scale == 0.0:
        raise ValueError("A and B must not be zero")
    F = Aa @ Ba.T
    S = np.zeros_like(F)
    out, prev = np.empty(k_arr.size), 0
    for i, k in enumerate(k_arr):
        S += ARa[:, prev:k] @ BRa[:, prev:k].T
        prev = int(k)
        out[i] = np.abs(F - S / k).max() / scale
    return out


def _check_widths(ks: Sequence[int]) -> np.ndarray:
    k_arr = np.asarray(ks)
    if (k_arr.ndim != 1 or k_arr.size == 0 or not np.issubdtype(k_arr.dtype, np.integer)
            or k_arr[0] < 1 or np.any(np.diff(k_arr) <= 0)):
        raise ValueError("ks must be a non-empty, strictly increasing sequence of ints >= 1")
    return k_arr
