"""Helpers of the Part V chapters: the Section 7 panel sweeps and the exact row tails.

The chapters keep the paper's grids in view (they define the ``panels`` dictionaries) and call
these functions to run a panel, evaluate an exact oracle on it, compare the two, and compute
the exact failure probabilities of the self-attention lemmas on reduced output rows.

References
----------
Y. Deng, Z. Song, K. Yuan, T. Zhou, "Why softmax attention outperforms linear attention"
(arXiv 2310.11685v2), Section 7.2, Appendix F.6 (Figures 4, 5 and 7), Lemmas D.8, D.12, D.16.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from lowrank_nb.core.validate import check_array, check_int, check_positive, check_real
from lowrank_nb.papers.dengsong.separation import (
    attention_layer,
    cross_instance,
    paper_m,
    self_success,
    sweep,
)
from lowrank_nb.papers.dengsong.separation_exact import sign_sum_tail

__all__ = [
    "cross_layer",
    "cross_m",
    "exact_panel",
    "numerical_rank",
    "panel_zscores",
    "reduced_row",
    "row_sign_tails",
    "sci_text",
    "self_panel_sweep",
    "type2_tail",
]

_SUP = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def sci_text(x: float, digits: int = 2) -> str:
    """``2.8·10⁶``-style text of a number, for glued prose values.

    Parameters
    ----------
    x : float, finite
    digits : int >= 1
        Significant digits of the mantissa.

    Returns
    -------
    str

    References
    ----------
    Deng et al., Lemma 4.1 Part 2 (the chapter glues its non-vacuity thresholds this way).
    """
    x = check_real(x, "x")
    digits = check_int(digits, "digits", minimum=1)
    mant, exp = f"{x:.{digits - 1}e}".split("e")
    return f"{mant}·10{str(int(exp)).translate(_SUP)}"


def _panel(name: str, panels: Mapping[str, Any]) -> tuple[np.ndarray, dict]:
    if name not in panels:
        raise ValueError(f"name must be one of {sorted(panels)}, got {name!r}")
    values, over = panels[name]
    return np.asarray(values), dict(over)


def self_panel_sweep(X: str, name: str, panels: Mapping[str, Any],
                     defaults: Mapping[str, Any], *, trials: int,
                     rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Monte Carlo of one self-attention panel of Figure 4 (``X='identity'``) or 5 (``'ones'``).

    Parameters
    ----------
    X : {'ones', 'identity'}
    name : str
        The swept parameter, a key of ``panels``.
    panels : mapping name -> (values, overrides)
        The grid of each panel and the defaults it changes (e.g. ``d = 12`` in panel (a)).
    defaults : mapping
        ``n, d, m, a0, a1, b, c`` of the experiments.
    trials : int >= 1
        Trials per point (the paper: 100).
    rng : numpy.random.Generator
        Required; each point gets a child generator (:func:`sweep`).

    Returns
    -------
    dict of arrays, as :func:`lowrank_nb.papers.dengsong.separation.sweep`.

    References
    ----------
    Deng et al., Section 7.2, Figures 4 and 5.
    """
    if X not in ("ones", "identity"):
        raise ValueError(f"X must be 'ones' or 'identity', got {X!r}")
    values, over = _panel(name, panels)
    fixed = {**defaults, **over}
    fixed.pop(name, None)
    return sweep(self_success, name, values, trials=trials, rng=rng, X=X, **fixed)


def exact_panel(oracle: Callable[..., float], name: str, panels: Mapping[str, Any],
                defaults: Mapping[str, Any]) -> np.ndarray:
    """An exact success oracle evaluated on every point of one self-attention panel.

    Parameters
    ----------
    oracle : callable ``(n, d, m, a0, a1, b, c) -> float``
        E.g. ``exact_success_self_ones`` or ``exact_success_self_identity``.
    name, panels, defaults
        As in :func:`self_panel_sweep`.

    Returns
    -------
    ndarray of float, one success probability per grid value.

    References
    ----------
    Deng et al., Section 7.2, Figures 4 and 5 (exact counterparts of the plotted ratios).
    """
    if not callable(oracle):
        raise TypeError("oracle must be callable")
    values, over = _panel(name, panels)
    fixed = {**defaults, **over}
    out = []
    for v in values:
        kw = {**fixed, name: v}
        out.append(oracle(int(kw["n"]), int(kw["d"]), int(kw["m"]), kw["a0"], kw["a1"], kw["b"],
                          kw["c"]))
    return np.array(out)


def panel_zscores(mc: Mapping[str, Mapping[str, np.ndarray]], exact: Mapping[str, np.ndarray],
                  trials: int, floor: float = 0.01) -> np.ndarray:
    """Standardised deviations of Monte-Carlo success ratios from exact probabilities.

    ``z = (mc - p) / max(sqrt(p (1 - p) / trials), floor)`` for every point of every panel in
    the order of ``exact``; the floor keeps ``p`` in {0, 1} from dividing by zero.

    Parameters
    ----------
    mc : mapping name -> sweep result (with a ``'success'`` array)
    exact : mapping name -> exact success probabilities on the same grid
    trials : int >= 1
    floor : float > 0

    Returns
    -------
    ndarray, all panels concatenated.

    References
    ----------
    Deng et al., Section 7.2 and Appendix F.6 (Figures 4, 5 and 7).
    """
    trials = check_int(trials, "trials", minimum=1)
    floor = check_positive(floor, "floor")
    zs = []
    for name, p in exact.items():
        if name not in mc:
            raise ValueError(f"mc has no panel {name!r}")
        p = np.asarray(p, dtype=float)
        s = np.asarray(mc[name]["success"], dtype=float)
        if s.shape != p.shape:
            raise ValueError(f"panel {name!r}: {s.shape} Monte-Carlo points vs {p.shape} exact")
        se = np.maximum(np.sqrt(p * (1 - p) / trials), floor)
        zs.append((s - p) / se)
    return np.concatenate(zs)


def cross_m(params: Mapping[str, Any], delta: float = 0.01) -> int:
    """``m`` of a cross-attention point: the given ``m``, else ``ceil(ln(n / delta))``.

    References
    ----------
    Deng et al., Appendix F.6 (``m = log(n / delta)``) and Figure 7.
    """
    if "n" not in params:
        raise ValueError("params must contain 'n'")
    if "m" in params:
        return check_int(params["m"], "m", minimum=1)
    return paper_m(int(params["n"]), delta=delta)


def reduced_row(row: np.ndarray, k3: int, d: int) -> np.ndarray:
    """``(c_1, c_k3, c_other, c_d)`` of a self-attention output row (Definition D.1, ``X = 1``).

    The Type-II entries other than the spike's class ``k3`` must agree (up to rounding); the
    row is then determined by these four values.

    Parameters
    ----------
    row : ndarray (d,)
    k3 : int in [1, d - 2]
        The Type-II column of the spike row's class.
    d : int >= 4

    References
    ----------
    Deng et al., Lemmas D.8, D.12, D.16 (the rows whose sign sums they bound).
    """
    d = check_int(d, "d", minimum=4)
    k3 = check_int(k3, "k3", minimum=1, maximum=d - 2)
    r = check_array(row, "row", ndim=1)
    if r.shape[0] != d:
        raise ValueError(f"row must have length d = {d}, got {r.shape[0]}")
    rest = [k for k in range(1, d - 1) if k != k3]
    if np.ptp(r[rest]) > 1e-12 * np.abs(r).max():  # equal up to rounding
        raise ValueError("the Type-II entries outside class k3 differ: not a Definition D.1 row")
    return np.array([r[0], r[k3], r[rest[0]], r[-1]])


def row_sign_tails(C: np.ndarray, rows: Any, k3: int, d: int,
                   tau: float) -> list[tuple[float, float]]:
    """Exact ``(P(|<c_r, s>| >= tau), P(<c_r, s> >= tau))`` for each listed row ``r`` of ``C``.

    ``s`` is a Rademacher vector; each row is reduced by :func:`reduced_row` (four values with
    multiplicities 1, 1, d - 3, 1) and the sign-sum law is enumerated exactly.

    References
    ----------
    Deng et al., Lemmas D.8, D.12 and D.16 (two-sided events, Parts 1 and 2).
    """
    Ca = check_array(C, "C", ndim=2)
    tau = check_real(tau, "tau")
    cnt = np.array([1, 1, d - 3, 1])
    out = []
    for r in rows:
        v = reduced_row(Ca[check_int(r, "row index", minimum=0, maximum=Ca.shape[0] - 1)], k3, d)
        out.append((sign_sum_tail(v, cnt, tau), sign_sum_tail(v, cnt, tau, two_sided=False)))
    return out


def type2_tail(b: float, d: int, threshold: float = 0.1) -> float:
    """Exact ``P(|b / (d - 2) * (sum of d - 2 Rademacher signs)| >= threshold)``.

    The Type-II part of ``<c_{j0}, y>`` for ``X = 1`` (Definition D.1); compared with its
    Hoeffding bound ``2 exp(-threshold^2 (d - 2) / (2 b^2))``.

    References
    ----------
    Deng et al., Lemmas D.8, D.12, D.16 (the ``0.1 sqrt(ln n)`` margin) and Lemma 3.1.
    """
    b = check_positive(b, "b")
    d = check_int(d, "d", minimum=3)
    threshold = check_real(threshold, "threshold")
    return sign_sum_tail(np.array([b / (d - 2)]), np.array([d - 2]), threshold)


def cross_layer(n: int, d: int, a: float, kind: str, j2: int, j3: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """Cross-attention output and weights ``(c, P)`` on one input of Definition F.1.

    ``X = V = I_d`` and ``A3 = A2`` (values = keys, eq. (1)); dense path, so ``P`` (the
    row-stochastic ``n x n`` matrix) is returned as well.

    Parameters
    ----------
    n, d : int
        ``(d - 1)`` must divide ``n`` (Definition F.1).
    a : float
        The spike coefficient (``a0`` for D0, ``a1`` for D1).
    kind : {'exp', 'lin'}
    j2, j3 : int in [0, n)
        Spike rows of ``A1`` and ``A2``.

    References
    ----------
    Deng et al., Definition F.1, eq. (1), Definitions C.1/C.4 (Appendix F).
    """
    B1, B2 = cross_instance(n, d, a, j2, j3)
    return attention_layer(B1, B2, B2, np.eye(B1.shape[1]), kind=kind, return_probs=True)


def numerical_rank(M: np.ndarray, rtol: float = 1e-10) -> int:
    """Number of singular values of ``M`` above ``rtol * sigma_1``.

    Parameters
    ----------
    M : ndarray (n1, n2), finite
    rtol : float in (0, 1)

    Returns
    -------
    int (0 for the zero matrix)

    References
    ----------
    Deng et al., Definition D.1 and Claims C.3/C.5 (the ranks of the score and attention
    matrices of the self-attention construction; a remark beyond the paper).
    """
    Ma = check_array(M, "M", ndim=2)
    rtol = check_real(rtol, "rtol", 0.0, 1.0)
    if rtol in (0.0, 1.0):
        raise ValueError(f"rtol must lie in (0, 1), got {rtol}")
    s = np.linalg.svd(Ma, compute_uv=False)
    if s.size == 0 or s[0] == 0.0:
        return 0
    return int(np.sum(s > rtol * s[0]))
