"""Numba kernel for the Monte Carlo of the toy separation (Deng et al., Section 7.1, Figure 3).

One trial draws a D0 and a D1 score vector (Definition 3.8, i.i.d. uniform scores on
``[lo ln n, hi ln n]``, one spike ``spike ln n`` at a uniform index in D1), forms the four
attention vectors ``f_exp``/``f_lin`` on D0/D1 and ``m`` shared Rademacher sign vectors, and
records which of the four networks fire (some ``<f, y_l> > tau``).

The kernel fuses the sign generation (64 signs per draw of a SplitMix64 generator seeded from
the caller's ``numpy.random.Generator``) with the four inner products, so nothing of size
``n x m`` is ever stored. It draws from its own stream: its results agree with the NumPy path of
:func:`lowrank_nb.papers.dengsong.separation.toy_success` in distribution, not bit for bit
(``tests/test_toy_numba.py`` compares the two within Monte-Carlo error).

References
----------
Y. Deng, Z. Song, K. Yuan, T. Zhou, "Why softmax attention outperforms linear attention"
(arXiv 2310.11685v2), Definitions 3.2-3.8, Lemmas 5.1-5.4, Section 7.1 and Figure 3.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from lowrank_nb.core.validate import check_int, check_positive, check_real, check_rng

__all__ = ["toy_fire_flags"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_ONE = np.uint64(1)
_INV53 = 1.0 / 9007199254740992.0  # 2^-53: a 53-bit integer -> [0, 1)
_P1 = np.uint64(0x5555555555555555)
_P2 = np.uint64(0x3333333333333333)
_P4 = np.uint64(0x0F0F0F0F0F0F0F0F)
_P8 = np.uint64(0x0101010101010101)
_S2, _S4, _S56 = np.uint64(2), np.uint64(4), np.uint64(56)


@njit(cache=True)
def _mix(z):  # pragma: no cover (compiled)
    """SplitMix64 output function (Steele, Lea, Flood 2014)."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True)
def _unit(z):  # pragma: no cover (compiled)
    """A uniform double in [0, 1) from the 53 high bits of ``mix(z)``."""
    return float(np.int64(_mix(z) >> _S11)) * _INV53


@njit(cache=True)
def _popcount(w):  # pragma: no cover (compiled)
    """Number of set bits of a uint64 (SWAR)."""
    w = w - ((w >> _ONE) & _P1)
    w = (w & _P2) + ((w >> _S2) & _P2)
    w = (w + (w >> _S4)) & _P4
    return int((w * _P8) >> _S56)


@njit(cache=True, fastmath={"reassoc", "contract"})
def _exact_ip(f, words, n, skip):  # pragma: no cover (compiled)
    """``sum_i f_i y_i`` with ``y_i = +1`` where bit i of ``words`` is set, else -1.

    Returned as ``2 * sum_{y_i = +1} f_i - sum_i f_i``; entry ``skip`` (or -1) is left out.
    Only this plain sum is reassociated (vectorised); no max/abs reduction uses fastmath.
    """
    plus = 0.0
    total = 0.0
    for k in range(words.shape[0]):
        w = np.int64(words[k])
        base = 64 * k
        top = min(64, n - base)
        for b in range(top):
            fb = f[base + b]
            plus += fb * float((w >> b) & 1)
            total += fb
    if skip >= 0:
        total -= f[skip]
        if (words[skip // 64] >> np.uint64(skip % 64)) & _ONE:
            plus -= f[skip]
    return 2.0 * plus - total


@njit(cache=True)
def _toy_kernel(n, m, tau, trials, lo, hi, spike, seed, out):  # pragma: no cover (compiled)
    """Fill ``out[t, k]`` (bool) with "network k fired in trial t", k in EVENTS order.

    Exact, with cheap certificates that skip most inner products: a linear network cannot fire
    when the bound ``P max(u) - (n - P) min(u)`` on ``<u, y>`` (``P`` = number of +1 signs, the
    spike handled separately) is below ``tau sum(u)``; the softmax network on D1 fires iff the
    spike's sign is +1 whenever the spike weight ``f_j`` exceeds ``(1 + |tau|) / 2``, because
    then ``|<f, y> - y_j f_j| <= 1 - f_j``. Undecided cases are computed exactly.
    """
    ell = math.log(n)
    state = np.uint64(seed)
    nw = (n + 63) // 64
    words = np.empty(nw, dtype=np.uint64)
    u0 = np.empty(n)
    u1 = np.empty(n)
    e0 = np.empty(n)
    e1 = np.empty(n)
    width = (hi - lo) * ell
    margin = 1e-9  # relative slack: certificates never decide a float near-tie, exact path does
    last_bits = n - 64 * (nw - 1)
    last_mask = (_ONE << np.uint64(last_bits)) - _ONE if last_bits < 64 else ~np.uint64(0)
    for t in range(trials):
        # SplitMix64 is counter based: draw k is mix(seed + k * golden), so loops vectorise
        for i in range(n):
            u0[i] = lo * ell + width * _unit(state + np.uint64(i + 1) * _GOLDEN)
        state += np.uint64(n) * _GOLDEN
        for i in range(n):
            u1[i] = lo * ell + width * _unit(state + np.uint64(i + 1) * _GOLDEN)
        state += np.uint64(n + 1) * _GOLDEN
        j = min(int(_unit(state) * n), n - 1)
        u1[j] = spike * ell
        mx0 = u0[0]
        mn0 = u0[0]
        mx1 = -np.inf
        mn1 = np.inf
        for i in range(n):
            mx0 = max(mx0, u0[i])
            mn0 = min(mn0, u0[i])
            if i != j:
                mx1 = max(mx1, u1[i])
                mn1 = min(mn1, u1[i])
        top1 = max(mx1, u1[j])
        z0 = 0.0
        s0 = 0.0
        s1 = 0.0
        for i in range(n):
            e0[i] = math.exp(u0[i] - mx0)
            z0 += e0[i]
            s0 += u0[i]
            s1 += u1[i]
        for i in range(n):
            e0[i] /= z0
        # spike weight f_j >= 1 / (1 + (n - 1) exp(max_{i != j} u_i - u_j)): when this lower
        # bound already certifies the spike, the D1 softmax vector is never needed
        need = (1.0 + abs(tau)) / 2.0 + margin
        spike_ok = u1[j] >= mx1 and 1.0 / (1.0 + (n - 1) * math.exp(mx1 - u1[j])) > need
        if not spike_ok:
            z1 = 0.0
            for i in range(n):
                e1[i] = math.exp(u1[i] - top1)
                z1 += e1[i]
            for i in range(n):
                e1[i] /= z1
        f0 = False
        f1 = False
        f2 = False
        f3 = False
        for _ in range(m):
            for k in range(nw):
                words[k] = _mix(state + np.uint64(k + 1) * _GOLDEN)
            state += np.uint64(nw) * _GOLDEN
            words[nw - 1] &= last_mask
            P = 0
            for k in range(nw):
                P += _popcount(words[k])
            yj = (words[j // 64] >> np.uint64(j % 64)) & _ONE
            # softmax on D1
            if not f0:
                if spike_ok:
                    f0 = yj == _ONE
                else:
                    f0 = _exact_ip(e1, words, n, -1) > tau
            # linear on D1: u_j y_j + bound over the rest
            if not f1:
                Pr = P - int(yj)
                ub = (u1[j] if yj == _ONE else -u1[j]) + Pr * mx1 - (n - 1 - Pr) * mn1
                if ub > tau * s1 - margin * abs(tau * s1):
                    f1 = (u1[j] * (2.0 * float(yj) - 1.0)
                          + _exact_ip(u1, words, n, j)) / s1 > tau
            # softmax on D0: always exact
            if not f2:
                f2 = _exact_ip(e0, words, n, -1) > tau
            # linear on D0
            if not f3:
                ub = P * mx0 - (n - P) * mn0
                if ub > tau * s0 - margin * abs(tau * s0):
                    f3 = _exact_ip(u0, words, n, -1) / s0 > tau
        out[t, 0] = f0
        out[t, 1] = f1
        out[t, 2] = f2
        out[t, 3] = f3


def toy_fire_flags(n: int, m: int, tau: float, trials: int, *, rng: np.random.Generator,
                   lo: float = 1.0, hi: float = 1.4, spike: float = 4.0) -> np.ndarray:
    """Which of the four toy networks fire, per trial (compiled Monte Carlo).

    Parameters
    ----------
    n : int >= 2
        Length of the score vector.
    m : int >= 1
        Number of shared Rademacher sign vectors (threshold units).
    tau : float
        Threshold of ``phi_tau``; a network fires when some ``<f, y_l> > tau``.
    trials : int >= 1
        Independent trials (fresh scores, spike index and signs in each).
    rng : numpy.random.Generator
        Seeds the kernel's SplitMix64 stream (required: results depend on randomness).
    lo, hi : float, 0 < lo <= hi
        Score range ``[lo ln n, hi ln n]`` of Definition 3.8.
    spike : float > 0
        The D1 spike is ``spike * ln n``.

    Returns
    -------
    ndarray of bool, shape (trials, 4)
        Columns ``exp_D1, lin_D1, exp_D0, lin_D0`` (the order of ``EVENTS``): True where that
        network fired.

    References
    ----------
    Deng et al., Definitions 3.2-3.8, Lemmas 5.1-5.4 and Figure 3 (Section 7.1).
    """
    n = check_int(n, "n", minimum=2)
    m = check_int(m, "m", minimum=1)
    tau = check_real(tau, "tau")
    trials = check_int(trials, "trials", minimum=1)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    rng = check_rng(rng)
    lo, hi = check_positive(lo, "lo"), check_positive(hi, "hi")
    if hi < lo:
        raise ValueError(f"hi must be >= lo, got hi={hi}, lo={lo}")
    spike = check_positive(spike, "spike")
    out = np.zeros((trials, 4), dtype=np.bool_)
    seed = int(rng.integers(0, 2**63, dtype=np.int64))
    _toy_kernel(n, m, tau, trials, lo, hi, spike, seed, out)
    return out
