"""Exact rank formulas, in Python integers.

The counts overflow int64 quickly (the Taylor count of Eq. (1) is 3.6e25 at m = 20), so
every formula here returns a Python ``int`` and uses ``math.comb``.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from ._validate import check_eps, check_int, check_positive, check_probability, check_rng

__all__ = [
    "Limit",
    "R_rank",
    "R_rank_closed_form",
    "fit_jl_constant",
    "hoeffding_type2_bound",
    "jl_rank",
    "jl_rank_explicit",
    "laptop_limits",
    "lemma41_part2_bound",
    "nonvacuous_threshold",
    "taylor_degree",
    "taylor_rank",
    "thm38_rank",
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


def fit_jl_constant(
    ns: Sequence[int],
    ms: Sequence[int],
    ks: Sequence[int],
    schemes: Sequence[str] = ("independent", "symmetric"),
    reps: int = 5,
    rng: Any = None,
) -> np.ndarray:
    """Fitted constants ``c2 = k median(eps_hat)**2 / log(2 e n**2)`` of Eq. (2), one per cell.

    For each cell ``(n, m, k, scheme)`` (nested loops in this order) it draws ``reps`` pairs
    of ``n x m`` matrices with rows in the unit ball (``B = A`` for ``"symmetric"``), sketches
    them with a Gaussian JL map of width ``k`` and records the realised max-norm error. With
    the Part I grid and ``rng = default_rng(111)`` as the first draws it reproduces that
    chapter's fit exactly.

    Parameters
    ----------
    ns, ms, ks : sequences of int >= 1
    schemes : sequence of {"independent", "symmetric"}
    reps : int >= 1, default 5
    rng : numpy.random.Generator or int seed

    Returns
    -------
    ndarray, shape (len(ns) * len(ms) * len(ks) * len(schemes),)

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 1.3 and Eq. (2).
    """
    from .embeddings.jl import jl_factors, realised_jl_error
    from .sampling import sample_ball

    grid = []
    for name, seq in (("ns", ns), ("ms", ms), ("ks", ks)):
        if isinstance(seq, (str, bytes)) or not isinstance(seq, Sequence) or len(seq) == 0:
            raise TypeError(f"{name} must be a non-empty sequence of integers")
        grid.append([check_int(v, name) for v in seq])
    if isinstance(schemes, (str, bytes)) or len(schemes) == 0:
        raise TypeError("schemes must be a non-empty sequence of 'independent'/'symmetric'")
    for s in schemes:
        if s not in ("independent", "symmetric"):
            raise ValueError(f"schemes must contain 'independent' or 'symmetric', got {s!r}")
    reps = check_int(reps, "reps")
    rng = check_rng(rng)
    out = []
    for n in grid[0]:
        for m in grid[1]:
            for k in grid[2]:
                for scheme in schemes:
                    eps_hat = []
                    for _ in range(reps):
                        A = sample_ball(n, m, rng=rng)
                        B = A if scheme == "symmetric" else sample_ball(n, m, rng=rng)
                        U, V = jl_factors(A, B, k, rng)
                        eps_hat.append(realised_jl_error(A, B, U, V))
                    out.append(k * np.median(eps_hat) ** 2 / math.log(2 * math.e * n * n))
    return np.asarray(out)


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
    from .compression import thm44_bound, thm49_bound
    from .refutation import thm21_rank

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
