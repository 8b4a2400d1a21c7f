"""Section 2 and Appendix A: the refuted dimension-free claim and a concrete counterexample.

* Exact rank formulas of Theorem 2.1 and Lemma 2.2 (Python integers; they overflow int64).
* The Taylor-factor row norms of Appendix A, by truncated multi-index sums and in closed form.
* The counterexample family ``f_m(x, y) = cos(M sum_a sin(pi sqrt(m) x_a) y_a)``, which
  satisfies the assumptions of Example 1.2 with ``C = 1`` and the same ``M`` for every ``m``.
"""

from __future__ import annotations

import math
from itertools import combinations_with_replacement

import numpy as np

from lowrank_nb.core.bounds import lemma22_degree, lemma22_rank, thm21_rank
from lowrank_nb.core.validate import check_array, check_int, check_positive, check_rng

__all__ = [
    "cos_derivative_at_zero",
    "counterexample_factor_row_norm_sq",
    "counterexample_matrix",
    "counterexample_points",
    "lemma22_degree",
    "lemma22_rank",
    "multi_indices",
    "paper_row_norm_bounds",
    "thm21_rank",
    "truncated_row_norms_sq",
]


def multi_indices(m: int, degree: int) -> np.ndarray:
    """All ``gamma`` in ``N_0^m`` with ``|gamma| <= degree``, one per row (int64).

    There are ``binom(m + degree, m)`` of them.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Example 1.2 and Appendix A.
    """
    m = check_int(m, "m", maximum=8)
    degree = check_int(degree, "degree", minimum=0, maximum=200)
    if math.comb(m + degree, m) > 2_000_000:
        raise ValueError("m and degree give more than 2e6 multi-indices; lower degree")
    rows = []
    for d in range(degree + 1):
        for combo in combinations_with_replacement(range(m), d):
            rows.append(np.bincount(np.array(combo, dtype=np.int64), minlength=m))
    return np.array(rows, dtype=np.int64).reshape(-1, m)


def cos_derivative_at_zero(k: np.ndarray) -> np.ndarray:
    """``cos^{(k)}(0)`` for integer arrays ``k``: 1, 0, -1, 0, ... (period 4)."""
    return np.array([1.0, 0.0, -1.0, 0.0])[np.asarray(k) % 4]


def truncated_row_norms_sq(
    phi: np.ndarray, y: np.ndarray, M: float, degree: int
) -> tuple[float, float]:
    """Appendix A's squared row norms for ``f(x, y) = cos(M phi(x)^T y)``, truncated at ``degree``.

    With ``A(i, gamma) = d^gamma_y f(x_i, 0) / sqrt(gamma!)`` and
    ``B(j, gamma) = y_j^gamma / sqrt(gamma!)``, return the sums over ``|gamma| <= degree`` of
    ``A(i, gamma)**2`` and ``B(j, gamma)**2``. Here
    ``d^gamma_y f(x, 0) = M^|gamma| phi^gamma cos^{(|gamma|)}(0)``.

    Parameters
    ----------
    phi : ndarray (m,)
        The frequency vector ``phi(x_i)`` of one row point.
    y : ndarray (m,)
        One column point.
    M : float > 0
    degree : int >= 0

    Returns
    -------
    (a2, b2) : tuple of float

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem A.1 (proof).
    """
    phi_a = check_array(phi, "phi", ndim=1)
    y_a = check_array(y, "y", ndim=1)
    if phi_a.shape != y_a.shape:
        raise ValueError(f"phi and y must have the same length, got {phi_a.size} and {y_a.size}")
    M = check_positive(M, "M")
    gammas = multi_indices(phi_a.size, degree)
    total = gammas.sum(axis=1)
    log_fact = np.array([math.lgamma(g + 1) for g in gammas.ravel()]).reshape(gammas.shape)
    gamma_fact = np.exp(log_fact.sum(axis=1))
    deriv = M**total * np.prod(phi_a**gammas, axis=1) * cos_derivative_at_zero(total)
    a2 = float(np.sum(deriv**2 / gamma_fact))
    b2 = float(np.sum(np.prod((y_a**2) ** gammas, axis=1) / gamma_fact))
    return a2, b2


def paper_row_norm_bounds(m: int, M: float, C: float = 1.0) -> tuple[float, float]:
    """The bounds ``(C^2 e^{m M^2}, e^m)`` used in the proof of Theorem A.1 (squared norms).

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem A.1 (proof).
    """
    m = check_int(m, "m")
    M = check_positive(M, "M")
    C = check_positive(C, "C")
    return C**2 * math.exp(m * M**2), math.exp(m)


def counterexample_factor_row_norm_sq(phi_norm_sq: float, M: float) -> float:
    """Closed form ``cosh(M^2 ||phi||^2)`` of the full Appendix-A row norm squared.

    Only even orders survive (``cos^{(k)}(0) = 0`` for odd ``k``) and the multinomial theorem
    gives ``sum_{|gamma| = k} phi^{2 gamma}/gamma! = ||phi||^{2k}/k!``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem A.1; this book's
    counterexample to Theorem 2.1.
    """
    phi_norm_sq = check_positive(phi_norm_sq, "phi_norm_sq", allow_zero=True)
    M = check_positive(M, "M")
    return math.cosh(M**2 * phi_norm_sq)


def counterexample_points(
    n: int, m: int, rng: np.random.Generator | int | None, y_radius: float = 0.99
) -> tuple[np.ndarray, np.ndarray]:
    """Points ``x_i = s_i / (2 sqrt m)`` and ``y_j = y_radius t_j / sqrt m`` (random signs).

    Both lie in the open unit ball: ``|x_i| = 1/2`` and ``|y_j| = y_radius < 1``; and
    ``sin(pi sqrt(m) x_{i a}) = s_{i a}`` exactly in exact arithmetic.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Example 1.2 and Theorem 2.1.
    """
    n = check_int(n, "n")
    m = check_int(m, "m")
    y_radius = check_positive(y_radius, "y_radius")
    if y_radius >= 1.0:
        raise ValueError(f"y_radius must lie in (0, 1), got {y_radius}")
    gen = check_rng(rng)
    S = gen.choice([-1.0, 1.0], size=(n, m))
    T = gen.choice([-1.0, 1.0], size=(n, m))
    return S / (2.0 * np.sqrt(m)), y_radius * T / np.sqrt(m)


def counterexample_matrix(X: np.ndarray, Y: np.ndarray, M: float) -> np.ndarray:
    """``F(i, j) = cos(M sum_a sin(pi sqrt(m) x_{i a}) y_{j a})``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Example 1.2 and Theorem 2.1.
    """
    Xa = check_array(X, "X")
    Ya = check_array(Y, "Y")
    if Xa.shape[1] != Ya.shape[1]:
        raise ValueError(f"X and Y must have the same width, got {Xa.shape[1]} and {Ya.shape[1]}")
    M = check_positive(M, "M")
    m = Xa.shape[1]
    return np.cos(M * (np.sin(np.pi * np.sqrt(m) * Xa) @ Ya.T))
