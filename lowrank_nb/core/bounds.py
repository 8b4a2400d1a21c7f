"""Exact rank formulas, in Python integers.

The counts overflow int64 quickly (the Taylor count of Eq. (1) is 3.6e25 at m = 20), so
every formula here returns a Python ``int`` and uses ``math.comb``.
"""

from __future__ import annotations

import decimal
import itertools
import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from typing import Any

import numpy as np

from lowrank_nb.core.validate import (
    check_eps,
    check_int,
    check_positive,
    check_probability,
)

__all__ = [
    "Limit",
    "R_rank",
    "R_rank_closed_form",
    "cor47_bound",
    "cor48_bound",
    "gauss_sq_derivative_bound",
    "hoeffding_rff_bound",
    "hoeffding_type2_bound",
    "jl_eps_explicit",
    "jl_rank",
    "jl_rank_explicit",
    "jl_rank_threshold",
    "laptop_limits",
    "lemma22_degree",
    "lemma22_rank",
    "lemma41_part2_bound",
    "limit_threshold",
    "nonvacuous_threshold",
    "rank_detach_all",
    "taylor_degree",
    "taylor_rank",
    "theorem38_exp_rank",
    "theorem38_exp_ranks",
    "thm21_rank",
    "thm31_bounds",
    "thm38_rank",
    "thm44_bound",
    "thm45_bound",
    "thm49_bound",
    "thm65_rank",
    "tt_rank_eq5",
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
    return _embedding_rank(eps, (n1, n2), c2)


def _embedding_rank(eps: float, sizes: Sequence[int], c: float) -> int:
    """``ceil(c eps^-2 log(2 e prod(sizes)))``, shared by Eq. (2) (matrices) and Eq. (5)."""
    # log of the product as a sum of logs: the product overflows floats for large d
    log_size = math.log(2 * math.e) + sum(math.log(n) for n in sizes)
    return math.ceil(c * log_size / eps**2)


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


# ----------------------------------------------------------------------------- vacuity search
def _as_trivial(trivial: Callable[[int], Any] | float) -> Callable[[int], Any]:
    if callable(trivial):
        return trivial
    value = check_positive(trivial, "trivial", allow_zero=True)
    return lambda _n: value


def _geometric_grid(lo: int, hi: int, points: int) -> list[int]:
    """At most ``points`` distinct integers from ``lo`` to ``hi`` (both included), log-spaced."""
    if hi <= lo + points:
        return list(range(lo, hi + 1))
    out = {lo, hi}
    ratio = math.log(hi / lo) / (points - 1)
    for i in range(1, points - 1):
        out.add(min(hi, max(lo, round(lo * math.exp(i * ratio)))))
    return sorted(out)


def nonvacuous_threshold(
    bound: Callable[[int], Any],
    trivial: Callable[[int], Any] | float,
    lo: int,
    hi: int,
    *,
    strict: bool = True,
    checks: int = 64,
) -> int:
    """Smallest integer ``n`` in ``(lo, hi]`` at which a bound beats its trivial baseline.

    "Non-vacuous at ``n``" means ``bound(n) < trivial(n)`` (or ``<=`` with ``strict=False``):
    a rank bound below ``min(n1, n2)``, an error bound below the error of the zero matrix, a
    probability bound below 1, and so on. The search is a geometric bisection (midpoint
    ``isqrt(lo * hi)``) down to a bracket of width 2, then integer bisection, so it needs about
    ``2 log2 log2(hi / lo) + log2(...)`` evaluations and works for ``hi`` up to ``10**30`` with
    exact Python integers.

    Before searching, the predicate is evaluated on ``checks`` log-spaced integers of
    ``[lo, hi]``; it must switch exactly once, from vacuous to non-vacuous. Otherwise the
    "threshold" would depend on the search path, and a ``ValueError`` is raised.

    Parameters
    ----------
    bound : callable ``int -> number``
        The bound as a function of the problem size (Python ints are compared exactly).
    trivial : callable ``int -> number`` or float >= 0
        The baseline the bound must beat (e.g. ``lambda n: n`` for a rank, ``4 alpha**2`` for
        an MSE in the box ``[-alpha, alpha]``).
    lo : int >= 1
        A size at which the bound is vacuous.
    hi : int > lo
        A size at which the bound is non-vacuous.
    strict : bool, default True
        ``<`` (True) or ``<=`` (False).
    checks : int >= 2, default 64
        Number of grid points of the monotonicity check.

    Returns
    -------
    int
        ``n*`` with the bound vacuous at ``n* - 1`` and non-vacuous at ``n*``.

    Raises
    ------
    ValueError
        If the bound is already non-vacuous at ``lo``, still vacuous at ``hi``, or the
        predicate is not monotone on the check grid.

    References
    ----------
    Used for S. Budzinskiy, Theorems 1.3, 2.1, 3.8 and Eqs. (1), (3); Zhang and Saab,
    Theorems 4.4 and 4.9; Deng et al., Lemmas 4.1 and D.8 (where each stops being vacuous).
    """
    if not callable(bound):
        raise TypeError(f"bound must be callable, got {type(bound).__name__}")
    triv = _as_trivial(trivial)
    lo = check_int(lo, "lo")
    hi = check_int(hi, "hi", minimum=lo + 1)
    if not isinstance(strict, bool):
        raise TypeError(f"strict must be a bool, got {type(strict).__name__}")
    checks = check_int(checks, "checks", minimum=2)

    def ok(n: int) -> bool:
        b, t = bound(n), triv(n)
        return bool(b < t) if strict else bool(b <= t)

    if ok(lo):
        raise ValueError(f"bound is already non-vacuous at lo={lo}; lower lo")
    if not ok(hi):
        raise ValueError(f"bound stays vacuous up to hi={hi}; raise hi")
    flags = [ok(n) for n in _geometric_grid(lo, hi, checks)]
    switches = sum(a != b for a, b in itertools.pairwise(flags))
    if switches != 1:
        raise ValueError(f"bound is not monotone on [lo, hi]: the vacuity flag switches "
                         f"{switches} times on a {len(flags)}-point grid")
    while hi > 2 * lo + 1:  # geometric phase
        mid = math.isqrt(lo * hi)
        mid = min(max(mid, lo + 1), hi - 1)
        lo, hi = (lo, mid) if ok(mid) else (mid, hi)
    while hi - lo > 1:  # integer phase
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if ok(mid) else (mid, hi)
    return hi


def jl_rank_threshold(eps: float, c2: float = 1.0) -> int:
    """Smallest ``n`` at which the rank of Eq. (3) is informative: ``jl_rank(eps, n, n, c2) < n``.

    Every ``n x n`` matrix has rank at most ``n``, so the bound of Theorem 1.3 / Eq. (3) says
    something only once the rank of Eq. (2) drops below ``n``. The rank grows like ``log n``,
    so the flag switches once. A doubling search brackets the crossing, then
    :func:`nonvacuous_threshold` finds it (the package's one threshold search).

    Parameters
    ----------
    eps : float in (0, 1)
        Relative max-norm accuracy.
    c2 : float > 0, default 1.0
        Constant of Eq. (2) (see :func:`jl_rank`); Part I fits it, or uses the explicit
        ``4 / (1 - 2 eps / 3)`` of :func:`jl_rank_explicit`.

    Returns
    -------
    int
        ``n*`` with ``jl_rank(eps, n*, n*, c2) < n*`` and ``jl_rank(eps, n* - 1, n* - 1, c2)
        >= n* - 1``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 1.3, Eqs. (2) and (3).
    """
    eps = check_eps(eps)
    c2 = check_positive(c2, "c2")

    def rank(n: int) -> int:
        return jl_rank(eps, n, n, c2)

    hi = 2
    while rank(hi) >= hi:  # doubling: bracket the crossing (n = 1 is always vacuous)
        hi *= 2
    return nonvacuous_threshold(rank, lambda n: n, max(1, hi // 2), hi)


def jl_eps_explicit(k: int, n1: int, n2: int, delta: float) -> float:
    """Smallest ``eps`` that the explicit-constant rank certifies at width ``k``.

    Inverts :func:`jl_rank_explicit`: ``ceil(4 L / f(eps)) <= k`` with
    ``L = log(4 n1 n2 / delta)`` and ``f(eps) = eps^2 (1 - 2 eps / 3)`` holds exactly when
    ``f(eps) >= 4 L / k`` (``k`` is an integer), and ``f`` increases on ``(0, 1)``; the root
    is found by bisection to full float precision. When no ``eps < 1`` qualifies
    (``4 L / k > f(1) = 1/3``), the result is ``1.0``: the bound certifies nothing better
    than the trivial relative error 1.

    Parameters
    ----------
    k : int >= 1
        Sketch width (the rank).
    n1, n2 : int >= 1
        Matrix size.
    delta : float in (0, 1)
        Allowed failure probability.

    Returns
    -------
    float in (0, 1]
        ``eps*`` with ``jl_rank_explicit(eps, n1, n2, delta) <= k`` for every ``eps`` in
        ``[eps*, 1)`` and ``> k`` below ``eps*`` (up to one ulp of bisection).

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 1.3 (explicit-constant
    variant of :func:`jl_rank_explicit`, derived in this book); S. Dasgupta and A. Gupta
    (2003), Lemma 2.2.
    """
    k = check_int(k, "k")
    n1 = check_int(n1, "n1")
    n2 = check_int(n2, "n2")
    delta = check_probability(delta, "delta")
    need = 4 * math.log(4 * n1 * n2 / delta) / k

    def f(e: float) -> float:
        return e * e * (1 - 2 * e / 3)

    if need > f(1.0):
        return 1.0
    lo, hi = 0.0, 1.0  # f(lo) < need <= f(hi)
    while True:
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        lo, hi = (lo, mid) if f(mid) >= need else (mid, hi)
    # f(hi) >= need in exact arithmetic may fail by one rounding of 4 L / f: step up to a
    # width the rank formula itself accepts.
    while hi < 1.0 and jl_rank_explicit(hi, n1, n2, delta) > k:
        hi = math.nextafter(hi, 2.0)
    return hi


# ----------------------------------------------------------------------------- more bounds
def thm38_rank(eps: float, n1: int, n2: int, c2: float = 1.0, t: int | None = None) -> int:
    """Rank ``1 + (t - 1) r`` of Theorem 3.8 with ``r`` of Eq. (2).

    Parameters
    ----------
    eps : float in (0, 1)
    n1, n2 : int >= 1
    c2 : float > 0, default 1.0
        Constant of Eq. (2) (see :func:`jl_rank`).
    t : int >= 1, optional
        Taylor degree. Default ``ceil(log(1/eps))``, the paper's choice "for sufficiently
        small eps"; it is at least 2 only for ``eps < 1/e``, so larger ``eps`` need ``t``.

    Returns
    -------
    int

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 3.8 and the paragraph
    after Remark 3.9.
    """
    eps = check_eps(eps)
    if t is None:
        if eps >= math.exp(-1):
            raise ValueError(f"eps must lie in (0, 1/e) for the default t = ceil(log(1/eps)), "
                             f"got {eps}; pass t explicitly")
        t = math.ceil(math.log(1 / eps))
    t = check_int(t, "t")
    return 1 + (t - 1) * jl_rank(eps, n1, n2, c2)


def tt_rank_eq5(eps: float, dims: Sequence[int], c_d: float = 1.0) -> int:
    """TT rank ``r = ceil(c_d * eps**-2 * log(2 e n_1 ... n_d))`` of Eq. (5).

    Parameters
    ----------
    eps : float in (0, 1)
        Relative max-norm accuracy.
    dims : sequence of int >= 1, at least two
        Mode sizes ``n_1, ..., n_d`` of the tensor.
    c_d : float > 0, default 1.0
        The constant of Theorem 6.1, which depends on ``d`` only and which the paper does
        not give (footnote 4: provable values grow like ``d**d``). Part II fits it.

    Returns
    -------
    int

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 6.1 and Eq. (5).
    """
    eps = check_eps(eps)
    if isinstance(dims, (str, bytes)) or not isinstance(dims, Sequence) or len(dims) < 2:
        raise TypeError("dims must be a sequence of at least two mode sizes")
    sizes = [check_int(n, f"dims[{j}]") for j, n in enumerate(dims)]
    c_d = check_positive(c_d, "c_d")
    return _embedding_rank(eps, sizes, c_d)


def thm65_rank(eps: float, dims: Sequence[int], c_d: float = 1.0, t: int = 8) -> int:
    """TT rank bound ``1 + (t - 1) r`` of Theorem 6.5 with ``r`` of Eq. (5).

    Parameters
    ----------
    eps, dims, c_d
        As in :func:`tt_rank_eq5`.
    t : int >= 1, default 8
        Taylor degree; the theorem needs ``t >= e^2 M R^d``, which is 8 at ``M R^d = 1``.

    Returns
    -------
    int

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 6.5.
    """
    t = check_int(t, "t")
    return 1 + (t - 1) * tt_rank_eq5(eps, dims, c_d)


def lemma41_part2_bound(n: int | float, delta: float = 0.01, C: float = 1.0) -> float:
    """Right-hand side ``C sqrt(log(n / delta)) / n**0.1`` of Lemma 4.1 Part 2.

    It bounds ``|sum_i f_exp,i sigma_i|``, which never exceeds ``sum_i f_exp,i = 1``.

    Parameters
    ----------
    n : int or float >= 1
        Sequence length (floats allowed for sizes beyond memory, e.g. ``1e14``).
    delta : float in (0, 1), default 0.01
    C : float > 0, default 1.0
        The unknown absolute constant.

    Returns
    -------
    float

    References
    ----------
    Deng et al., "Why softmax attention outperforms linear attention", Lemma 4.1 Part 2.
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Real):
        raise TypeError(f"n must be a real number, got {type(n).__name__}")
    if not (math.isfinite(float(n)) and n >= 1):
        raise ValueError(f"n must be finite and lie in [1, inf), got {n}")
    delta = check_probability(delta, "delta")
    C = check_positive(C, "C")
    return C * math.sqrt(math.log(float(n) / delta)) / float(n) ** 0.1


def hoeffding_type2_bound(d: int, b: float, p: float) -> float:
    """Explicit Hoeffding bound ``b sqrt(d) sqrt(2 log(2/p)) / (d - 2)`` on the Type-II sum.

    With probability ``>= 1 - p`` the sum ``b/(d-2) sum_k sigma_k`` over ``d`` Rademacher signs
    stays below this value; the self-attention chapter needs it below 0.1.

    Parameters
    ----------
    d : int >= 3
    b : float > 0
    p : float in (0, 1)

    Returns
    -------
    float

    References
    ----------
    Deng et al., Lemmas D.8, D.12, D.16 (a non-asymptotic version derived in this book).
    """
    d = check_int(d, "d", minimum=3)
    b = check_positive(b, "b")
    p = check_probability(p, "p")
    return b * math.sqrt(d) * math.sqrt(2 * math.log(2 / p)) / (d - 2)


# ----------------------------------------------------------------------------- the catalogue
MODE_SIZE = "n per mode"  # Limit.axis of the tensor bounds: n x n x n, not n x n


@dataclass
class Limit:
    """One bound of the four papers against its trivial baseline, with its threshold.

    ``threshold`` is the smallest size with ``bound(n) < trivial(n)`` (``<=`` when not
    ``strict``), or ``None`` when the bound is vacuous on all of ``[lo, hi]``.
    """

    paper: str
    result: str
    label: str
    axis: str
    meaning: str
    params: str
    bound: Callable[[int], Any] = field(repr=False)
    trivial: Callable[[int], Any] = field(repr=False)
    lo: int = 1
    hi: int = 10**15
    strict: bool = True
    chapter: str = ""
    threshold: int | None = None

    def nonvacuous(self, n: int) -> bool:
        """Whether the bound beats the baseline at size ``n``."""
        b, t = self.bound(n), self.trivial(n)
        return bool(b < t) if self.strict else bool(b <= t)

    def grid(self, points: int = 64) -> list[int]:
        """Log-spaced sizes of ``[lo, hi]`` (the monotonicity grid of the search)."""
        return _geometric_grid(self.lo, self.hi, check_int(points, "points", minimum=2))

    def search(self) -> Limit:
        """Fill ``threshold`` with :func:`nonvacuous_threshold` (None if never non-vacuous)."""
        if not self.nonvacuous(self.hi):
            self.threshold = None
            return self
        self.threshold = nonvacuous_threshold(self.bound, self.trivial, self.lo, self.hi,
                                              strict=self.strict)
        return self


def laptop_limits(
    eps: float = 0.1,
    r: int = 1,
    c2_fit: float = 1.5,
    delta: float = 0.01,
    *,
    c3: float = 1.0,
    taylor_dims: Sequence[int] = (2, 3, 5),
    refutation_dims: Sequence[int] = (1, 2),
) -> list[Limit]:
    """Every bound of the book compared with its trivial baseline, thresholds searched.

    Parameters
    ----------
    eps : float in (0, 1/e), default 0.1
        Accuracy of Theorem 1.3 / Eq. (3), Theorem 3.8 (``t = ceil(log 1/eps)``) and
        Theorem 2.1 (Budzinskiy).
    r : int >= 1, default 1
        Target rank of Zhang and Saab's Theorems 4.4 and 4.9 (``alpha = 1``, ``beta = 0.5``,
        ``sigma = 0.5``).
    c2_fit : float > 0, default 1.5
        Empirical constant of Eq. (2) (fitted in Part I; see :func:`fit_jl_constant`).
    delta : float in (0, 1), default 0.01
        Failure probability of Deng et al.'s Lemma 4.1.
    c3 : float > 0, default 1.0
        Constant of Eq. (5) for ``d = 3`` (Theorems 6.1 and 6.5 on ``n x n x n`` tensors,
        whose TT ranks never exceed ``n``).
    taylor_dims, refutation_dims : sequences of int >= 1
        Dimensions ``m`` for Eq. (1) (``eps = 1e-3``, ``M = 1``, as in Part I) and for
        Theorem 2.1 (``C_u = C_v = m**m``, as in Part II).

    Returns
    -------
    list of Limit
        Each with ``threshold`` filled in.

    References
    ----------
    S. Budzinskiy, Eqs. (1)-(3) and (5), Theorems 1.3, 2.1, 3.8, 6.1, 6.5; Zhang and Saab,
    Theorems 4.4, 4.9; Deng et al., Lemmas 4.1 Part 2 and D.2, D.8.
    """

    eps = check_eps(eps)
    if eps >= math.exp(-1):
        raise ValueError(f"eps must lie in (0, 1/e) (Theorem 3.8 needs t >= 2), got {eps}")
    r = check_int(r, "r")
    c2_fit = check_positive(c2_fit, "c2_fit")
    delta = check_probability(delta, "delta")
    c3 = check_positive(c3, "c3")
    c2_explicit = 4 / (1 - 2 * eps / 3)
    rank_vs_n = "rank bound < n"

    def ident(n: int) -> int:
        return n

    out = [
        Limit("budzinskiy", "eq-3", f"Eq. (3), fitted c2={c2_fit:.2f}", "n", rank_vs_n,
              f"eps={eps:g}, c2={c2_fit:.3g}",
              lambda n: jl_rank(eps, n, n, c2_fit), ident, lo=2, chapter="part1/jl_maxnorm"),
        Limit("budzinskiy", "eq-3", "Eq. (3), explicit c2", "n", rank_vs_n,
              f"eps={eps:g}, c2=4/(1-2eps/3)={c2_explicit:.3g}",
              lambda n: jl_rank(eps, n, n, c2_explicit), ident, lo=2,
              chapter="part1/jl_maxnorm"),
        Limit("budzinskiy", "theorem-3.8", "Thm 3.8, t=ceil(log 1/eps)", "n", rank_vs_n,
              f"eps={eps:g}, t={math.ceil(math.log(1 / eps))}, c2={c2_fit:.3g}",
              lambda n: thm38_rank(eps, n, n, c2_fit), ident, lo=2,
              chapter="part2/inner_product"),
        # The theorem itself asks t >= e^2 M ||W||_2 R^2; with M ||W||_2 R^2 = 1 that is t = 8,
        # so ceil(log(1/eps)) is admissible only for eps <= exp(-e^2) = 6.2e-4.
        Limit("budzinskiy", "theorem-3.8", "Thm 3.8, t=8", "n", rank_vs_n,
              f"eps={eps:g}, t=ceil(e^2 M|W|R^2)=8 at M|W|R^2=1, c2={c2_fit:.3g}",
              lambda n: thm38_rank(eps, n, n, c2_fit, t=math.ceil(math.e**2)), ident, lo=2,
              chapter="part2/inner_product"),
        # An n x n x n tensor has TT ranks (r1, r2) <= (n, n): the bounds must beat n.
        Limit("budzinskiy", "eq-5", f"Eq. (5), d=3, c3={c3:g}", MODE_SIZE, "TT rank bound < n",
              f"eps={eps:g}, n x n x n, c3={c3:g}",
              lambda n: tt_rank_eq5(eps, (n, n, n), c3), ident, lo=2,
              chapter="part2/tensors"),
        Limit("budzinskiy", "theorem-6.5", "Thm 6.5, d=3, t=8", MODE_SIZE, "TT rank bound < n",
              f"eps={eps:g}, t=ceil(e^2 M R^d)=8 at M R^d=1, c3={c3:g}",
              lambda n: thm65_rank(eps, (n, n, n), c3, t=math.ceil(math.e**2)), ident, lo=2,
              chapter="part2/tensors"),
    ]
    for m in refutation_dims:
        m = check_int(m, "m")
        out.append(Limit("budzinskiy", "theorem-2.1", f"Thm 2.1, m={m}", "n", rank_vs_n,
                         f"eps={eps:g}, C_u=C_v=m^m={m**m}",
                         lambda n, m=m: thm21_rank(n, n, eps, m**m, m**m), ident, lo=2,
                         hi=10**30, chapter="part2/refutation"))
    for m in taylor_dims:
        m = check_int(m, "m")
        out.append(Limit("budzinskiy", "eq-1", f"Eq. (1), m={m}", "n", rank_vs_n,
                         f"m={m}, eps=1e-3, M=1", lambda n, m=m: taylor_rank(m, 1e-3, 1.0),
                         ident, lo=1, hi=10**30, chapter="part1/function_generated"))
    box = 4.0  # (2 alpha)^2 with alpha = 1: any two matrices of the box are this close
    out += [
        Limit("zhangsaab", "theorem-4.4", f"Thm 4.4, r={r}", "n", "MSE bound <= 4 alpha^2",
              f"d1=d2=n, r={r}, alpha=1, beta=0.5, C=4 sqrt2 e",
              lambda n: thm44_bound(r, n, n, 1.0, 0.5), lambda _n: box, strict=False,
              chapter="part4/theorem44"),
        Limit("zhangsaab", "theorem-4.9", f"Thm 4.9, r={r}", "n", "MSE bound <= 4 alpha^2",
              f"d1=d2=n, r={r}, alpha=1, sigma=0.5, C=4 sqrt2 e",
              lambda n: thm49_bound(r, n, n, 1.0, 0.5)[1], lambda _n: box, strict=False,
              chapter="part4/theorem49"),
    ]
    for level, what in ((1.0, "|sum f sigma| <= sum f = 1"), (0.5, "below tau = 0.5"),
                        (0.25, "below 1/4")):
        out.append(Limit("dengsong", "lemma-4.1", f"Lemma 4.1.2 < {level:g}", "n",
                         f"bound {what}", f"C=1, delta={delta:g}",
                         lambda n: lemma41_part2_bound(n, delta, 1.0), lambda _n, v=level: v,
                         lo=2, hi=10**30, chapter="part5/toy_softmax_regression"))
    out += [
        Limit("dengsong", "lemma-D.8", "Lemma D.8, Hoeffding", "d",
              "Type-II sum <= 0.1 w.p. 1-p", "b=0.2, p=0.01",
              lambda d: hoeffding_type2_bound(d, 0.2, 0.01), lambda _d: 0.1, lo=3, hi=10**6,
              strict=False, chapter="part5/self_attention_ones"),
        Limit("dengsong", "lemma-D.2", "Lemma D.2.4a, a1=1.2", "n", "n^(a1-1) < 1 (weight)",
              "a1=1.2 (the experiments)", lambda n: float(n) ** 0.2, lambda _n: 1.0, lo=2,
              hi=10**30, chapter="part5/self_attention_ones"),
    ]
    return [lim.search() for lim in out]


def limit_threshold(limits: Sequence[Limit], label: str, params: str = "") -> int | None:
    """The threshold of the one :class:`Limit` whose label starts with ``label``.

    Parameters
    ----------
    limits : sequence of Limit
        For example the output of :func:`laptop_limits` (or several concatenated).
    label : str
        Start of the wanted ``Limit.label`` (e.g. ``"Eq. (3), fitted"``).
    params : str, default ""
        A substring of ``Limit.params`` that must also match (e.g. ``"eps=0.1"``).

    Returns
    -------
    int or None
        ``threshold`` of the matching limit (None: never non-vacuous on its range).

    Raises
    ------
    ValueError
        If no limit or more than one matches (the lookup would be ambiguous).

    References
    ----------
    The bounds catalogued by :func:`laptop_limits`: S. Budzinskiy, Eqs. (1)-(3), (5),
    Theorems 1.3, 2.1, 3.8, 6.5; Zhang and Saab, Theorems 4.4, 4.9; Deng et al., Lemmas 4.1,
    D.2, D.8.
    """
    if not isinstance(label, str):
        raise TypeError(f"label must be a str, got {type(label).__name__}")
    if not isinstance(params, str):
        raise TypeError(f"params must be a str, got {type(params).__name__}")
    items = list(limits)
    if not all(isinstance(lim, Limit) for lim in items):
        raise TypeError("limits must be a sequence of Limit")
    # one entry per (label, params): a limit listed twice is still one limit
    hits = {(lim.label, lim.params): lim.threshold for lim in items
            if lim.label.startswith(label) and params in lim.params}
    if len(hits) != 1:
        raise ValueError(f"label={label!r} with params containing {params!r} must match exactly "
                         f"one limit, matched {len(hits)}: {sorted(hits)}")
    return next(iter(hits.values()))


#: The absolute constant C = 4 sqrt(2) e required in the proof of Theorem 4.4 (with K = 1).
C_ABS = 4.0 * np.sqrt(2.0) * np.e


def thm31_bounds(r: int, d1: int, d: int, d2: int, sigma: float, eps: float) -> dict:
    """Rate and explicit Gaussian-noise bound of Theorem 3.1 on the MSE.

    Returns ``rate = r sigma^2 (d + d2) / (d1 d2)`` and
    ``gaussian = 16 r (8 sigma^2 (d + d2) + eps d1) / (d1 d2)``, which holds with probability
    ``>= 1 - exp(-(d + d2))`` for Gaussian noise (Davidson--Szarek with ``t = sqrt(2(d+d2))``),
    and ``paper_form = 128 r sigma^2 (d+d2)/(d1 d2) + 16 eps`` (the statement's ``A, B``
    made explicit after the loosening ``r <= d2``).

    References
    ----------
    Zhang and Saab, Theorem 3.1 and its proof.
    """
    r = check_int(r, "r")
    d1, d, d2 = (check_int(v, n) for v, n in ((d1, "d1"), (d, "d"), (d2, "d2")))
    sigma = check_positive(sigma, "sigma")
    eps = check_positive(eps, "eps", allow_zero=True)
    rate = r * sigma**2 * (d + d2) / (d1 * d2)
    gaussian = 16 * r * (8 * sigma**2 * (d + d2) + eps * d1) / (d1 * d2)
    return {"rate": rate, "gaussian": gaussian, "paper_form": 128 * rate + 16 * eps}


def _root(r: int, d1: int, d2: int) -> float:
    return float(np.sqrt(r * (d1 + d2) / (d1 * d2)))


def thm44_bound(r: int, d1: int, d2: int, alpha: float, beta: float, C: float = C_ABS) -> float:
    """Explicit bound of Theorem 4.4, ``2 C alpha (4 alpha + 2 beta) sqrt(r(d1+d2)/(d1 d2))``.

    ``C = 4 sqrt(2) e`` is the value the proof requires given its Lemma A.4 with ``K = 1``.

    References
    ----------
    Zhang and Saab, Theorem 4.4 and its proof.
    """
    r, d1, d2 = check_int(r, "r"), check_int(d1, "d1"), check_int(d2, "d2")
    alpha = check_positive(alpha, "alpha")
    beta = check_positive(beta, "beta", allow_zero=True)
    C = check_positive(C, "C")
    return 2 * C * alpha * (4 * alpha + 2 * beta) * _root(r, d1, d2)


def cor47_bound(r: int, d1: int, d2: int, alpha: float, beta: float, eps: float,
                C: float = C_ABS) -> float:
    """Explicit bound of Corollary 4.7: ``2 * thm44_bound + 2 eps``.

    References
    ----------
    Zhang and Saab, Corollary 4.7 and its proof.
    """
    eps = check_positive(eps, "eps", allow_zero=True)
    return 2 * thm44_bound(r, d1, d2, alpha, beta, C) + 2 * eps


def thm49_bound(r: int, d1: int, d2: int, alpha: float, sigma: float,
                C: float = C_ABS) -> tuple[float, float]:
    """Constant ``C_{alpha,sigma}`` and right-hand side of Theorem 4.9, eq. (4).

    Returns
    -------
    C_as : float
        ``16 C alpha beta gamma`` with ``beta = pi sigma^2 exp(alpha^2 / (2 sigma^2))`` and
        ``gamma = (alpha + sigma) / sigma^2``.
    bound : float
        ``C_as max(2 sqrt(log(d1 d2)), 8) sqrt(r (d1 + d2) / (d1 d2))``.

    References
    ----------
    Zhang and Saab, Theorem 4.9.
    """
    r, d1, d2 = check_int(r, "r"), check_int(d1, "d1"), check_int(d2, "d2")
    alpha = check_positive(alpha, "alpha")
    sigma = check_positive(sigma, "sigma")
    C = check_positive(C, "C")
    beta = np.pi * sigma**2 * np.exp(alpha**2 / (2 * sigma**2))
    gamma = (alpha + sigma) / sigma**2
    C_as = 16 * C * alpha * beta * gamma
    factor = max(2 * np.sqrt(np.log(float(d1) * d2)), 8.0)
    return float(C_as), float(C_as * factor * _root(r, d1, d2))


def _taylor_error(C: float, M: float, sigma: float, R: float, t: int, eps: float,
                  k: int) -> float:
    """``C [e^{-t} + eps (e^{k M sigma R^2} - 1)]``, the shape shared by Thm 4.5 and Cor 4.8."""
    C, M = check_positive(C, "C", allow_zero=True), check_positive(M, "M")
    sigma, R = check_positive(sigma, "sigma"), check_positive(R, "R")
    t = check_int(t, "t")
    eps = check_positive(eps, "eps", allow_zero=True)
    return C * (math.exp(-t) + eps * math.expm1(k * M * sigma * R**2))


def thm45_bound(C: float, M: float, sigma: float, R: float, t: int, eps: float) -> float:
    """Right-hand side ``C [e^{-t} + eps (e^{4 M sigma R^2} - 1)]`` of Theorem 4.5.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 4.5.
    """
    return _taylor_error(C, M, sigma, R, t, eps, 4)


def cor48_bound(C: float, M: float, sigma: float, R: float, t: int, eps: float) -> float:
    """Right-hand side ``C [e^{-t} + eps (e^{8 M ||W|| R^2} - 1)]`` of Corollary 4.8.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Corollary 4.8.
    """
    return _taylor_error(C, M, sigma, R, t, eps, 8)


# Cramer's constant in |H_n(x)| <= K 2^{n/2} sqrt(n!) e^{x^2/2} (Abramowitz & Stegun 22.14.17,
# K = 1.086435...); rounded up so that the bound stays an upper bound.
_CRAMER = 1.086436


def gauss_sq_derivative_bound(t: int) -> float:
    """Upper bound ``K sqrt(2^t t!)`` on ``sup_u |d^t/du^t exp(-u^2)|`` (Cramer's inequality).

    ``d^t/du^t e^{-u^2} = (-1)^t H_t(u) e^{-u^2}`` with the physicists' Hermite polynomial
    ``H_t``, and ``|H_t(u)| e^{-u^2} <= |H_t(u)| e^{-u^2/2} <= K 2^{t/2} sqrt(t!)``. The growth
    ``sqrt(t!)`` shows that ``exp(-u^2)`` violates Assumption 3.5.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Lemma 4.3 and Assumption 3.5;
    M. Abramowitz and I. Stegun, Handbook of Mathematical Functions, 22.14.17.
    """
    t = check_int(t, "t", minimum=0)
    return _CRAMER * math.exp(0.5 * (t * math.log(2.0) + math.lgamma(t + 1)))


def rank_detach_all(r: int, t: int, p: int, crude: bool = True) -> int:
    """Rank count when the whole sum ``Z_1 + ... + Z_p`` is detached at once (Remark 4.2).

    ``(AB^T + S)^{*t} = sum_s C(t, s) S^{*(t-s)} * (AB^T)^{*s}`` with ``S = sum_i Z_i``.
    With ``crude=True`` the paper's count ``rank(S^{*q}) <= p^q`` gives
    ``p^t + (p^t - 1)/(p - 1) r``; with ``crude=False`` the monomial count
    ``rank(S^{*q}) <= C(q + p - 1, p - 1)`` is used, which gives exactly ``R_r(t, p)``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Remark 4.2.
    """
    r = check_int(r, "r")
    t = check_int(t, "t", minimum=0)
    p = check_int(p, "p")

    def rank_s(q: int) -> int:
        return p**q if crude else math.comb(q + p - 1, p - 1)

    return rank_s(t) + r * sum(rank_s(q) for q in range(t))


def thm21_rank(n1: int, n2: int, eps: float, Cu: int | float, Cv: int | float) -> int:
    """Rank ``ceil(8 log(n1 + n2 + 1) (1 + 2 (Cu + Cv + 1)/eps)**2)`` of Theorem 2.1.

    The square is formed exactly in rationals and the logarithm in 60-digit decimals, so the
    result is the exact integer even when ``Cu, Cv ~ m**m`` are astronomically large.

    Parameters
    ----------
    n1, n2 : int >= 1
        Matrix size.
    eps : float in (0, 1)
        Relative accuracy.
    Cu, Cv : int or float > 0
        Row-norm constants of Lemma 2.2 (the paper's lower estimates are ``C**2 m**m`` and
        ``m**m``).

    Returns
    -------
    int

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 2.1 (= Udell & Townsend,
    Theorem 4.2) and the discussion after Lemma 2.2.
    """
    n1 = check_int(n1, "n1")
    n2 = check_int(n2, "n2")
    eps_f = _as_fraction(check_eps(eps))
    for value, name in ((Cu, "Cu"), (Cv, "Cv")):
        if not isinstance(value, int):
            check_positive(value, name)
        elif value <= 0:
            raise ValueError(f"{name} must lie in (0, inf), got {value}")
    square = (1 + 2 * (_as_fraction(Cu) + _as_fraction(Cv) + 1) / eps_f) ** 2
    digits = len(str(square.numerator)) + 60
    with decimal.localcontext() as ctx:
        ctx.prec = digits
        log_term = decimal.Decimal(n1 + n2 + 1).ln()
        value = 8 * log_term * decimal.Decimal(square.numerator) / decimal.Decimal(
            square.denominator
        )
        return int(value.to_integral_value(rounding=decimal.ROUND_CEILING))


def lemma22_degree(m: int, eps: float, M: float, C: float = 1.0) -> int:
    """Smallest integer ``rho >= max(2 e m M, log2(C/eps))`` (Lemma 2.2 allows up to ``+1``).

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Lemma 2.2.
    """
    m = check_int(m, "m")
    eps = check_eps(eps)
    M = check_positive(M, "M")
    C = check_positive(C, "C")
    return max(1, math.ceil(max(2 * math.e * m * M, math.log2(C / eps))))


def lemma22_rank(m: int, eps: float, M: float, C: float = 1.0) -> int:
    """Rank bound ``(rho + 1) m**rho`` of Lemma 2.2 with ``rho`` from :func:`lemma22_degree`.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Lemma 2.2.
    """
    rho = lemma22_degree(m, eps, M, C)
    return (rho + 1) * m**rho


def hoeffding_rff_bound(n1: int, n2: int, rho: int, delta: float) -> float:
    """``sqrt(2 log(2 n1 n2 / delta) / rho)``: max-norm RFF error with probability ``1 - delta``.

    Each entry of ``A B^T`` is a mean of ``rho`` i.i.d. terms in ``[-1, 1]`` with mean
    ``kappa``; Hoeffding gives ``P(|err| >= s) <= 2 exp(-rho s^2 / 2)``, and a union bound over
    the ``n1 n2`` entries gives the formula. It holds for *any* points in ``R^m``, so it does not
    depend on ``m``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 5.2 (this explicit bound
    is the book's derivation); W. Hoeffding (1963).
    """
    n1 = check_int(n1, "n1")
    n2 = check_int(n2, "n2")
    rho = check_int(rho, "rho")
    delta = check_probability(delta, "delta")
    return math.sqrt(2.0 * math.log(2.0 * n1 * n2 / delta) / rho)


def theorem38_exp_rank(n1: int, n2: int, eps: float, logit_radius: float, *,
                       c2: float = 1.0) -> dict[str, float]:
    """Smallest rank Theorem 3.8 guarantees for ``exp`` of logits bounded by ``logit_radius``.

    For ``A = exp(Q K^T / sqrt(m))`` with ``|q_i| |k_j| / sqrt(m) <= beta`` take ``h = exp`` on
    ``Omega = [-beta, beta]``, so Assumption 3.5 holds with ``C = e^beta = ||h||_inf`` and
    ``M = 1``, and ``sigma R^2 = beta``. Theorem 3.8 gives rank ``1 + (t - 1) r`` with error
    ``C [e^{-t} + eps_JL (e^beta - 1)]`` for every integer ``t >= e^2 beta``, ``r`` from Eq. (2)
    at accuracy ``eps_JL``. For a target ``eps`` (relative to ``C``) we take, for each ``t``,
    the largest admissible ``eps_JL = (eps - e^{-t}) / (e^beta - 1)`` (capped below 1) and
    return the ``t`` with the smallest rank.

    Parameters
    ----------
    n1, n2 : int >= 1
        Matrix size.
    eps : float in (0, 1)
        Target max-norm error relative to ``C = e^beta``.
    logit_radius : float > 0
        ``beta``, a bound on ``|q_i| |k_j| / sqrt(m)``.
    c2 : float > 0, default 1.0
        The unknown absolute constant of Eq. (2) (pass a fitted value; see Part I).

    Returns
    -------
    dict
        ``rank``, ``t``, ``eps_jl`` and ``r`` (the JL rank of Eq. (2)).

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 3.8, Corollary 3.7,
    Eq. (2) and §1.3.
    """
    n1, n2 = check_int(n1, "n1"), check_int(n2, "n2")
    eps = check_eps(eps)
    beta = check_positive(logit_radius, "logit_radius")
    c2 = check_positive(c2, "c2")
    return _theorem38_best(n1, n2, eps, beta, c2)


def theorem38_exp_ranks(n1: int, n2: int, eps_values: Sequence[float], logit_radius: float, *,
                        c2: float = 1.0) -> np.ndarray:
    """The rank of :func:`theorem38_exp_rank` at several tolerances, checked once.

    Parameters
    ----------
    n1, n2 : int >= 1
    eps_values : sequence of float in (0, 1)
    logit_radius : float > 0
    c2 : float > 0, default 1.0

    Returns
    -------
    numpy.ndarray of float
        ``theorem38_exp_rank(n1, n2, eps, logit_radius, c2=c2)["rank"]`` per ``eps``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 3.8 and Eq. (2).
    """
    n1, n2 = check_int(n1, "n1"), check_int(n2, "n2")
    eps = [check_eps(float(e)) for e in eps_values]
    beta = check_positive(logit_radius, "logit_radius")
    c2 = check_positive(c2, "c2")
    return np.array([_theorem38_best(n1, n2, e, beta, c2)["rank"] for e in eps], dtype=float)


def _theorem38_best(n1: int, n2: int, eps: float, beta: float, c2: float) -> dict[str, float]:
    # checked arguments; the 60 Taylor degrees call the unchecked Eq. (2) rank, whose
    # per-call checks used to dominate the cost of a dense sweep over eps
    t0 = max(1, math.ceil(math.e**2 * beta), math.floor(math.log(1 / eps)) + 1)
    best: dict[str, float] | None = None
    for t in range(t0, t0 + 60):
        eps_jl = min((eps - math.exp(-t)) / math.expm1(beta), 1 - 1e-9)
        r = _embedding_rank(eps_jl, (n1, n2), c2)
        rank = 1 + (t - 1) * r  # thm38_rank at this t
        if best is None or rank < best["rank"]:
            best = {"rank": rank, "t": t, "eps_jl": eps_jl, "r": r}
    assert best is not None
    return best


def _as_fraction(x: float) -> Fraction:
    return Fraction(x).limit_denominator(10**12) if isinstance(x, float) else Fraction(x)
