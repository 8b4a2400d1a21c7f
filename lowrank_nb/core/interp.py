"""Interpolation between the points of a precomputed grid (the live Explore sections)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lowrank_nb.core.validate import check_positive

__all__ = ["log_interp"]


def log_interp(grid: Sequence[float], table: np.ndarray, value: float) -> np.ndarray:
    """``table`` at ``value``, linear in ``log(value)`` and in ``log(table)`` between grid rows.

    Exact for power laws ``table = c grid^p``; returns the row itself at a grid value.

    Parameters
    ----------
    grid : sequence of float > 0
        Strictly increasing, at least 2 values; ``table[i]`` belongs to ``grid[i]``.
    table : ndarray, shape ``(len(grid), ...)``
        Positive values.
    value : float
        In ``[grid[0], grid[-1]]``.

    Returns
    -------
    numpy.ndarray
        Shape ``table.shape[1:]``.

    References
    ----------
    Used where a live Explore slider falls between grid values of an expensive precomputation:
    Zhang and Saab, Theorem 4.4 (the projection's MSE in the noise bound ``beta``) and the
    planted networks of Section 5; Vodrahalli et al., Definition B.2 (LFAI losses in the logit
    radius, Part VI).
    """
    g = np.asarray(grid, dtype=float)
    t = np.asarray(table, dtype=float)
    if g.ndim != 1 or g.size < 2 or np.any(g <= 0) or np.any(np.diff(g) <= 0):
        raise ValueError("grid must be strictly increasing positive values, at least 2")
    if t.shape[:1] != g.shape or np.any(~(t > 0)):
        raise ValueError(f"table must be positive with first axis of length {g.size}")
    value = check_positive(value, "value")
    if not g[0] <= value <= g[-1]:
        raise ValueError(f"value must lie in [{g[0]}, {g[-1]}], got {value}")
    i = min(int(np.searchsorted(g, value, side="right")) - 1, g.size - 2)
    w = (np.log(value) - np.log(g[i])) / (np.log(g[i + 1]) - np.log(g[i]))
    return np.exp((1 - w) * np.log(t[i]) + w * np.log(t[i + 1]))
