"""Part VI: one attention matrix through all four papers (cross-paper constructions)."""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import norm

from lowrank_nb.core.bounds import (
    theorem38_exp_rank,
    )
from lowrank_nb.core.norms import svd_eps_rank
from lowrank_nb.core.softmax import attention, performer_attention, softmax_rows
from lowrank_nb.core.validate import (
    check_array,
    check_eps,
    check_int,
    check_positive,
    check_probability,
    check_rng,
)
from lowrank_nb.papers.budzinskiy.altproj import lrma_ap, svd_maxerr
from lowrank_nb.papers.dengsong.separation import rademacher, self_instance
from lowrank_nb.papers.vodrahalli.relu import performer_matrix

__all__ = [
    "ap_eps_rank",
    "performer_frobenius_errors",
    "performer_self_success",
    "performer_spike_model",
    "theorem38_exp_rank",
]


def ap_eps_rank(A: np.ndarray, eps: float, *, rng: np.random.Generator | int | None,
                r_max: int | None = None) -> dict[str, float]:
    """Smallest rank at which alternating projections reach ``|A - G|_max <= eps max|A|``.

    Bisection over the rank between 1 and the truncated-SVD witness
    :func:`lowrank_nb.core.norms.svd_eps_rank` (AP at the SVD's rank is never needed: the SVD
    itself already qualifies). Each probe is one
    :func:`lowrank_nb.papers.budzinskiy.altproj.lrma_ap` run
    (``method="fast"``). The result is an upper bound on the max-norm eps-rank (a witness);
    AP is a heuristic, so the bisection assumes its error is monotone in the rank.

    Parameters
    ----------
    A : ndarray (n1, n2), finite, not zero
    eps : float in (0, 1)
        Relative tolerance (to ``max|A|``).
    rng : numpy Generator or int seed
    r_max : int, optional
        Upper end of the search (default: the SVD witness).

    Returns
    -------
    dict
        ``rank`` (AP witness), ``svd_rank`` (SVD witness), ``rel_error`` (error of the
        witness at ``rank``: AP's, or the SVD's if no AP probe succeeded) and ``probes``
        (number of AP runs).

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §1 (entrywise eps-rank) and
    §7.1 (alternating projections).
    """
    Aa = check_array(A, "A", ndim=2)
    eps = check_eps(eps)
    g = check_rng(rng)
    svd_r = svd_eps_rank(Aa, eps)
    hi = svd_r if r_max is None else min(svd_r, check_int(r_max, "r_max", minimum=1))
    best_err = float(svd_maxerr(Aa, svd_r)) / float(np.max(np.abs(Aa)))  # the SVD witness
    lo, probes = 0, 0  # invariant: rank lo fails (or is 0), rank hi succeeds
    while hi - lo > 1:
        mid = (lo + hi) // 2
        res = lrma_ap(Aa, mid, rng=g, method="fast")
        probes += 1
        if res.rel_error <= eps:
            hi, best_err = mid, res.rel_error
        else:
            lo = mid
    return {"rank": hi, "svd_rank": svd_r, "rel_error": best_err, "probes": probes}


def performer_frobenius_errors(Q: np.ndarray, K: np.ndarray, num_features: int, draws: int,
                               rng: np.random.Generator) -> np.ndarray:
    """``|P - P_hat|_F^2`` for ``draws`` independent FAVOR+ draws with ``num_features``.

    ``P = softmax(Q K^T / sqrt(m))`` and ``P_hat`` from
    :func:`lowrank_nb.papers.vodrahalli.relu.performer_matrix` (iid Gaussian ``Omega``). For values
    with iid
    ``N(0, s^2)`` entries and ``d_v`` columns this is the expected output loss divided by
    ``s^2 d_v`` (Vodrahalli et al., Definition B.2).

    Parameters
    ----------
    Q, K : ndarray (n, m)
    num_features : int >= 1
    draws : int >= 1
    rng : numpy Generator

    Returns
    -------
    ndarray (draws,)

    References
    ----------
    Vodrahalli et al. (2022), Definitions B.1 and B.2; Choromanski et al. (2021), Lemma 1.
    """
    Qa, Ka = check_array(Q, "Q", ndim=2), check_array(K, "K", ndim=2)
    if Qa.shape[1] != Ka.shape[1]:
        raise ValueError(f"Q and K must have the same width, got {Qa.shape[1]} and {Ka.shape[1]}")
    R = check_int(num_features, "num_features", minimum=1)
    draws = check_int(draws, "draws", minimum=1)
    g = check_rng(rng)
    P = softmax_rows(Qa @ Ka.T / np.sqrt(Qa.shape[1]))
    return np.array([np.sum((performer_matrix(Qa, Ka, g.standard_normal((Qa.shape[1], R)))
                             - P) ** 2) for _ in range(draws)])


def performer_self_success(n: int, d: int, m: int, num_features: int, *, a0: float = 0.01,
                           a1: float = 1.2, b: float = 0.2, c: float = 0.8,
                           trials: int = 200, rng: np.random.Generator,
                           j3: int = 0, omega: np.ndarray | None = None) -> dict[str, float]:
    """Deng et al.'s self-attention separation (``X = 1_{d x d}``) with Performer attention.

    With ``X = 1 1^T`` the scores are ``S = (A 1)(A 1)^T``: queries and keys are the
    one-dimensional row sums ``s = A 1``, and softmax attention is ``softmax(s s^T) A``
    (values ``A3 V = A``). The Performer network replaces it by
    :func:`performer_attention` with ``num_features`` fresh positive random features per
    trial; layers 3-4 are the paper's (``tau = (c + 0.1) sqrt(ln n)``, Rademacher ``Y`` of
    shape ``d x m``, one ``Y`` shared by the D0 and D1 inputs and by both networks). Success
    of a network: it fires on D1 and not on D0.

    Parameters
    ----------
    n, d, m : int
        Tokens, embedding size (``(d - 2) | n``), width of layer 3.
    num_features : int >= 1
        Performer features.
    a0, a1, b, c : float
        Dataset parameters of Definition D.1.
    trials : int >= 1
    rng : numpy Generator
    j3 : int, default 0
        Spike row (the success law does not depend on it).
    omega : ndarray (1, R), optional
        Fixed features (e.g. from :func:`lowrank_nb.papers.vodrahalli.relu.performer_lfai`) used in
        every trial
        instead of fresh random ones; ``num_features`` must equal ``R``.

    Returns
    -------
    dict
        ``performer`` and ``softmax`` success rates with binomial standard errors
        (``*_se``), ``performer_D1`` (firing rate on D1), ``performer_D0`` (quiet rate on D0)
        and ``spike_weight`` (median over trials of the Performer weight ``P_hat[j3, j3]``
        on D1; softmax's exact weight is ``spike_weight_exact``).

    References
    ----------
    Y. Deng et al., "Why softmax attention outperforms linear attention", Theorem 1.1,
    Theorem 6.2, Definition D.1, Section 7.2; K. Choromanski et al. (2021), Lemma 1.
    """
    n, d = check_int(n, "n", minimum=2), check_int(d, "d", minimum=3)
    m = check_int(m, "m")
    R = check_int(num_features, "num_features")
    trials = check_int(trials, "trials")
    g = check_rng(rng)
    if omega is not None:
        omega = check_array(omega, "omega", ndim=2)
        if omega.shape != (1, R):
            raise ValueError(f"omega must have shape (1, {R}) (one input dimension, "
                             f"num_features columns), got {omega.shape}")
    inst = {cls: self_instance(n, d, a, b, c, j3) for cls, a in ((0, a0), (1, a1))}
    s = {cls: inst[cls].sum(axis=1, keepdims=True) for cls in inst}
    soft = {cls: attention(s[cls], s[cls], inst[cls], scale=1.0) for cls in inst}
    p_exact = float(softmax_rows(s[1] @ s[1].T)[j3, j3])
    tau = (c + 0.1) * math.sqrt(math.log(n))
    perf_ok = np.empty(trials, dtype=bool)
    soft_ok = np.empty(trials, dtype=bool)
    fire1 = np.empty(trials, dtype=bool)
    quiet0 = np.empty(trials, dtype=bool)
    spike = np.empty(trials)
    for k in range(trials):
        Y = rademacher((d, m), g)
        if omega is None:
            C1, P1 = performer_attention(s[1], s[1], inst[1], R, g, return_matrix=True)
            C0 = performer_attention(s[0], s[0], inst[0], R, g)
        else:
            from lowrank_nb.papers.vodrahalli.relu import performer_matrix

            P1 = performer_matrix(s[1], s[1], omega)
            C1, C0 = P1 @ inst[1], performer_matrix(s[0], s[0], omega) @ inst[0]
        fire1[k] = np.any(C1 @ Y > tau)
        quiet0[k] = not np.any(C0 @ Y > tau)
        perf_ok[k] = fire1[k] and quiet0[k]
        soft_ok[k] = np.any(soft[1] @ Y > tau) and not np.any(soft[0] @ Y > tau)
        spike[k] = P1[j3, j3]

    def se(p: float) -> float:
        return math.sqrt(max(p * (1 - p), 1.0 / trials) / trials)

    out = {"performer": float(perf_ok.mean()), "softmax": float(soft_ok.mean()),
           "performer_D1": float(fire1.mean()), "performer_D0": float(quiet0.mean()),
           "spike_weight": float(np.median(spike)), "spike_weight_exact": p_exact}
    out["performer_se"], out["softmax_se"] = se(out["performer"]), se(out["softmax"])
    return out


def performer_spike_model(n: int, *, a1: float = 1.2, b: float = 0.2, c: float = 0.8,
                          num_features: int | None = None, target: float = 0.5
                          ) -> dict[str, float]:
    """Extreme-value model of Performer's spike weight on Deng et al.'s D1 input (``X = 1``).

    Queries and keys are the row sums of ``A``: ``s1 = (a1 + b + c) sqrt(ln n)`` for the spike
    row and ``s0 = (b + c) sqrt(ln n)`` for the others. With positive features
    ``exp(w s - s^2/2)`` the spike query's weights on the keys are sums over features of
    ``exp(w (s1 + k)) exp(-k^2/2)``, dominated by the largest ``w``. For a single feature
    ``w`` the spike weight is ``1 / (1 + (n - 1) exp(-(w (s1 - s0) - (s1^2 - s0^2)/2)))``,
    increasing in ``w``. Hence the median spike weight with ``R`` features is this function
    at the median of the largest of ``R`` standard normals, ``Phi^{-1}(2^{-1/R})``, and it
    reaches ``target`` once that median exceeds ``w_target``.

    Parameters
    ----------
    n : int >= 2
    a1, b, c : float
        Dataset parameters of Definition D.1 (``a1 > 0``).
    num_features : int, optional
        If given, also return the predicted median spike weight for this many features.
    target : float in (0, 1), default 0.5
        Spike weight to reach (Lemma D.2 Part 3a: softmax puts at least 1/2 there).

    Returns
    -------
    dict
        ``omega_needed`` (``w_target``), ``features_needed`` (``R`` whose median maximum
        equals ``w_target``) and, with ``num_features``, ``median_weight``.

    References
    ----------
    Y. Deng et al., "Why softmax attention outperforms linear attention", Definition D.1,
    Lemma D.2; K. Choromanski et al. (2021), Lemma 1. The model is derived in this book.
    """
    n = check_int(n, "n", minimum=2)
    a1 = check_positive(a1, "a1")
    # Definition D.1's b and c are non-negative entries of A; a NaN or negative value would
    # silently produce a meaningless weight.
    b = check_positive(b, "b", allow_zero=True)
    c = check_positive(c, "c", allow_zero=True)
    target = check_probability(target, "target")
    L = math.sqrt(math.log(n))
    s1, s0 = (a1 + b + c) * L, (b + c) * L
    gap, half = s1 - s0, 0.5 * (s1**2 - s0**2)
    w_t = (half + math.log((n - 1) * target / (1 - target))) / gap
    # median of the max of R normals is w_t when Phi(w_t)^R = 1/2
    out = {"omega_needed": w_t, "features_needed": float(math.log(0.5) / norm.logcdf(w_t))}
    if num_features is not None:
        R = check_int(num_features, "num_features")
        w = float(norm.ppf(2.0 ** (-1.0 / R)))
        out["median_weight"] = 1.0 / (1.0 + (n - 1) * math.exp(-(w * gap - half)))
    return out
