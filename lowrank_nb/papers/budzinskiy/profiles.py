"""The paper's distance profiles ``h`` as mpmath functions, for derivative tables.

Section 4 writes a generating function of the squared distance as
``f(x, y) = h(||x - y||_2^2)``. The Taylor constructions and the growth condition of
Assumption 3.5 need high derivatives of ``h``, which
:func:`~lowrank_nb.papers.budzinskiy.embeddings.distance.taylor_coefficients` computes with
mpmath; the profiles here accept and return mpmath numbers so that no precision is lost on the
way.
"""

from __future__ import annotations

import numbers
from typing import Any

__all__ = ["f1_profile"]


def f1_profile(u: Any) -> Any:
    """``h(u) = exp(-sqrt(u))``, the profile of the exponential kernel ``f_1 = e^{-||x - y||}``.

    ``f_1(x, y) = h(||x - y||_2^2)``. The profile has a branch point at ``u = 0``: it is not
    differentiable there, and its Taylor series at ``a > 0`` has radius ``a``.

    Parameters
    ----------
    u : real number >= 0 (float, int or mpmath ``mpf``)
        A squared distance.

    Returns
    -------
    mpmath.mpf
        ``exp(-sqrt(u))`` at the current mpmath working precision.

    Raises
    ------
    TypeError
        If ``u`` is not a real number.
    ValueError
        If ``u`` is negative or not finite.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank, or entrywise approximation of certain
    function-generated matrices", Section 7 (the function ``f_1``) and Theorem 4.7 (expansion
    at a shift, for ``h`` that are not smooth at 0).
    """
    import mpmath

    if isinstance(u, bool) or not isinstance(u, (numbers.Real, mpmath.mpf)):
        raise TypeError(f"u must be a real number, got {type(u).__name__}")
    if not mpmath.isfinite(u) or u < 0:
        raise ValueError(f"u must be finite and lie in [0, inf), got {u}")
    return mpmath.exp(-mpmath.sqrt(u))
