"""Taylor factorisations of function-generated matrices (Examples 1.1 and 1.2).

Truncating the Taylor series of ``y -> f(x, y)`` at ``y = 0`` separates the variables: each term
is (a function of x) times (a monomial in y). Sampling gives ``G = U V^T`` with one column per
retained (multi-)index. The rank equals the number of terms, which for m-dimensional points is
``binom(m + rho - 1, m)``: the source of the dimension dependence the entrywise paper refutes.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from lowrank_nb.core.validate import check_array, check_int, check_positive

__all__ = [
    "cos_derivatives_at_zero",
    "multi_indices",
    "taylor_factors_1d",
    "taylor_factors_exp_inner",
]

MAX_TERMS = 200_000  # memory guard for the multi-index enumeration


def cos_derivatives_at_zero(M: float) -> Callable[[int, np.ndarray], np.ndarray]:
    """Return ``d(gamma, x) = d^gamma/dy^gamma cos(M x y) at y = 0 = (M x)^gamma cos^(gamma)(0)``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Example 1.1.
    """
    M = check_positive(M, "M")
    cos_at_zero = (1.0, 0.0, -1.0, 0.0)  # cos, -sin, -cos, sin evaluated at 0

    def d(gamma: int, x: np.ndarray) -> np.ndarray:
        return cos_at_zero[gamma % 4] * (M * x) ** gamma

    return d


def taylor_factors_1d(
    derivative_at_zero: Callable[[int, np.ndarray], np.ndarray],
    x: np.ndarray,
    y: np.ndarray,
    r: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Factors of the degree-(r-1) Taylor factorisation of Example 1.1.

    ``U[i, g] = d^g f(x_i, 0) / g!`` and ``V[j, g] = y_j^g`` for ``g = 0, ..., r-1``, so that
    ``U V^T`` samples ``f_r(x, y) = sum_{g<r} d^g_y f(x, 0) y^g / g!`` and has rank <= r.

    Parameters
    ----------
    derivative_at_zero : callable
        ``(gamma, x) -> d^gamma_y f(x, 0)`` for a vector x.
    x : ndarray (n1,)
    y : ndarray (n2,)
    r : int >= 1
        Number of Taylor terms.

    Returns
    -------
    U : ndarray (n1, r)
    V : ndarray (n2, r)

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Example 1.1.
    """
    xa = check_array(x, "x", ndim=1)
    ya = check_array(y, "y", ndim=1)
    r = check_int(r, "r", maximum=170)  # 171! overflows float64
    U = np.empty((xa.size, r))
    for g in range(r):
        U[:, g] = np.asarray(derivative_at_zero(g, xa), dtype=float) / math.factorial(g)
    if not np.all(np.isfinite(U)):
        raise ValueError("derivative_at_zero returned NaN or inf")
    V = ya[:, None] ** np.arange(r)[None, :]
    return U, V


def multi_indices(m: int, rho: int) -> np.ndarray:
    """All multi-indices ``gamma`` in ``N_0^m`` with ``|gamma| < rho``, one per row.

    Their number is ``binom(m + rho - 1, m)`` (stars and bars).

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Example 1.2 and Eq. (1).
    """
    m = check_int(m, "m")
    rho = check_int(rho, "rho")
    count = math.comb(m + rho - 1, m)
    if count > MAX_TERMS:
        raise ValueError(f"binom(m + rho - 1, m) = {count} multi-indices exceed {MAX_TERMS}; "
                         "lower m or rho")
    rows: list[tuple[int, ...]] = []

    def extend(prefix: tuple[int, ...], budget: int) -> None:
        if len(prefix) == m - 1:
            rows.extend((*prefix, last) for last in range(budget + 1))
            return
        for a in range(budget + 1):
            extend((*prefix, a), budget - a)

    if m == 1:
        rows = [(a,) for a in range(rho)]
    else:
        extend((), rho - 1)
    return np.array(rows, dtype=np.int64)


def taylor_factors_exp_inner(
    X: np.ndarray, Y: np.ndarray, rho: int, M: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Example 1.2 for ``f(x, y) = exp(M x^T y)``: one column per multi-index ``|gamma| < rho``.

    ``d^gamma_y exp(M x.y) at y = 0`` is ``M^|gamma| x^gamma``, so ``U[i, gamma] =
    M^|gamma| x_i^gamma / gamma!`` and ``V[j, gamma] = y_j^gamma``.

    Returns
    -------
    U : ndarray (n1, binom(m + rho - 1, m))
    V : ndarray (n2, binom(m + rho - 1, m))

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Example 1.2.
    """
    Xa = check_array(X, "X")
    Ya = check_array(Y, "Y")
    if Xa.shape[1] != Ya.shape[1]:
        raise ValueError(f"X and Y must have the same dimension m, got {Xa.shape[1]} and "
                         f"{Ya.shape[1]}")
    M = check_positive(M, "M")
    gammas = multi_indices(Xa.shape[1], rho)
    log_fact = np.array([math.lgamma(g + 1) for g in range(rho)])
    weights = np.exp(np.log(M) * gammas.sum(axis=1) - log_fact[gammas].sum(axis=1))
    U = np.prod(Xa[:, None, :] ** gammas[None, :, :], axis=2) * weights
    V = np.prod(Ya[:, None, :] ** gammas[None, :, :], axis=2)
    return U, V
