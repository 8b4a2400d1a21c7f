"""Residual profiles of alternating projections and of the truncated SVD (§7.1).

The max-norm error of a rank-``r`` approximation is the top of its residual's entry profile.
Alternating projections flatten that profile (most entries of ``F - Phi`` sit near ``+-eps``,
equioscillation), while the truncated SVD leaves a few large entries. Used by the Explore
section of Part II's alternating-projections chapter, whose two figures read the same runs:
with an int seed a run is cached (keyed by the matrix's bytes, the rank, the seed and the
method), so the residual profile and the bracket trace of one setting cost one AP run.

References
----------
S. Budzinskiy, "When big data actually are low-rank, or entrywise approximation of certain
function-generated matrices", §7.1 (alternating projections, the author's ``lrma_ap``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from lowrank_nb.core.validate import check_array, check_int
from lowrank_nb.papers.budzinskiy.altproj import APResult, lrma_ap

__all__ = ["ap_bracket_trace", "ap_residual_profiles"]


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
    top = float(np.abs(Fa).max())
    if top == 0.0:
        raise ValueError("F must not be the zero matrix")
    ap = _run(Fa, r, rng, method)
    U, s, Vt = np.linalg.svd(Fa, full_matrices=False)
    residuals = (Fa - ap.U @ ap.V.T, Fa - (U[:, :r] * s[:r]) @ Vt[:r])
    return tuple(np.quantile(np.abs(R) / top, 1.0 - q) for R in residuals)


def _run(F: np.ndarray, r: int, rng, method: str) -> APResult:
    # int seeds are deterministic, so their runs are cached; a Generator is used once
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return _cached_run(F.tobytes(), F.shape, r, int(rng), method)
    return lrma_ap(F, r, rng=rng, method=method, trace=True)


@lru_cache(maxsize=512)
def _cached_run(data: bytes, shape: tuple[int, int], r: int, seed: int, method: str) -> APResult:
    F = np.frombuffer(data, dtype=float).reshape(shape)
    return lrma_ap(F, r, rng=seed, method=method, trace=True)


def ap_bracket_trace(F: np.ndarray, r: int, steps: Sequence[int], *,
                     rng: np.random.Generator | int,
                     method: str = "reference") -> dict[str, np.ndarray]:
    """The bracket search of an AP run, read at fixed step numbers, relative to ``||F||_max``.

    Runs :func:`lowrank_nb.papers.budzinskiy.altproj.lrma_ap` with ``trace=True`` (cached
    for an int seed, shared with :func:`ap_residual_profiles`) and returns, at each step
    number ``k`` in ``steps`` (1 = the first projection step), the level ``eps`` of that step,
    the max error ``err`` of its iterate and the brackets ``eps1``, ``eps2`` after it. Steps
    beyond the end of the run, and brackets ``eps1 = 0`` (nothing known yet), are NaN, so the
    curves can share one step axis and a log scale.

    Parameters
    ----------
    F : ndarray, shape (n1, n2), finite, not zero
    r : int in [1, min(n1, n2)]
    steps : sequence of int >= 1, non-empty
        Step numbers at which the trace is read.
    rng : numpy.random.Generator or int (required keyword)
        Seeds the AP start.
    method : {"reference", "fast", "numba"}
        AP variant.

    Returns
    -------
    dict of ndarray
        ``"eps"``, ``"err"``, ``"eps1"``, ``"eps2"`` (each ``len(steps)``, relative to
        ``||F||_max``) and ``"steps"``, the number of steps the run took.

    Raises
    ------
    TypeError
        If ``rng`` is missing.
    ValueError
        If ``F`` is zero or not finite, ``r`` is out of range, or ``steps`` is empty or holds
        a step below 1.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7.1 (the bracket on eps of the
    author's ``lrma_ap``: level ``(eps1 + eps2) / 2``, upper bracket the best error seen).
    """
    Fa = check_array(F, "F", ndim=2)
    r = check_int(r, "r", minimum=1, maximum=min(Fa.shape))
    if isinstance(steps, (str, bytes)) or len(steps) == 0:
        raise ValueError("steps must be a non-empty sequence of ints >= 1")
    ks = np.array([check_int(k, "steps[i]") for k in steps])
    top = float(np.abs(Fa).max())
    if top == 0.0:
        raise ValueError("F must not be the zero matrix")
    ap = _run(Fa, r, rng, method)
    inside = ks <= ap.steps
    out = {}
    for key in ("eps", "err", "eps1", "eps2"):
        col = np.full(ks.size, np.nan)
        col[inside] = np.asarray(ap.trace[key], dtype=float)[ks[inside] - 1] / top
        out[key] = np.where(col > 0, col, np.nan)
    out["steps"] = np.array(ap.steps)
    return out
