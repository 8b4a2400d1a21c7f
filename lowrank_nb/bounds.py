"""Exact rank formulas, in Python integers.

The counts overflow int64 quickly (the Taylor count of Eq. (1) is 3.6e25 at m = 20), so
every formula here returns a Python ``int`` and uses ``math.comb``.
"""

from __future__ import annotations

import math
from functools import cache

from ._validate import check_eps, check_int, check_positive, check_probability

__all__ = [
    "R_rank",
    "R_rank_closed_form",
    "jl_rank",
    "jl_rank_explicit",
    "taylor_degree",
    "taylor_rank",
]


def jl_rank(eps: float, n1: int, n2: int, c2: float = 1.0) -> int:
    """Rank ``r = ceil(c2 * eps**-2 * log(2 e n1 n2))`` of Eq. (2).

    Parameters
    ----------
    eps : float in (0, 1)
        Relative max-norm accuracy.
    n1, n2 : int >= 1
        Matrix size.
    c2 : float > 0, default 1.0
        The unknown absolute constant of Theorem 1.3. The paper does not give it; the book
        fits it from data (Part I) and never asserts a formula with an invented value.

    Returns
    -------
    int

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 1.3 and Eq. (2).
    """
    eps = check_eps(eps)
    n1 = check_int(n1, "n1")
    n2 = check_int(n2, "n2")
    c2 = check_positive(c2, "c2")
    return math.ceil(c2 * math.log(2 * math.e * n1 * n2) / eps**2)


def jl_rank_explicit(eps: float, n1: int, n2: int, delta: float) -> int:
    """Rank with an explicit constant that makes the JL bound hold with prob. >= 1 - delta.

    With a Gaussian sketch ``R`` of width ``k`` and ``U = A R / sqrt(k)``, ``V = B R / sqrt(k)``,
    the Dasgupta--Gupta tail bound for each of the ``2 n1 n2`` vectors ``a_i/|a_i| +- b_j/|b_j|``
    and polarisation ``a.b = (|a+b|^2 - |a-b|^2)/4`` give
    ``P(fail) <= 4 n1 n2 exp(-k eps^2 (1 - 2 eps/3) / 4)``. So
    ``k = ceil(4 log(4 n1 n2 / delta) / (eps^2 (1 - 2 eps / 3)))`` suffices.

    Parameters
    ----------
    eps : float in (0, 1)
    n1, n2 : int >= 1
    delta : float in (0, 1)
        Allowed failure probability.

    Returns
    -------
    int

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 1.3 (explicit-constant
    variant derived in this book); S. Dasgupta and A. Gupta, "An elementary proof of a theorem
    of Johnson and Lindenstrauss" (2003), Lemma 2.2.
    """
    eps = check_eps(eps)
    n1 = check_int(n1, "n1")
    n2 = check_int(n2, "n2")
    delta = check_probability(delta, "delta")
    return math.ceil(4 * math.log(4 * n1 * n2 / delta) / (eps**2 * (1 - 2 * eps / 3)))


def taylor_degree(m: int, eps: float, M: float) -> int:
    """Degree ``rho* = ceil(max(log(1/eps), e^2 m M))`` used in Eq. (1).

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Example 1.2 and Eq. (1).
    """
    m = check_int(m, "m")
    eps = check_eps(eps)
    M = check_positive(M, "M")
    return math.ceil(max(math.log(1 / eps), math.e**2 * m * M))


def taylor_rank(m: int, eps: float, M: float) -> int:
    """Rank bound ``binom(m + rho* - 1, m)`` of Eq. (1) for the Taylor factorisation.

    Parameters
    ----------
    m : int >= 1
        Dimension of the points.
    eps : float in (0, 1)
        Target accuracy relative to ``C ||f||_inf``.
    M : float > 0
        Derivative growth constant, ``|d^gamma f| <= C M^|gamma| ||f||``.

    Returns
    -------
    int

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Example 1.2 and Eq. (1).
    """
    rho = taylor_degree(m, eps, M)
    return math.comb(m + rho - 1, m)


def R_rank(r: int, t: int, p: int) -> int:
    """The recursion ``R_r(t, p)`` of Lemma 4.1.

    ``R_r(0, 0) = 1``, ``R_r(t, 0) = r`` for ``t >= 1`` and
    ``R_r(t, p) = 1 + sum_{s=1}^t R_r(s, p - 1)``. It bounds the rank of the approximation of the
    t-th Hadamard power of a rank-r-approximable matrix perturbed by p rank-one matrices.

    Parameters
    ----------
    r : int >= 1
    t, p : int >= 0

    Returns
    -------
    int

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Lemma 4.1 and Remark 4.2.
    """
    r = check_int(r, "r")
    t = check_int(t, "t", minimum=0)
    p = check_int(p, "p", minimum=0)
    return _R(r, t, p)


@cache
def _R(r: int, t: int, p: int) -> int:
    if p == 0:
        return 1 if t == 0 else r
    return 1 + sum(_R(r, s, p - 1) for s in range(1, t + 1))


def R_rank_closed_form(r: int, t: int, p: int) -> int:
    """Closed form ``C(t+p-1, p-1) + r C(t+p-1, p)`` of ``R_r(t, p)`` for ``p >= 1``.

    Derived in this book (induction on p with the hockey-stick identity); tested against
    :func:`R_rank`.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Lemma 4.1 (recursion).
    """
    r = check_int(r, "r")
    t = check_int(t, "t", minimum=0)
    p = check_int(p, "p", minimum=1)
    return math.comb(t + p - 1, p - 1) + r * math.comb(t + p - 1, p)
