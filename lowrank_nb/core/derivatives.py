"""Derivative tables by numerical differentiation in mpmath.

Growth conditions such as ``||h^(s)||_{L_inf(Omega)} <= C M^s`` (Budzinskiy's Assumption 3.5)
are statements about a whole table of derivatives. :func:`sup_derivatives` builds that table
on a grid of the interval, independently of any closed form, so that a chapter can check a
closed form (or a constant ``C, M``) against it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lowrank_nb.core.validate import check_array, check_int

__all__ = ["sup_derivatives"]


def sup_derivatives(h: Callable, grid: np.ndarray, s_max: int) -> np.ndarray:
    """``max_{u in grid} |h^(s)(u)|`` for ``s = 0..s_max``, by mpmath's ``diff``.

    The maximum over a grid is a lower bound on the supremum over the interval the grid
    samples; for functions whose derivatives are monotone on the interval (exponentials,
    completely monotone functions) it is the supremum once the grid contains the endpoints.

    Parameters
    ----------
    h : callable
        Accepts an mpmath number and returns one (e.g. ``lambda v: mpmath.exp(2 * v - 2)``).
    grid : 1-D array of finite floats
        The evaluation points (for example ``np.linspace(-1, 1, 9)`` for ``Omega = [-1, 1]``).
    s_max : int in [0, 60]
        Highest derivative order. mpmath differentiates at its working precision (15 digits by
        default), so a few digits are lost at order 20; beyond 60 the table is meaningless.

    Returns
    -------
    ndarray of shape (s_max + 1,)
        Entry ``s`` is ``max_u |h^(s)(u)|`` over the grid.

    Raises
    ------
    TypeError
        If ``h`` is not callable, ``grid`` is not an array of reals or ``s_max`` is not an int.
    ValueError
        If ``grid`` is empty, not 1-D or not finite, or ``s_max`` lies outside ``[0, 60]``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank, or entrywise approximation of certain
    function-generated matrices", Assumptions 3.2 and 3.5 and Remark 3.6 (the constants
    ``C, M`` of the derivative bound).
    """
    import mpmath

    if not callable(h):
        raise TypeError(f"h must be callable, got {type(h).__name__}")
    points = check_array(grid, "grid", ndim=1)
    s_max = check_int(s_max, "s_max", minimum=0, maximum=60)
    return np.array([max(abs(float(mpmath.diff(h, u, s))) for u in points)
                     for s in range(s_max + 1)])
