"""Part VI: one attention matrix through all four papers (cross-paper constructions)."""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import norm

from lowrank_nb.core.bounds import (
    theorem38_exp_rank,
    )
from lowrank_nb.core.certify import eps_rank_lower_bound
from lowrank_nb.core.norms import max_norm, svd_eps_rank
from lowrank_nb.core.sampling import sample_sphere
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
from lowrank_nb.papers.budzinskiy.attention_matrix import exp_logits
from lowrank_nb.papers.budzinskiy.embeddings.jl import jl_sketch
from lowrank_nb.papers.dengsong.separation import rademacher, self_instance
from lowrank_nb.papers.vodrahalli.relu import (
    nlra_objective,
    performer_lfai,
    performer_matrix,
    relu_svd,
)
from lowrank_nb.papers.zhangsaab.compression import data_driven_lowrank, weight_svd_lowrank

__all__ = [
    "ap_eps_rank",
    "compress_layer",
    "compression_losses",
    "deng_spike_views",
    "entrywise_rank_views",
    "near_subspace_data",
    "performer_fit_views",
    "performer_frobenius_errors",
    "performer_self_success",
    "performer_spike_model",
    "shared_attention_draw",
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


# ----------------------------------------------------------------------------- Part VI explorer
def shared_attention_draw(n: int, m: int, logit_radius: float, *, rng: np.random.Generator | int
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Queries, keys and the unnormalised attention matrix of Part VI's shared draw.

    ``Q`` and ``K`` have ``n`` rows drawn uniformly on the sphere of radius
    ``R = sqrt(logit_radius sqrt(m))`` in ``R^m`` (first ``Q``, then ``K``, from ``rng``), so
    every logit obeys ``|q.k| / sqrt(m) <= R^2 / sqrt(m) = logit_radius``; ``A = exp(Q K^T /
    sqrt(m))`` entrywise.

    Parameters
    ----------
    n : int >= 1
        Tokens.
    m : int >= 1
        Head dimension.
    logit_radius : float > 0
        The bound ``beta`` on ``|q.k| / sqrt(m)`` (Budzinskiy's ``M |W| R^2`` with ``W = I /
        sqrt(m)``).
    rng : numpy Generator or int seed

    Returns
    -------
    Q, K : ndarray (n, m)
    A : ndarray (n, n)

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Section 3.3 (attention matrices,
    Theorem 3.8); Vodrahalli et al. (2022), Appendix B (the softmax ``P = D^{-1} A``).
    """
    n = check_int(n, "n")
    m = check_int(m, "m")
    beta = check_positive(logit_radius, "logit_radius")
    g = check_rng(rng)
    rad = math.sqrt(beta * math.sqrt(m))
    Q = sample_sphere(n, m, R=rad, rng=g)
    K = sample_sphere(n, m, R=rad, rng=g)
    return Q, K, exp_logits(Q, K)


def entrywise_rank_views(A: np.ndarray, eps: float, logit_radius: float, *, c2: float = 1.0
                         ) -> tuple[float, int, int]:
    """Three numbers for the entrywise eps-rank of an attention matrix ``A``.

    Parameters
    ----------
    A : ndarray (n1, n2), finite, not zero
    eps : float in (0, 1)
        Tolerance relative to ``max|A|``.
    logit_radius : float > 0
        Bound on the logits of ``A`` (for Theorem 3.8).
    c2 : float > 0, default 1.0
        Constant of Eq. (2) inside Theorem 3.8.

    Returns
    -------
    tuple
        ``(lower, svd, bound)``: the certified lower bound
        :func:`lowrank_nb.core.certify.eps_rank_lower_bound` rounded up (a float), the
        truncated-SVD witness :func:`lowrank_nb.core.norms.svd_eps_rank`, and the rank of
        :func:`theorem38_exp_rank` for an ``n1 x n2`` matrix.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §1 (entrywise eps-rank) and
    Theorem 3.8.
    """
    Aa = check_array(A, "A", ndim=2)
    eps = check_eps(eps)
    beta = check_positive(logit_radius, "logit_radius")
    lower = float(np.ceil(eps_rank_lower_bound(Aa, eps * Aa.max())))
    n1, n2 = Aa.shape
    return lower, svd_eps_rank(Aa, eps), theorem38_exp_rank(n1, n2, eps, beta, c2=c2)["rank"]


def performer_fit_views(Q: np.ndarray, K: np.ndarray, num_features: int, *, draws: int,
                        maxiter: int, rng: np.random.Generator | int
                        ) -> tuple[np.ndarray, float]:
    """Random-feature errors against the LFAI fit, ``|P - P_hat|_F^2``, at one feature count.

    From ``rng``: first the LFAI start ``Omega0`` (``m x num_features`` standard normal),
    fitted by :func:`lowrank_nb.papers.vodrahalli.relu.performer_lfai` with ``maxiter``
    iterations, then ``draws`` random-feature errors by :func:`performer_frobenius_errors`.

    Parameters
    ----------
    Q, K : ndarray (n, m)
    num_features : int >= 1
    draws : int >= 1
    maxiter : int >= 1
    rng : numpy Generator or int seed

    Returns
    -------
    random : ndarray (draws,)
        ``|P - P_hat|_F^2`` of the random draws.
    fitted : float
        ``|P - P_hat|_F^2`` of the LFAI features.

    References
    ----------
    Vodrahalli et al. (2022), Definitions B.1 (Performer) and B.2 (LFAI loss).
    """
    Qa, Ka = check_array(Q, "Q", ndim=2), check_array(K, "K", ndim=2)
    if Qa.shape[1] != Ka.shape[1]:
        raise ValueError(f"Q and K must have the same width, got {Qa.shape[1]} and {Ka.shape[1]}")
    R = check_int(num_features, "num_features")
    draws = check_int(draws, "draws")
    maxiter = check_int(maxiter, "maxiter")
    g = check_rng(rng)
    P = softmax_rows(Qa @ Ka.T / np.sqrt(Qa.shape[1]))
    fitted = performer_lfai(Qa, Ka, g.standard_normal((Qa.shape[1], R)), maxiter=maxiter)
    random = performer_frobenius_errors(Qa, Ka, R, draws, g)
    return random, float(np.sum((performer_matrix(Qa, Ka, fitted) - P) ** 2))


def deng_spike_views(n: int, d: int, m: int, num_features: int, *, trials: int, maxiter: int,
                     rng: np.random.Generator | int, a1: float = 1.2, b: float = 0.2,
                     c: float = 0.8) -> tuple[float, float]:
    """Performer's spike weight on Deng et al.'s D1 input: random features against LFAI.

    The D1 instance ``A1`` (spike row 0) gives the one-dimensional queries and keys
    ``s = A1 1``. From ``rng``: first an LFAI fit of ``num_features`` features on ``(s, s)``
    (start ``1 x num_features`` standard normal, ``maxiter`` iterations), then ``trials``
    Performer trials of :func:`performer_self_success` with fresh random features.

    Parameters
    ----------
    n, d, m : int
        Tokens (``(d - 2) | n``), embedding size, width of layer 3.
    num_features : int >= 1
    trials : int >= 1
    maxiter : int >= 1
    rng : numpy Generator or int seed
    a1, b, c : float
        Dataset parameters of Definition D.1.

    Returns
    -------
    random : float
        Median spike weight ``P_hat[0, 0]`` over the random-feature trials.
    fitted : float
        ``P_hat[0, 0]`` with the LFAI features.

    References
    ----------
    Y. Deng et al., "Why softmax attention outperforms linear attention", Definition D.1,
    Lemma D.2; Vodrahalli et al. (2022), Definition B.2 (LFAI).
    """
    n, d = check_int(n, "n", minimum=2), check_int(d, "d", minimum=3)
    m = check_int(m, "m")
    R = check_int(num_features, "num_features")
    trials = check_int(trials, "trials")
    maxiter = check_int(maxiter, "maxiter")
    a1 = check_positive(a1, "a1")
    b = check_positive(b, "b", allow_zero=True)
    c = check_positive(c, "c", allow_zero=True)
    g = check_rng(rng)
    s1 = self_instance(n, d, a1, b, c).sum(axis=1, keepdims=True)
    om = performer_lfai(s1, s1, g.standard_normal((1, R)), maxiter=maxiter)
    random = performer_self_success(n, d, m, R, a1=a1, b=b, c=c, trials=trials,
                                    rng=g)["spike_weight"]
    return random, float(performer_matrix(s1, s1, om)[0, 0])


# ----------------------------------------------------------------------------- one ReLU layer
def near_subspace_data(n: int, d: int, k: int, noise: float, *, rng: np.random.Generator | int
                       ) -> np.ndarray:
    """``n`` points of ``R^d`` near a random ``k``-dimensional subspace.

    ``X = Z B^T + noise * E`` with ``B`` an orthonormal basis of a uniformly random
    ``k``-dimensional subspace (QR of a Gaussian ``d x k``), ``Z`` (``n x k``) and ``E``
    (``n x d``) standard normal, drawn from ``rng`` in the order ``B``, ``Z``, ``E``.

    Parameters
    ----------
    n : int >= 1
    d : int >= 1
    k : int in [1, d]
    noise : float >= 0
    rng : numpy Generator or int seed

    Returns
    -------
    ndarray (n, d)

    References
    ----------
    A synthetic data model of this book. Zhang and Saab, Section 1.2 (pre-activations ``X W``
    are often closer to low rank than ``W``, which data-driven compression exploits) and
    Theorem 3.1; S. Budzinskiy, Theorem 1.3 (a guarantee over all data, near a subspace or not).
    """
    n = check_int(n, "n")
    d = check_int(d, "d")
    k = check_int(k, "k", maximum=d)
    noise = check_positive(noise, "noise", allow_zero=True)
    g = check_rng(rng)
    basis, _ = np.linalg.qr(g.standard_normal((d, k)))
    return g.standard_normal((n, k)) @ basis.T + noise * g.standard_normal((n, d))


def compression_losses(Y: np.ndarray, W: np.ndarray, X: np.ndarray) -> dict[str, float]:
    """Five relative errors of a compressed weight ``Y`` of a ReLU layer ``x -> relu(x W)``.

    Parameters
    ----------
    Y, W : ndarray (d, m)
        Compressed and original weights.
    X : ndarray (n, d)
        Data (rows are inputs).

    Returns
    -------
    dict
        ``"weights (Frobenius)"`` ``|W - Y|_F / |W|_F``; ``"function, Gaussian x"`` the NLRA
        objective ``R(Y) / R(0)`` (Gaussian inputs); ``"function, data"``
        ``|relu(XY) - relu(XW)|_F / |relu(XW)|_F``; ``"pre-activations, max norm"``
        ``|XW - XY|_max / |XW|_max``; ``"pre-activations on data (Frobenius)"``
        ``|XW - XY|_F / |XW|_F``.

    References
    ----------
    Eckart--Young (Frobenius); Vodrahalli et al. (2022), Problem 3.1, Eq. (1) (the NLRA
    objective); S. Budzinskiy, Theorem 1.3 (max norm); Zhang and Saab, Theorem 3.1 (the
    data-driven objective ``|X W - X Z|_F`` over rank-``r`` ``Z``).
    """
    Ya, Wa = check_array(Y, "Y", ndim=2), check_array(W, "W", ndim=2)
    Xa = check_array(X, "X", ndim=2)
    if Ya.shape != Wa.shape:
        raise ValueError(f"Y must have the shape of W {Wa.shape}, got {Ya.shape}")
    if Xa.shape[1] != Wa.shape[0]:
        raise ValueError(f"X must have {Wa.shape[0]} columns (the rows of W), got {Xa.shape[1]}")
    XW, XY = Xa @ Wa, Xa @ Ya
    relu_XW = np.maximum(XW, 0.0)
    return {
        "weights (Frobenius)": np.linalg.norm(Wa - Ya) / np.linalg.norm(Wa),
        "function, Gaussian x": nlra_objective(Ya, Wa) / nlra_objective(np.zeros_like(Wa), Wa),
        "function, data": np.linalg.norm(np.maximum(XY, 0.0) - relu_XW)
        / np.linalg.norm(relu_XW),
        "pre-activations, max norm": max_norm(XW - XY) / max_norm(XW),
        "pre-activations on data (Frobenius)": np.linalg.norm(XW - XY) / np.linalg.norm(XW),
    }


def compress_layer(W: np.ndarray, X: np.ndarray, r: int, *, rng: np.random.Generator | int
                   ) -> dict[str, np.ndarray]:
    """Rank-``r`` compressions of a ReLU layer's weight ``W`` by the four papers' methods.

    Parameters
    ----------
    W : ndarray (d, m)
    X : ndarray (n, d)
        Data for the data-driven method.
    r : int >= 1
    rng : numpy Generator or int seed
        For the Gaussian sketch ``R`` (``d x r``) of the random embedding.

    Returns
    -------
    dict of ndarray (d, m)
        ``"spectral"`` (truncated SVD), ``"ReLU SVD (rescaled top-r)"`` and
        ``"ReLU SVD (greedy)"`` (:func:`lowrank_nb.papers.vodrahalli.relu.relu_svd`),
        ``"data-driven"`` (:func:`lowrank_nb.papers.zhangsaab.compression.data_driven_lowrank`)
        and ``"random embedding"`` ``R R^T W / r``.

    References
    ----------
    Vodrahalli et al. (2022), Theorem 3.3 and Algorithm 3 (ReLU SVD); Zhang and Saab,
    Theorem 3.1 (data-driven); S. Budzinskiy, Theorem 1.3 (random embedding).
    """
    Wa, Xa = check_array(W, "W", ndim=2), check_array(X, "X", ndim=2)
    if Xa.shape[1] != Wa.shape[0]:
        raise ValueError(f"X must have {Wa.shape[0]} columns (the rows of W), got {Xa.shape[1]}")
    r = check_int(r, "r", maximum=min(Wa.shape))
    g = check_rng(rng)
    A, B = weight_svd_lowrank(Wa, r)
    Ad, Bd = data_driven_lowrank(Xa, Wa, r)
    R = jl_sketch(Wa.shape[0], r, g, "gaussian")
    return {
        "spectral": A @ B,
        "ReLU SVD (rescaled top-r)": relu_svd(Wa, r, subspace="topr").Y,
        "ReLU SVD (greedy)": relu_svd(Wa, r, subspace="greedy").Y,
        "data-driven": Ad @ Bd,
        "random embedding": R @ R.T @ Wa / r,
    }
