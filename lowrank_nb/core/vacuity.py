"""Bound ÷ trivial baseline against the size: where each bound of the catalogue stops being vacuous.

Used by the Explore section of Part VI's laptop_limits chapter. A bound ``b(n)`` is vacuous at
``n`` when ``b(n)`` is not below its trivial baseline ``T(n)``; plotting ``b(n) / T(n)`` against
``n`` shows the threshold of :func:`lowrank_nb.core.bounds.laptop_limits` as the crossing of 1,
and how far from it each bound is at every size. The bounds and baselines are those of
``laptop_limits``, evaluated directly (no threshold search), so a slider move costs only the
evaluations.

References
----------
S. Budzinskiy, Eqs. (3) and (5), Theorems 1.3, 2.1, 3.8, 6.5; Zhang and Saab, Theorems 4.4 and
4.9 (the catalogue of Part VI's laptop_limits chapter).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from lowrank_nb.core.bounds import (
    jl_rank,
    thm21_rank,
    thm38_rank,
    thm44_bound,
    thm49_bound,
    thm65_rank,
    tt_rank_eq5,
)
from lowrank_nb.core.validate import check_eps, check_int, check_positive

__all__ = ["EPS_BOUNDS", "TENSOR_BOUNDS", "eps_vacuity_ratios", "rank_vacuity_ratios"]

#: Labels of :func:`eps_vacuity_ratios`, in order; the tensor ones also depend on ``c3``.
EPS_BOUNDS = ("Eq. (3), fitted c2", "Eq. (3), explicit c2", "Thm 3.8, t = ⌈log 1/ε⌉",
              "Thm 3.8, t = 8", "Eq. (5), n×n×n tensor", "Thm 6.5, n×n×n tensor",
              "Thm 2.1, m = 1")
TENSOR_BOUNDS = ("Eq. (5), n×n×n tensor", "Thm 6.5, n×n×n tensor")

T_ADMISSIBLE = math.ceil(math.e**2)  # t >= e^2 M |W| R^2 at M |W| R^2 = 1 (Theorems 3.8, 6.5)
BOX = 4.0  # Zhang-Saab's trivial MSE (2 alpha)^2 at alpha = 1


def _sizes(sizes: Sequence[int]) -> list[int]:
    arr = np.asarray(sizes)
    if arr.ndim != 1 or arr.size == 0 or not np.issubdtype(arr.dtype, np.integer) or arr.min() < 2:
        raise ValueError("sizes must be a non-empty 1-d sequence of ints >= 2")
    return [int(n) for n in arr]


def eps_vacuity_ratios(sizes: Sequence[int], eps: float, c2_fit: float, *, c3: float = 1.0,
                       bounds: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    """Rank bound ÷ ``n`` for Budzinskiy's eps-dependent bounds, at each size ``n``.

    The bounds of :func:`~lowrank_nb.core.bounds.laptop_limits` that depend on ``eps``: Eq. (3)
    with the fitted and the explicit constant ``c2 = 4/(1 - 2 eps/3)``; Theorem 3.8 with
    ``t = ceil(log 1/eps)`` and with the admissible ``t = 8``; Eq. (5) and Theorem 6.5 (``t = 8``)
    for an ``n x n x n`` tensor (``n`` per mode); Theorem 2.1 at ``m = 1``
    (``C_u = C_v = 1``). A ratio below 1 means the bound is informative at that size.

    Parameters
    ----------
    sizes : sequence of int >= 2
        The sizes ``n`` (matrix ``n x n``, or mode size of the tensor).
    eps : float in (0, 1/e)
        Accuracy (Theorem 3.8 needs ``t = ceil(log 1/eps) >= 2``).
    c2_fit : float > 0
        Fitted constant of Eq. (2).
    c3 : float > 0, default 1
        Constant of Eq. (5) for ``d = 3``.
    bounds : sequence of str, optional
        Labels of the bounds to evaluate (default: all, in the order above); see
        :data:`EPS_BOUNDS`.

    Returns
    -------
    dict of str to numpy.ndarray
        One ratio array per bound, keyed by a plain-text label.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Eq. (3) with Theorem 1.3,
    Theorem 3.8, Eq. (5) and Theorem 6.5, Theorem 2.1 (Udell and Townsend's bound).
    """
    ns = _sizes(sizes)
    eps = check_eps(eps)
    if eps >= math.exp(-1):
        raise ValueError(f"eps must lie in (0, 1/e) (Theorem 3.8 needs t >= 2), got {eps}")
    c2_fit = check_positive(c2_fit, "c2_fit")
    c3 = check_positive(c3, "c3")
    c2_explicit = 4 / (1 - 2 * eps / 3)
    rows = {
        "Eq. (3), fitted c2": lambda n: jl_rank(eps, n, n, c2_fit),
        "Eq. (3), explicit c2": lambda n: jl_rank(eps, n, n, c2_explicit),
        "Thm 3.8, t = ⌈log 1/ε⌉": lambda n: thm38_rank(eps, n, n, c2_fit),
        "Thm 3.8, t = 8": lambda n: thm38_rank(eps, n, n, c2_fit, t=T_ADMISSIBLE),
        "Eq. (5), n×n×n tensor": lambda n: tt_rank_eq5(eps, (n, n, n), c3),
        "Thm 6.5, n×n×n tensor": lambda n: thm65_rank(eps, (n, n, n), c3, t=T_ADMISSIBLE),
        "Thm 2.1, m = 1": lambda n: thm21_rank(n, n, eps, 1, 1),
    }
    if bounds is None:
        bounds = EPS_BOUNDS
    unknown = [b for b in bounds if b not in rows]
    if unknown or isinstance(bounds, str):
        raise ValueError(f"bounds must be labels among {EPS_BOUNDS}, got {bounds!r}")
    return {label: np.array([rows[label](n) / n for n in ns], dtype=float) for label in bounds}


def rank_vacuity_ratios(sizes: Sequence[int], r: int) -> dict[str, np.ndarray]:
    """MSE bound ÷ the trivial ``4 alpha^2`` for Zhang and Saab's Theorems 4.4 and 4.9.

    With ``d1 = d2 = n``, target rank ``r``, ``alpha = 1`` and ``beta = sigma = 0.5`` (the
    parameters of :func:`~lowrank_nb.core.bounds.laptop_limits`). A ratio at most 1 means the
    bound is informative at that size.

    Parameters
    ----------
    sizes : sequence of int >= 2
    r : int >= 1
        Target rank.

    Returns
    -------
    dict of str to numpy.ndarray

    References
    ----------
    X. Zhang and R. Saab, "Theoretical guarantees for low-rank compression of deep neural
    networks", Theorems 4.4 and 4.9.
    """
    ns = _sizes(sizes)
    r = check_int(r, "r")
    return {"Thm 4.4 (Zhang–Saab)": np.array([thm44_bound(r, n, n, 1.0, 0.5) / BOX for n in ns]),
            "Thm 4.9 (Zhang–Saab)": np.array([thm49_bound(r, n, n, 1.0, 0.5)[1] / BOX
                                              for n in ns])}
