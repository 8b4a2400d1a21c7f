"""Exact success probabilities for the self-attention separation with ``X = I_d``.

Appendix E of Deng et al. replaces the rank-one weight ``X = 1_{d x d}`` of Appendix D by
``X = I_d``. The Monte Carlo of :func:`lowrank_nb.separation.self_success` (``X='identity'``)
had no oracle; this module supplies one.

Why it is exact. With ``X = I_d`` the score of rows ``i, j`` is
``ln n (a^2 [i = j = j3] + b^2 [same class] + c^2)``, so the attention output has at most
``d - 1`` distinct rows: the spike row ``j3``, the other rows of its class ``k3`` and one row per
other class ``k``, which differs from the others only in *which* Type-II column is its own.
Hence the set of distinct rows is invariant under any permutation of the ``d - 3`` Type-II
columns other than ``k3`` (it only permutes the rows), and whether some row crosses ``tau``
depends on a sign vector ``y`` only through ``(y_1, y_{k3}, y_d)`` and the number ``B`` of
``+1`` among the other ``d - 3`` Type-II signs. Summing over these ``8 (d - 2)`` cases with
Binomial weights gives the per-``y`` firing probabilities exactly, and, since the ``m``
weight vectors are independent, the success probability ``(1 - p_bad)^m - q^m``.

Two paths compute the per-``y`` probabilities: the fast path uses closed-form rows and the
symmetry reduction; the reference path (:func:`enumerate_fire_probs`) takes any matrix of
distinct rows (e.g. from :func:`lowrank_nb.separation.self_outputs`, the Monte Carlo's own
rows) and enumerates all ``2^d`` sign vectors, grouping identical columns. The tests compare
them.

References
----------
Y. Deng, Z. Song, K. Yuan, T. Zhou, "Why softmax attention outperforms linear attention"
(arXiv 2310.11685v2), Definition D.1, Lemma E.1, Theorem E.4, Section 7.2 (Figure 4).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from scipy.special import gammaln

from lowrank_nb.core.validate import check_array, check_int
from lowrank_nb.core.validate import check_real as _check_real
from lowrank_nb.papers.dengsong._common import EVENTS

__all__ = [
    "enumerate_fire_probs",
    "exact_fire_probs_self_identity",
    "exact_success_self_identity",
    "self_identity_rows",
    "sign_sum_tail",
]


def _binom_weights(k: int) -> np.ndarray:
    """``P(B = j)`` for ``B ~ Binomial(k, 1/2)``, ``j = 0..k`` (log-space, no overflow)."""
    j = np.arange(k + 1)
    return np.exp(gammaln(k + 1) - gammaln(j + 1) - gammaln(k - j + 1) - k * math.log(2.0))


def _check_params(n, d, a0, a1, b, c, tau):
    n, d = check_int(n, "n", minimum=2), check_int(d, "d", minimum=3)
    if n % (d - 2) != 0:
        raise ValueError(f"n must be a multiple of d - 2, got n={n}, d={d}")
    a0, a1, b, c = (_check_real(v, nm) for v, nm in [(a0, "a0"), (a1, "a1"), (b, "b"), (c, "c")])
    tau = (c + 0.1) * math.sqrt(math.log(n)) if tau is None else _check_real(tau, "tau")
    return n, d, a0, a1, b, c, tau


def self_identity_rows(n: int, d: int, a: float, b: float, c: float,
                       kind: str) -> dict[str, np.ndarray]:
    """Closed-form distinct output rows for ``X = V = I_d`` (Appendix E), in reduced form.

    Every row is returned as ``(c_1, c_k3, c_own, c_rest, c_d)``: the Type-I entry, the
    entry in column ``k3`` (the class of the spike row ``j3``), the entry in the row's own
    Type-II column when that is not ``k3`` (equal to ``c_rest`` otherwise), the entry in each
    remaining Type-II column, and the Type-III entry. Keys: ``'spike'`` (row ``j3``),
    ``'k3'`` (the other rows of class ``k3``; only when ``t >= 2``) and ``'other'`` (rows of
    the other ``d - 3`` classes; only when ``d >= 4``).

    The weights come from the scores ``ln n (a^2 [i = j = j3] + b^2 [same class] + c^2)``
    (softmax, ``kind='exp'``) or the scores themselves (``kind='lin'``), computed here
    without :func:`lowrank_nb.separation.attention_layer`.

    References
    ----------
    Deng et al., Definition D.1 and Lemma E.1 (with the corrected exponent
    ``a^2 + b^2 + c^2``).
    """
    if kind not in ("exp", "lin"):
        raise ValueError(f"kind must be 'exp' or 'lin', got {kind!r}")
    t = n // (d - 2)
    L = math.sqrt(math.log(n))
    if kind == "exp":  # weights relative to exp(c^2 ln n)
        e_sp, e_cls, e_oth = n ** (a * a + b * b), n ** (b * b), 1.0
    else:
        e_sp, e_cls, e_oth = a * a + b * b + c * c, b * b + c * c, c * c
    z_sp = e_sp + (t - 1) * e_cls + (n - t) * e_oth      # row j3
    z_o = t * e_cls + (n - t) * e_oth                     # any row j0 != j3
    if not (z_sp > 0 and z_o > 0):
        raise ValueError("linear attention needs positive row sums of the scores")
    f33, w1, w2 = e_sp / z_sp, e_cls / z_sp, e_oth / z_sp
    ws, wo = e_cls / z_o, e_oth / z_o
    rows = {"spike": np.array([f33 * a * L, (f33 + (t - 1) * w1) * b * L, t * w2 * b * L,
                               t * w2 * b * L, c * L])}
    if t >= 2:
        rows["k3"] = np.array([ws * a * L, t * ws * b * L, t * wo * b * L, t * wo * b * L,
                               c * L])
    if d >= 4:
        rows["other"] = np.array([wo * a * L, t * wo * b * L, t * ws * b * L, t * wo * b * L,
                                  c * L])
    return rows


def _fire_reduced(rows: dict[str, np.ndarray], d: int, tau: float) -> np.ndarray:
    """Firing indicator on the reduced grid ``(y_1, y_k3, y_d, B)``, shape ``(8, d - 2)``.

    ``B`` is the number of ``+1`` among the ``d - 3`` Type-II signs other than ``y_k3``.
    The 'other' rows are maximised over which of those columns is their own: a ``+1`` own
    sign exists iff ``B >= 1``, a ``-1`` one iff ``B <= d - 4``.
    """
    k = d - 3
    B = np.arange(k + 1, dtype=np.float64)
    S = 2.0 * B - k
    out = np.zeros((8, k + 1), dtype=bool)
    for i, (s1, s3, sd) in enumerate(itertools.product((-1.0, 1.0), repeat=3)):
        fire = np.zeros(k + 1, dtype=bool)
        for key, r in rows.items():
            base = r[0] * s1 + r[1] * s3 + r[4] * sd
            if key == "other":
                up = base + r[2] + r[3] * (S - 1.0)     # own column has sign +1
                down = base - r[2] + r[3] * (S + 1.0)   # own column has sign -1
                fire |= ((up > tau) & (B >= 1)) | ((down > tau) & (B <= k - 1))
            else:
                fire |= base + r[2] * S > tau           # own == rest for these rows
        out[i] = fire
    return out


def _probs_from_fire(fire: dict[str, np.ndarray], w: np.ndarray) -> dict[str, float]:
    """Per-``y`` probabilities from firing indicators with cell weights ``w``."""
    p = {k: float(w[f].sum()) for k, f in fire.items()}
    bad = fire["lin_D1"] | fire["exp_D0"] | fire["lin_D0"]
    p["p_bad"] = float(w[bad].sum())
    p["q"] = float(w[~(bad | fire["exp_D1"])].sum())
    return p


def exact_fire_probs_self_identity(n: int, d: int, a0: float = 0.01, a1: float = 1.2,
                                   b: float = 0.2, c: float = 0.8, *,
                                   tau: float | None = None) -> dict[str, float]:
    """Exact per-weight-vector firing probabilities for ``X = I_d`` (Appendix E).

    Keys ``exp_D1, lin_D1, exp_D0, lin_D0`` (probability that one ``y`` in ``{-1,+1}^d``
    makes that network fire, i.e. some row has ``<c_{j0}, y> > tau``), ``p_bad`` (it fires
    one of the three networks that must stay at 0) and ``q`` (it fires none of the four).
    Cost ``O(d)``: closed-form rows and the reduction to ``(y_1, y_k3, y_d, B)``.

    Parameters
    ----------
    n, d : int
        Sequence length and width; ``d >= 3`` and ``(d - 2)`` must divide ``n``.
    a0, a1, b, c : float
        Dataset parameters of Definition D.1.
    tau : float, optional
        Threshold; default ``(c + 0.1) sqrt(ln n)``.

    Returns
    -------
    dict
        The seven probabilities described above.

    References
    ----------
    Deng et al., Lemmas E.1-E.3, Theorem E.4, Section 7.2.
    """
    n, d, a0, a1, b, c, tau = _check_params(n, d, a0, a1, b, c, tau)
    w = (_binom_weights(d - 3) / 8.0)[None, :].repeat(8, axis=0)
    fire = {f"{kind}_D{cls}": _fire_reduced(self_identity_rows(n, d, a, b, c, kind), d, tau)
            for cls, a in ((0, a0), (1, a1)) for kind in ("exp", "lin")}
    return _probs_from_fire(fire, w)


def exact_success_self_identity(n: int, d: int, m: int, a0: float = 0.01, a1: float = 1.2,
                                b: float = 0.2, c: float = 0.8, *,
                                tau: float | None = None) -> float:
    """Exact success probability of the ``X = I_d`` separation with shared weights.

    Success means ``F_exp(D1) > 0``, ``F_lin(D1) = 0``, ``F_exp(D0) = 0`` and
    ``F_lin(D0) = 0`` for one draw of ``m`` i.i.d. Rademacher weight vectors shared by the
    four (network, dataset) pairs; its probability is ``(1 - p_bad)^m - q^m``. Same
    conventions and input checks as :func:`lowrank_nb.separation.exact_success_self_ones`;
    oracle for :func:`lowrank_nb.separation.self_success` with ``X='identity'``.

    Parameters
    ----------
    n, d : int
        Sequence length and width; ``d >= 3`` and ``(d - 2)`` must divide ``n``.
    m : int
        Number of weight vectors, ``m >= 1``.
    a0, a1, b, c : float
        Dataset parameters of Definition D.1 (defaults: the Section 7.2 values).
    tau : float, optional
        Threshold; default ``(c + 0.1) sqrt(ln n)``.

    Returns
    -------
    float
        The success probability, in ``[0, 1]``.

    References
    ----------
    Deng et al., Theorem E.4 (with the three halves it omits) and Figure 4 (Section 7.2).
    """
    m = check_int(m, "m", minimum=1)
    p = exact_fire_probs_self_identity(n, d, a0, a1, b, c, tau=tau)
    return float(min(max((1.0 - p["p_bad"]) ** m - p["q"] ** m, 0.0), 1.0))  # clip rounding


def enumerate_fire_probs(rows: dict[str, np.ndarray], tau: float,
                         max_groups: int = 20) -> dict[str, float]:
    """Reference path: per-``y`` firing probabilities by enumerating sign vectors.

    ``rows`` maps the four keys of :data:`lowrank_nb.separation.EVENTS` to matrices of
    distinct output rows (all of width ``d``). Columns that are identical in all four
    matrices (stacked) enter only through the sum of their signs, so they are grouped and the
    sum is enumerated with Binomial weights; the remaining columns are enumerated over all
    sign patterns. Refuses more than ``max_groups`` groups (``2^20`` patterns).

    References
    ----------
    Deng et al., Section 7.2 (the success event of the experiments).
    """
    if set(rows) != set(EVENTS):
        raise ValueError(f"rows must have the keys {EVENTS}, got {sorted(rows)}")
    mats = {k: check_array(v, f"rows[{k!r}]") for k, v in rows.items()}
    widths = {M.shape[1] for M in mats.values()}
    if len(widths) != 1:
        raise ValueError("all row matrices must have the same width d")
    tau = _check_real(tau, "tau")
    max_groups = check_int(max_groups, "max_groups", minimum=1)
    stack = np.vstack(list(mats.values()))
    _, col_group = np.unique(stack.T, axis=0, return_inverse=True)
    col_group = col_group.ravel()
    sizes = np.bincount(col_group)
    if sizes.size > max_groups:
        raise ValueError(f"{sizes.size} column groups exceed max_groups={max_groups}")
    # for each group: the possible sign sums and their probabilities
    grids = [(2.0 * np.arange(s + 1) - s, _binom_weights(int(s))) for s in sizes]
    sums = np.array(list(itertools.product(*[g[0] for g in grids])))
    w = np.prod(np.array(list(itertools.product(*[g[1] for g in grids]))), axis=1)
    fire = {}
    for k, M in mats.items():
        first = np.array([np.flatnonzero(col_group == g)[0] for g in range(sizes.size)])
        Mg = M[:, first]                      # one representative column per group
        fire[k] = np.any(sums @ Mg.T > tau, axis=1)
    return _probs_from_fire(fire, w)


def sign_sum_tail(values: np.ndarray, counts: np.ndarray, tau: float, *,
                  two_sided: bool = True) -> float:
    """Exact ``P(|sum_g v_g S_g| >= tau)`` (or ``P(sum >= tau)``), ``S_g`` a sum of signs.

    ``S_g`` is the sum of ``counts[g]`` independent Rademacher signs; this is the law of
    ``<c, sigma>`` for a row ``c`` whose entries take the value ``v_g`` on ``counts[g]``
    coordinates. Used for the two-sided events of Lemmas D.8, D.12, D.16 and E.3.

    References
    ----------
    Deng et al., Lemmas D.8, D.12, D.16 and E.3 (events of the form
    ``Pr[|<c_{j0}, sigma>| < (c + 0.1) sqrt(ln n)]``).
    """
    v = check_array(values, "values", ndim=1)
    k = np.asarray(counts)
    if k.shape != v.shape or not np.issubdtype(k.dtype, np.integer) or np.any(k < 0):
        raise ValueError("counts must be non-negative integers, one per value")
    tau = _check_real(tau, "tau")
    if np.prod(k + 1.0) > 5e6:
        raise ValueError("too many sign-sum combinations (> 5e6)")
    sums = np.array(list(itertools.product(*[2.0 * np.arange(s + 1) - s for s in k])))
    w = np.prod(np.array(list(itertools.product(*[_binom_weights(int(s)) for s in k]))),
                axis=1)
    x = sums @ v
    hit = np.abs(x) >= tau if two_sided else x >= tau
    return float(w[hit].sum())
