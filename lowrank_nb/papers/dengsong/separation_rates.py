"""Success rates of the softmax/linear separation as curves, for the book's Explore sections.

Two families of curves:

* :func:`self_separation_rates`: the exact probabilities of the four halves of the
  self-attention separation (Theorem 6.2 with ``X = 1_{d x d}``, Theorem E.4 with ``X = I_d``)
  and of their joint success, over a list of widths ``d``, from the exact per-weight-vector
  firing probabilities of :func:`lowrank_nb.separation.exact_fire_probs_self_ones` and
  :func:`lowrank_nb.papers.dengsong.separation_exact.exact_fire_probs_self_identity` (cached:
  the number ``m`` of weight vectors enters only as a power).
* :func:`toy_product_parts`, :func:`toy_sign_products` and :func:`toy_rates`: a Monte Carlo
  of the toy model of Section 3 that draws the inner products ``<f, y_l>`` once and then
  thresholds them at every ``tau`` and every ``m`` up to the number drawn (and, for D1, at
  every spike), so one draw gives whole curves over ``tau``.

References
----------
Y. Deng, Z. Song, K. Yuan, T. Zhou, "Why softmax attention outperforms linear attention"
(arXiv 2310.11685v2), Definitions 3.2-3.8, Lemmas 5.1-5.4, Theorem 6.2, Theorem E.4,
Section 7 (Figures 3-5).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from lowrank_nb.core.validate import check_array, check_int, check_positive, check_rng
from lowrank_nb.core.validate import check_real as _check_real
from lowrank_nb.papers.dengsong._common import EVENTS
from lowrank_nb.papers.dengsong.event_rates import _fire_probs as _cached_fire_probs
from lowrank_nb.papers.dengsong.separation import (
    rademacher,
    toy_f,
    toy_scores,
)

__all__ = ["self_separation_rates", "toy_product_parts", "toy_rates", "toy_sign_products"]


def _fire_probs(X: str, n: int, d: int, a0: float, a1: float, b: float, c: float) -> tuple:
    # the per-weight-vector oracle, through event_rates' cache (one cache for both explorers)
    p = _cached_fire_probs("self-ones" if X == "ones" else "self-identity", n, d, a0, a1, b, c)
    return tuple(p[k] for k in (*EVENTS, "p_bad", "q"))


def self_separation_rates(X: str, n: int, d_values: Sequence[int], m: int, *, a0: float = 0.01,
                          a1: float = 1.2, b: float = 0.2,
                          c: float = 0.8) -> dict[str, np.ndarray]:
    """Exact rates of the four halves and of the joint success, one value per width ``d``.

    For each ``d`` the per-weight-vector firing probabilities ``p`` are exact (closed-form
    attention rows, Binomial sums over the sign vectors); with ``m`` i.i.d. weight vectors
    shared by the four (network, data set) pairs, ``P(F_exp(D1) > 0) = 1 - (1 - p)^m``, each
    of the other three halves holds with probability ``(1 - p)^m``, and the joint success is
    ``(1 - p_bad)^m - q^m``. The probabilities are cached per ``(X, n, d, a0, a1, b, c)``.

    Parameters
    ----------
    X : {'ones', 'identity'}
        The attention weight ``QK^T``: ``1_{d x d}`` (Appendix D) or ``I_d`` (Appendix E).
    n : int
        Sequence length, ``n >= 2``; every ``d - 2`` must divide ``n``.
    d_values : sequence of int
        Widths, each ``d >= 3``.
    m : int
        Number of weight vectors, ``m >= 1``.
    a0, a1, b, c : float
        Data-set parameters of Definition D.1 (defaults: the Section 7.2 values).

    Returns
    -------
    dict of numpy.ndarray
        Keys ``exp_D1`` (rate of ``F_exp(D1) > 0``), ``lin_D1``, ``exp_D0``, ``lin_D0``
        (rates of ``F = 0``) and ``success``, each of length ``len(d_values)``.

    References
    ----------
    Deng et al., Theorem 6.2 (= D.5 + D.9 + D.13 + D.17), Theorem E.4 and the three halves it
    omits, Section 7.2 (Figures 4-5).
    """
    if X not in ("ones", "identity"):
        raise ValueError(f"X must be 'ones' or 'identity', got {X!r}")
    n = check_int(n, "n", minimum=2)
    m = check_int(m, "m", minimum=1)
    ds = [check_int(d, "d", minimum=3) for d in d_values]
    if not ds:
        raise ValueError("d_values must not be empty")
    for d in ds:
        if n % (d - 2) != 0:
            raise ValueError(f"n must be a multiple of d - 2 for every d, got n={n}, d={d}")
    a0, a1, b, c = (_check_real(v, nm) for v, nm in [(a0, "a0"), (a1, "a1"), (b, "b"), (c, "c")])
    P = np.array([_fire_probs(X, n, d, a0, a1, b, c) for d in ds])  # (len(d), 6)
    out = {"exp_D1": 1.0 - (1.0 - P[:, 0]) ** m}
    for i, key in enumerate(EVENTS[1:], start=1):
        out[key] = (1.0 - P[:, i]) ** m
    out["success"] = np.clip((1.0 - P[:, 4]) ** m - P[:, 5] ** m, 0.0, 1.0)  # clip rounding
    return out


def toy_product_parts(n: int, m: int, trials: int, *, rng: np.random.Generator,
                      lo: float = 1.0, hi: float = 1.4, block: int = 25) -> dict:
    """One Monte-Carlo draw of the toy model, kept in a form that any spike can reuse.

    A trial draws a D0 and a D1 score vector (Definition 3.8, i.i.d. uniform non-spike scores
    in ``[lo ln n, hi ln n]``, spike position uniform) and ``m`` Rademacher weight vectors
    shared by the four (attention, data set) pairs. The D0 inner products ``<f, y_l>`` are
    stored as they are. For D1 the spike's value is left open: since it changes one entry of
    the score vector, ``<f, y_l> = (1 - w) <f_rest, y_l> + w y_{l, j}`` where ``f_rest`` is the
    attention vector of the other ``n - 1`` scores, ``y_{l, j}`` the weight at the spike and
    ``w`` the spike's attention weight; the parts are stored and
    :func:`toy_sign_products` assembles them for any spike.

    Parameters
    ----------
    n : int
        Length of the score vector, ``n >= 2``.
    m : int
        Number of weight vectors drawn per trial, ``m >= 1``.
    trials : int
        Number of trials, ``trials >= 1``.
    rng : numpy.random.Generator
        Source of the scores and signs (required: the result is random).
    lo, hi : float
        Score range, ``0 < lo <= hi``.
    block : int
        Trials per block of signs (memory only; does not change the law).

    Returns
    -------
    dict
        ``exp_D0``, ``lin_D0``, ``exp_rest``, ``lin_rest``, ``y_spike`` (each ``(trials, m)``),
        ``log_z`` (log of the softmax normaliser of the other scores), ``lin_z`` (sum of the
        other scores), each ``(trials,)``, and ``ell = ln n``.

    References
    ----------
    Deng et al., Definitions 3.2-3.8 and Lemmas 5.1-5.4 (Section 7.1, Figure 3).
    """
    n = check_int(n, "n", minimum=2)
    m = check_int(m, "m", minimum=1)
    trials = check_int(trials, "trials", minimum=1)
    block = check_int(block, "block", minimum=1)
    rng = check_rng(rng)
    lo, hi = check_positive(lo, "lo"), check_positive(hi, "hi")
    if hi < lo:
        raise ValueError(f"hi must be >= lo, got hi={hi}, lo={lo}")
    u0 = toy_scores(n, 0, rng, size=trials, lo=lo, hi=hi)
    u1 = toy_scores(n, 0, rng, size=trials, lo=lo, hi=hi)  # D1 without its spike
    rows = np.arange(trials)
    idx = rng.integers(n, size=trials)
    g = np.exp(u1 - u1.max(axis=1, keepdims=True))
    g[rows, idx] = 0.0
    z = g.sum(axis=1)
    log_z = np.log(z) + u1.max(axis=1)
    rest = u1.copy()
    rest[rows, idx] = 0.0
    lin_z = rest.sum(axis=1)
    F = np.stack([toy_f(u0, "exp"), toy_f(u0, "lin"), g / z[:, None], rest / lin_z[:, None]],
                 axis=1)  # (trials, 4, n)
    P = np.empty((trials, 4, m))
    y_spike = np.empty((trials, m))
    for s in range(0, trials, block):
        Y = rademacher((min(block, trials - s), n, m), rng)
        P[s:s + block] = F[s:s + block] @ Y
        y_spike[s:s + block] = Y[np.arange(Y.shape[0]), idx[s:s + block]]
    return {"exp_D0": P[:, 0], "lin_D0": P[:, 1], "exp_rest": P[:, 2], "lin_rest": P[:, 3],
            "y_spike": y_spike, "log_z": log_z, "lin_z": lin_z, "ell": math.log(n)}


def toy_sign_products(parts: dict, spike: float) -> dict[str, np.ndarray]:
    """Inner products ``<f, y_l>`` of the four (attention, data set) pairs for one spike.

    Parameters
    ----------
    parts : dict
        Output of :func:`toy_product_parts`.
    spike : float
        The D1 spike is ``spike * ln n`` (``spike > 0``).

    Returns
    -------
    dict of numpy.ndarray
        Keys ``exp_D1, lin_D1, exp_D0, lin_D0``, each of shape ``(trials, m)``.

    References
    ----------
    Deng et al., Definitions 3.2, 3.3 and 3.8 (the spike ``4 ln n`` of D1).
    """
    need = {"exp_D0", "lin_D0", "exp_rest", "lin_rest", "y_spike", "log_z", "lin_z", "ell"}
    if not isinstance(parts, dict) or not need <= set(parts):
        raise ValueError(f"parts must be the dict of toy_product_parts (keys {sorted(need)})")
    spike = check_positive(spike, "spike")
    a = spike * parts["ell"]
    w = 1.0 / (1.0 + np.exp(parts["log_z"] - a))  # softmax weight on the spike
    wl = a / (parts["lin_z"] + a)  # linear weight on the spike
    ys = parts["y_spike"]
    return {"exp_D1": (1 - w)[:, None] * parts["exp_rest"] + w[:, None] * ys,
            "lin_D1": (1 - wl)[:, None] * parts["lin_rest"] + wl[:, None] * ys,
            "exp_D0": parts["exp_D0"], "lin_D0": parts["lin_D0"]}


def toy_rates(products: dict[str, np.ndarray], m: int,
              taus: Sequence[float]) -> dict[str, np.ndarray]:
    """Rates of the four halves and of the joint success of the toy model, over ``tau``.

    A network fires when some ``<f, y_l> > tau`` with ``l <= m``; success means
    ``F_exp(D1) > 0`` and the other three networks stay at 0, with shared weight vectors.

    Parameters
    ----------
    products : dict of numpy.ndarray
        Output of :func:`toy_sign_products` (shape ``(trials, m_drawn)`` per key).
    m : int
        Number of weight vectors used, ``1 <= m <= m_drawn`` (the first ``m`` columns).
    taus : sequence of float
        Thresholds.

    Returns
    -------
    dict of numpy.ndarray
        Keys ``exp_D1`` (rate of F > 0), ``lin_D1``, ``exp_D0``, ``lin_D0`` (rates of F = 0)
        and ``success``, each of length ``len(taus)``.

    References
    ----------
    Deng et al., Lemmas 5.1-5.4 and Figure 3 (the threshold ``tau`` of Definition 3.4).
    """
    if not isinstance(products, dict) or set(products) != set(EVENTS):
        raise ValueError(f"products must be a dict with keys {EVENTS}")
    shapes = {np.shape(products[k]) for k in EVENTS}
    if len(shapes) != 1 or len(next(iter(shapes))) != 2:
        raise ValueError("products must hold four arrays of one shape (trials, m)")
    m = check_int(m, "m", minimum=1, maximum=next(iter(shapes))[1])
    t = check_array(taus, "taus", ndim=1)
    ok = {}
    for key in EVENTS:
        top = np.asarray(products[key])[:, :m].max(axis=1)
        fired = top[:, None] > t[None, :]
        ok[key] = fired if key == "exp_D1" else ~fired
    out = {key: ok[key].mean(axis=0) for key in EVENTS}
    out["success"] = (ok["exp_D1"] & ok["lin_D1"] & ok["exp_D0"] & ok["lin_D0"]).mean(axis=0)
    return out

