"""The entrywise error of the truncated SVD at every rank, so that one SVD gives every eps-rank.

Used by the Explore section of Part I's function-generated chapter, where the SVD eps-rank of
``exp(M X Y^T)`` is compared with the rank bound of Eq. (1) for a whole slider of tolerances.

References
----------
S. Budzinskiy, "When big data actually are low-rank, or entrywise approximation of certain
function-generated matrices", §1 (the entrywise eps-rank, Eq. (1)) and §7 (the truncated-SVD
baseline).
"""

from __future__ import annotations

import numpy as np

from lowrank_nb.core.norms import svd_error_profile
from lowrank_nb.core.validate import check_array, check_positive, check_real

__all__ = ["eps_rank_from_profile", "svd_max_error_profile"]


def svd_max_error_profile(F: np.ndarray, *, floor: float = 0.0) -> np.ndarray:
    """Relative max-norm error ``||F - F_k||_max / ||F||_max`` of the truncated SVD, k = 0, 1, ...

    ``F_k`` is the rank-``k`` truncated SVD of ``F`` (``F_0 = 0``, so the first entry is 1).
    The profile stops at the first ``k`` whose error is at most ``floor`` (or at the full rank);
    every eps-rank with ``eps >= floor`` can then be read off it
    (:func:`eps_rank_from_profile`) instead of repeating the SVD per tolerance.

    Parameters
    ----------
    F : ndarray (n1, n2)
        Finite, not zero.
    floor : float in [0, 1), default 0
        Stop once the relative error is at most ``floor`` (0: the whole profile).

    Returns
    -------
    numpy.ndarray
        ``errors[k]`` for ``k = 0, ..., K`` where ``K`` is the first rank reaching ``floor``, or
        ``min(n1, n2)``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §1 (max-norm eps-rank, Eq. (1))
    and §7 (the truncated SVD as the baseline upper bound on the eps-rank).
    """
    Fa = check_array(F, "F")
    floor = check_real(floor, "floor", 0.0, 1.0)
    if floor >= 1.0:
        raise ValueError(f"floor must lie in [0, 1), got {floor}")
    top = float(np.abs(Fa).max())
    if top == 0.0:
        raise ValueError("F is zero: its error profile is undefined")
    return svd_error_profile(Fa, stop=floor * top) / top


def eps_rank_from_profile(profile: np.ndarray, eps: float) -> int:
    """The SVD eps-rank (smallest ``k`` with error ``<= eps``) read off an error profile.

    Parameters
    ----------
    profile : 1-d ndarray
        Output of :func:`svd_max_error_profile`.
    eps : float > 0
        Relative tolerance; it must not lie below the profile's last value unless that value
        is the full rank's (the caller chose ``floor <= eps``).

    Returns
    -------
    int
        The smallest ``k`` with ``profile[k] <= eps``, or ``len(profile) - 1`` if none (the
        profile then ends at the full rank).

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §1 (max-norm eps-rank).
    """
    p = np.asarray(profile, dtype=float)
    if p.ndim != 1 or p.size == 0:
        raise ValueError("profile must be a non-empty 1-d array")
    eps = check_positive(eps, "eps")
    hit = np.flatnonzero(p <= eps)
    return int(hit[0]) if hit.size else p.size - 1
