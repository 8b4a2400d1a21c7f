"""Residual profiles of alternating projections and of the truncated SVD (§7.1).

The max-norm error of a rank-``r`` approximation is the top of its residual's entry profile.
Alternating projections flatten that profile (most entries of ``F - Phi`` sit near ``+-eps``,
equioscillation), while the truncated SVD leaves a few large entries. Used by the Explore
section of Part II's alternating-projections chapter.

References
----------
S. Budzinskiy, "When big data actually are low-rank, or entrywise approximation of certain
function-generated matrices", §7.1 (alternating projections, the author's ``lrma_ap``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lowrank_nb.core.validate import check_array, check_int
from lowrank_nb.papers.budzinskiy.altproj import lrma_ap

__all__ = ["ap_residual_profiles"]


def ap_residual_profiles(F: np.ndarray, r: int, fractions: Sequence[float], *,
                         rng: np.random.Generator | int,
                         method: str = "reference") -> tuple[np.ndarray, np.ndarray]:
    """Sorted residual entries of AP and of the truncated SVD, relative to ``||F||_max``.

    For each ``q`` in ``fractions`` the profile holds the value that a fraction ``q`` of the
    entries of ``|F - Phi|`` reach: the ``1 - q`` quantile of ``|F - Phi| / ||F||_max``. At
    ``q = 0`` it is the relative max error, at ``q = 1`` the smallest entry.

    Parameters
    ----------
    F : ndarray, shape (n1, n2), finite, not zero
    r : int in [1, min(n1, n2)]
        Rank of both approximations.
    fractions : sequence of float in [0, 1], non-empty
        Fractions of entries at which the profiles are read.
    rng : numpy.random.Generator or int (required keyword)
        Seeds the AP start (see :func:`lowrank_nb.papers.budzinskiy.altproj.lrma_ap`).
    method : {"reference", "fast", "numba"}
        AP variant; "reference" (a full SVD per step) is the fastest below ``n`` of about 40.

    Returns
    -------
    (ap, svd) : tuple of ndarray, each of shape ``(len(fractions),)``
        The profiles of AP's best iterate and of the rank-``r`` truncated SVD.

    Raises
    ------
    TypeError
        If ``rng`` is missing.
    ValueError
        If ``F`` is zero or not finite, ``r`` is out of range, or a fraction is outside
        ``[0, 1]``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7.1 (AP between the rank-``r``
    matrices and the max-norm ball; the truncated SVD as the baseline of Figures 2-3).
    """
    Fa = check_array(F, "F", ndim=2)
    r = check_int(r, "r", minimum=1, maximum=min(Fa.shape))
    q = check_array(list(fractions), "fractions", ndim=1)
    if q.size == 0 or np.any((q < 0) | (q > 1)):
        raise ValueError("fractions must be a non-empty sequence of numbers in [0, 1]")
    if rng is None:
        raise TypeError("rng must be a numpy.random.Generator or a non-negative int seed, "
                        "got None (results must be reproducible)")
    top = float(np.abs(Fa).max())
    if top == 0.0:
        raise ValueError("F must not be the zero matrix")
    ap = lrma_ap(Fa, r, rng=rng, method=method)
    U, s, Vt = np.linalg.svd(Fa, full_matrices=False)
    residuals = (Fa - ap.U @ ap.V.T, Fa - (U[:, :r] * s[:r]) @ Vt[:r])
    return tuple(np.quantile(np.abs(R) / top, 1.0 - q) for R in residuals)
