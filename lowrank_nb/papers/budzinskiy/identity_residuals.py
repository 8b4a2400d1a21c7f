"""How the entrywise error of a rank-k approximation of the identity is spread over its entries.

Used by the Explore section of Part I's gamma2 chapter: the JL sketch of ``I_n = I_n I_n^T``
(Theorem 1.3 with ``gamma_2(I_n) = 1``) against a rank-``k`` orthogonal projector, whose
trace forces a diagonal error of at least ``1 - k/n``.

References
----------
S. Budzinskiy, "When big data actually are low-rank, or entrywise approximation of certain
function-generated matrices", Theorem 1.3 and §1.1 (the gamma_2 norm; the identity matrix).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lowrank_nb.core.validate import check_int, check_rng
from lowrank_nb.papers.budzinskiy.embeddings.jl import jl_factors

__all__ = ["identity_residual_profiles", "sorted_entry_profile"]


def sorted_entry_profile(R: np.ndarray, fractions: Sequence[float]) -> np.ndarray:
    """The absolute entries of ``R`` sorted largest first, read at the given fractions.

    ``out[i]`` is the ``j``-th largest ``|R|`` entry with ``j = ceil(fractions[i] * R.size)``:
    the level that a share ``fractions[i]`` of the entries reaches or exceeds. The first value
    at fraction ``1 / R.size`` is ``||R||_max``.

    Parameters
    ----------
    R : ndarray
        Any shape, finite.
    fractions : sequence of float
        Each in ``(0, 1]``.

    Returns
    -------
    numpy.ndarray
        One level per fraction.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §1 (the max norm; this profile
    shows how far below it the other entries lie).
    """
    a = np.abs(np.asarray(R, dtype=float)).ravel()
    if a.size == 0 or not np.all(np.isfinite(a)):
        raise ValueError("R must be a non-empty finite array")
    f = np.asarray(fractions, dtype=float)
    if f.ndim != 1 or f.size == 0 or not np.all((f > 0) & (f <= 1)):
        raise ValueError("fractions must be a non-empty 1-d sequence of values in (0, 1]")
    # j-th largest = (size - j)-th smallest (0-based); ceil with a guard against 1e-16 excess
    j = np.clip(np.ceil(f * a.size - 1e-9).astype(int), 1, a.size)
    pos = a.size - j
    part = np.partition(a, np.unique(pos))
    return part[pos]


def identity_residual_profiles(n: int, k: int, fractions: Sequence[float], *,
                               rng: np.random.Generator | int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted residual entries of two rank-``k`` approximations of ``I_n``.

    The JL sketch ``U V^T`` with ``(U, V) = jl_factors(I_n, I_n, k, rng)`` (Gaussian, Theorem
    1.3 applied to the factorisation ``I_n = I_n I_n^T`` with unit rows) and the orthogonal
    projector ``Q Q^T`` onto a random ``k``-dimensional subspace (``Q`` from the QR of an
    ``n x k`` Gaussian drawn from ``rng`` after the sketch). For each residual
    ``I_n - G`` the absolute entries are sorted and read at ``fractions``
    (:func:`sorted_entry_profile`).

    Parameters
    ----------
    n : int >= 2
        Size of the identity.
    k : int in [1, n]
        Rank of both approximations.
    fractions : sequence of float
        Shares of the ``n^2`` entries, each in ``(0, 1]``.
    rng : numpy.random.Generator or int
        Source of the sketch and of the subspace (required: the result is random).

    Returns
    -------
    (jl, projector) : tuple of numpy.ndarray
        The two profiles, one value per fraction.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 1.3 and §1.1 (``gamma_2``;
    a rank-``k`` projector has ``||I - P||_max >= 1 - k/n`` since ``tr P = k``).
    """
    n = check_int(n, "n", minimum=2)
    k = check_int(k, "k", minimum=1, maximum=n)
    rng = check_rng(rng)
    eye = np.eye(n)
    U, V = jl_factors(eye, eye, k, rng)
    Q = np.linalg.qr(rng.standard_normal((n, k)))[0]
    return (sorted_entry_profile(eye - U @ V.T, fractions),
            sorted_entry_profile(eye - Q @ Q.T, fractions))
