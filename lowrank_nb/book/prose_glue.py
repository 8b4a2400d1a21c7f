"""Glue computed values into chapter prose as plain Python numbers.

``myst_nb.glue`` stores the ``repr`` of a value, and ``{glue:text}`key:.2f``` parses it back with
``ast.literal_eval``. Under NumPy 2 the repr of a NumPy scalar is ``np.float64(0.5)``, which
does not parse, so a format spec on it fails at build time. :func:`glue` is a drop-in
replacement for ``myst_nb.glue(key, value, display=False)`` that stores NumPy scalars as the
equivalent Python ``int``/``float`` and refuses anything that is not a number or a string.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["glue", "plain"]


def plain(value: Any) -> int | float | str:
    """``value`` as a Python ``int``, ``float`` or ``str`` (NumPy scalars and 0-d arrays unwrapped).

    Raises
    ------
    TypeError
        For booleans, arrays with more than one element, and any other type.
    """
    if isinstance(value, np.ndarray):
        if value.ndim != 0:
            raise TypeError(f"glue a number or a string, not an array of shape {value.shape}")
        value = value.item()
    elif isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError(f"glue a number or a string, not {type(value).__name__}")
    return value


def glue(key: str, value: Any, display: bool = False) -> int | float | str:
    """``myst_nb.glue(key, plain(value), display=False)``; returns the stored value.

    ``display`` exists only to keep the call signature of ``myst_nb.glue``; glued prose
    values are never displayed where they are computed, so it must be False.
    """
    if display:
        raise ValueError("prose values are glued with display=False")
    from myst_nb import glue as _glue

    stored = plain(value)
    _glue(key, stored, display=False)
    return stored
