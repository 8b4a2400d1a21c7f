"""Input checks shared by every public function.

Each check raises ``TypeError`` for a value of the wrong kind and ``ValueError`` for a value
out of range, and the message names the parameter and the allowed range, so that a reader
who mistypes a slider value or a shape learns at once what went wrong.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = [
    "check_array",
    "check_eps",
    "check_int",
    "check_positive",
    "check_probability",
    "check_real",
    "check_rng",
    "check_same_width",
]


def check_int(value: Any, name: str, *, minimum: int = 1, maximum: int | None = None) -> int:
    """Return ``value`` as a Python int in ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    value = int(value)
    upper = "inf" if maximum is None else str(maximum)
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must lie in [{minimum}, {upper}], got {value}")
    return value


def check_positive(value: Any, name: str, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a finite float that is positive (or non-negative)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        rng = "[0, inf)" if allow_zero else "(0, inf)"
        raise ValueError(f"{name} must be finite and lie in {rng}, got {value}")
    return value


def check_eps(value: Any, name: str = "eps") -> float:
    """Return an accuracy ``eps`` in the open interval (0, 1)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not (0.0 < value < 1.0):
        raise ValueError(f"{name} must lie in the open interval (0, 1), got {value}")
    return value


def check_probability(value: Any, name: str) -> float:
    """Return a failure probability in the open interval (0, 1)."""
    return check_eps(value, name)


def check_array(
    value: Any, name: str, *, ndim: int | tuple[int, ...] = 2, allow_empty: bool = False
) -> np.ndarray:
    """Return ``value`` as a finite float64 array with the given number of dimensions.

    NaN and inf are refused here so that they never propagate silently into a max-norm,
    where ``np.max`` would return NaN and every comparison after it would be False.
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of real numbers, got {type(value).__name__}")
    arr = np.asarray(value)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must be an array of real numbers, got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real, got dtype {arr.dtype}")
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if arr.ndim not in allowed:
        raise ValueError(f"{name} must have ndim in {allowed}, got shape {arr.shape}")
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    arr = arr.astype(np.float64, copy=False)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values (found NaN or inf)")
    return arr


def check_same_width(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Require two factor matrices to have the same number of columns."""
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"{name_a} and {name_b} must have the same number of columns, "
            f"got {a.shape[1]} and {b.shape[1]}"
        )


def check_rng(rng: Any, name: str = "rng") -> np.random.Generator:
    """Return a ``numpy.random.Generator``; an int seeds a new one.

    ``None`` is refused: a result that depends on randomness is never silently unseeded (pass
    ``np.random.default_rng(seed)``, a seed, or, to ask for fresh entropy on purpose,
    ``np.random.default_rng()``).
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:  # like a missing argument: a TypeError
        raise TypeError(f"{name} is required: pass a numpy.random.Generator or an int seed "
                        "(results that depend on randomness are never silently unseeded)")
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if int(rng) < 0:
            raise ValueError(f"{name} seed must be >= 0, got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"{name} must be a numpy.random.Generator or a non-negative int seed, "
        f"got {type(rng).__name__}"
    )


def check_real(value: Any, name: str, lo: float = -np.inf, hi: float = np.inf) -> float:
    """Return ``value`` as a float in ``[lo, hi]``; a bool, NaN or out-of-range value raises."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not (np.isfinite(value) and lo <= value <= hi):
        raise ValueError(f"{name} must be finite and lie in [{lo}, {hi}], got {value}")
    return value
