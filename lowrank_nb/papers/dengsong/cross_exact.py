"""Exact laws of weighted sums of random signs, for Deng et al.'s two-sided events.

The lemmas of Deng et al. bound ``<c, sigma> = sum_i c_i sigma_i`` for a fixed weight vector
``c`` and a uniform sign vector ``sigma``. When ``c`` takes only a few distinct values, the sum
is a combination of independent Binomials and its law is exact:

* :func:`sign_sum_law` enumerates the whole law (a few distinct values, moderate counts), used
  for the cross-attention rows of Lemmas F.4, F.8, F.12 and F.16 (``d`` signs);
* :func:`sign_sum_tail` gives ``P(|sum| > t)`` with the largest group handled by the Binomial
  CDF, so ``n`` up to ``10**6`` stays cheap; used for Lemmas 4.1/4.2 Part 1 (``n`` signs);
* :func:`lin_extreme_groups` builds the attention vector ``f_lin`` of Definition 3.8 whose
  scores sit at the ends of ``[ln n, 1.4 ln n]`` and maximise ``sum f_i^2``;
* :func:`tight_constant` solves ``P(|<f, sigma>| > C sqrt(ln(n/delta)/n)) = target`` for ``C``.

References
----------
Y. Deng, Z. Song, K. Yuan, T. Zhou, "Why softmax attention outperforms linear attention"
(arXiv 2310.11685v2), Lemmas 4.1, 4.2, F.4, F.8, F.12, F.16.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.stats import binom

from lowrank_nb.core.validate import check_int, check_positive

__all__ = [
    "group_coefficients",
    "lin_extreme_groups",
    "prob_abs_below",
    "sign_sum_law",
    "sign_sum_tail",
    "tight_constant",
]


def group_coefficients(c: Sequence[float] | np.ndarray, rtol: float = 1e-12
                       ) -> list[tuple[float, int]]:
    """Distinct values of ``c`` with their multiplicities (values within ``rtol`` merged).

    Merging is needed because rows computed by an attention layer carry rounding: entries that
    are equal on paper differ in the last bits.
    """
    v = np.sort(np.asarray(c, dtype=float).ravel())
    if v.size == 0:
        raise ValueError("c must not be empty")
    if not np.all(np.isfinite(v)):
        raise ValueError("c must be finite")
    groups: list[list[float]] = [[v[0]]]
    for x in v[1:]:
        ref = groups[-1][0]
        if abs(x - ref) <= rtol * max(abs(ref), abs(x), 1e-300):
            groups[-1].append(x)
        else:
            groups.append([x])
    return [(float(np.mean(g)), len(g)) for g in groups]


def _group_law(value: float, count: int) -> tuple[np.ndarray, np.ndarray]:
    k = np.arange(count + 1)
    return value * (2.0 * k - count), binom.pmf(k, count, 0.5)


def sign_sum_law(groups: Sequence[tuple[float, int]], max_support: int = 2_000_000
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Exact law of ``sum_g value_g * (sum of count_g independent signs)``.

    Parameters
    ----------
    groups : sequence of ``(value, count)``
        As returned by :func:`group_coefficients`.
    max_support : int
        Refuse laws with more support points than this (the product of ``count_g + 1``).

    Returns
    -------
    values, probs : ndarray
        Support points (not merged; equal sums from different sign patterns stay separate)
        and their probabilities, which sum to 1.
    """
    if len(groups) == 0:
        raise ValueError("groups must not be empty")
    size = 1
    for _, cnt in groups:
        size *= check_int(cnt, "count") + 1
    if size > max_support:
        raise ValueError(f"law has {size} support points (> max_support={max_support}); "
                         f"use sign_sum_tail")
    vals, probs = np.zeros(1), np.ones(1)
    for value, cnt in groups:
        gv, gp = _group_law(float(value), cnt)
        vals = (vals[:, None] + gv[None, :]).ravel()
        probs = (probs[:, None] * gp[None, :]).ravel()
    return vals, probs


def prob_abs_below(c: Sequence[float] | np.ndarray, r: float, rtol: float = 1e-12
                   ) -> tuple[float, float]:
    """Exact ``P(|<c, sigma>| < r)`` and the distance of the law's support from ``|x| = r``.

    The distance (``min |(|x| - r)|`` over the support) tells whether rounding in ``c`` could
    move a support point across the boundary: the probability is exact as long as the
    distance is far above the rounding of ``c``.
    """
    r = check_positive(r, "r")
    vals, probs = sign_sum_law(group_coefficients(c, rtol))
    inside = np.abs(vals) < r
    return float(probs[inside].sum()), float(np.min(np.abs(np.abs(vals) - r)))


def sign_sum_tail(groups: Sequence[tuple[float, int]], t: float) -> float:
    """Exact ``P(|sum_g value_g S_g| > t)``, ``S_g`` a sum of ``count_g`` independent signs.

    All groups but the one with the largest count are enumerated (their support must stay
    below ``2e6`` points); the largest group enters through the Binomial CDF/SF, so ``n`` can
    be large. Values must be non-zero for the Binomial group.
    """
    if t < 0 or not math.isfinite(t):
        raise ValueError(f"t must be finite and >= 0, got {t}")
    groups = list(groups)
    big = max(range(len(groups)), key=lambda i: groups[i][1])
    vb, kb = float(groups[big][0]), check_int(groups[big][1], "count")
    if vb == 0.0:
        raise ValueError("the largest group must have a non-zero value")
    rest = [g for i, g in enumerate(groups) if i != big]
    if rest:
        xs, ps = sign_sum_law(rest)
    else:
        xs, ps = np.zeros(1), np.ones(1)
    vb = abs(vb)  # the law of S_b is symmetric
    # X = x + vb (2B - kb) > t  <=>  B > (t - x + vb kb) / (2 vb)
    hi = (t - xs + vb * kb) / (2 * vb)
    lo = (-t - xs + vb * kb) / (2 * vb)
    # B > hi: sf(floor(hi)); B < lo: cdf(ceil(lo) - 1); a relative 1e-12 guards exact hits
    p_hi = binom.sf(np.floor(hi * (1 + 1e-12) + 1e-12), kb, 0.5)
    p_lo = binom.cdf(np.ceil(lo * (1 - 1e-12) - 1e-12) - 1, kb, 0.5)
    return float(np.sum(ps * (p_hi + p_lo)))


def lin_extreme_groups(n: int, cls: int, lo: float = 1.0, hi: float = 1.4,
                       spike: float = 4.0) -> tuple[list[tuple[float, int]], int]:
    """``f_lin`` of Definition 3.8 with scores at the ends of the range, ``sum f^2`` maximal.

    ``k`` scores sit at ``hi ln n`` and the rest at ``lo ln n`` (plus, for ``cls = 1``, one
    score ``spike ln n``); ``k`` maximises ``sum_i f_i^2`` (scanned exactly over ``0..n``).
    Since ``sum f^2 = sum u^2 / (sum u)^2`` is convex in the scores, its maximum over the box
    sits at such a vertex. The common factor ``ln n`` cancels in ``f_lin``.

    Returns
    -------
    groups : list of ``(value, count)``
        Zero-count groups dropped.
    k : int
        Number of scores at the top of the range.
    """
    n = check_int(n, "n", minimum=2)
    if cls not in (0, 1):
        raise ValueError(f"cls must be 0 or 1, got {cls}")
    free = n - cls
    k = np.arange(free + 1, dtype=float)
    s1 = cls * spike + hi * k + lo * (free - k)
    s2 = cls * spike**2 + hi**2 * k + lo**2 * (free - k)
    kbest = int(np.argmax(s2 / s1**2))
    total = float(s1[kbest])
    groups = [(hi / total, kbest), (lo / total, free - kbest)]
    if cls == 1:
        groups.append((spike / total, 1))
    return [g for g in groups if g[1] > 0], kbest


def tight_constant(groups: Sequence[tuple[float, int]], n: int, delta: float, target: float,
                   c_hi: float = 20.0, tol: float = 1e-6) -> float:
    """Smallest ``C`` with ``P(|<f, sigma>| > C sqrt(ln(n/delta)/n)) <= target`` (bisection).

    The tail is non-increasing in ``C``; the bisection stops at width ``tol``.
    """
    n = check_int(n, "n", minimum=2)
    scale = math.sqrt(math.log(n / check_positive(delta, "delta")) / n)
    target = check_positive(target, "target")
    if sign_sum_tail(groups, c_hi * scale) > target:
        raise ValueError(f"tail still above target at C = {c_hi}")
    a, b = 0.0, c_hi
    while b - a > tol:
        mid = 0.5 * (a + b)
        a, b = (a, mid) if sign_sum_tail(groups, mid * scale) <= target else (mid, b)
    return b
