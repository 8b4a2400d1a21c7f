"""Attention primitives shared by Parts II and V.

Softmax attention ``Att = D^{-1} A V`` with ``A = exp(Q K^T / sqrt(m))`` and
``D = diag(A 1)``. Row maxima are subtracted before ``exp``: the normalisation cancels the
shift exactly, and logits above ~709 would otherwise overflow to inf.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_array

__all__ = [
    "attention",
    "elu_plus_one",
    "linear_attention",
    "positive_random_features",
    "softmax_rows",
    "trig_random_features",
]


def softmax_rows(S: np.ndarray) -> np.ndarray:
    """Row-wise softmax ``exp(S_ij) / sum_k exp(S_ik)``, stable for any finite logits.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §1.3; Y. Deng, Z. Song, K. Yuan,
    T. Zhou, "Why softmax attention outperforms linear attention", Definition of softmax
    attention.
    """
    Sa = check_array(S, "S")
    E = np.exp(Sa - Sa.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def attention(Q: np.ndarray, K: np.ndarray, V: np.ndarray, *, scale: float | None = None
              ) -> np.ndarray:
    """Softmax attention ``softmax(Q K^T * scale) V`` with ``scale = 1/sqrt(m)`` by default.

    Parameters
    ----------
    Q : ndarray (n, m)
    K : ndarray (n_k, m)
    V : ndarray (n_k, d_v)
    scale : float, optional

    Returns
    -------
    ndarray (n, d_v)

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §1.3 (Att = D^{-1} A V).
    """
    Qa, Ka, Va = check_array(Q, "Q"), check_array(K, "K"), check_array(V, "V")
    if Qa.shape[1] != Ka.shape[1]:
        raise ValueError(f"Q and K must have the same width, got {Qa.shape[1]} and {Ka.shape[1]}")
    if Ka.shape[0] != Va.shape[0]:
        raise ValueError(f"K and V must have the same number of rows, got {Ka.shape[0]} and "
                         f"{Va.shape[0]}")
    s = 1.0 / np.sqrt(Qa.shape[1]) if scale is None else float(scale)
    if not np.isfinite(s):
        raise ValueError(f"scale must be finite, got {scale}")
    return softmax_rows((Qa @ Ka.T) * s) @ Va


def linear_attention(phi_Q: np.ndarray, phi_K: np.ndarray, V: np.ndarray) -> np.ndarray:
    """Linear attention ``diag(phi_Q phi_K^T 1)^{-1} phi_Q (phi_K^T V)`` in O(n) time.

    Raises ``ValueError`` if a normaliser ``phi(q_i) . sum_j phi(k_j)`` is not positive, where
    the result would be meaningless (division by zero or a sign flip).

    References
    ----------
    A. Katharopoulos et al., "Transformers are RNNs" (2020); Y. Deng et al., "Why softmax
    attention outperforms linear attention", definition of linear attention.
    """
    Pq, Pk, Va = check_array(phi_Q, "phi_Q"), check_array(phi_K, "phi_K"), check_array(V, "V")
    if Pq.shape[1] != Pk.shape[1]:
        raise ValueError("phi_Q and phi_K must have the same number of features")
    if Pk.shape[0] != Va.shape[0]:
        raise ValueError("phi_K and V must have the same number of rows")
    norm = Pq @ Pk.sum(axis=0)
    if np.any(norm <= 0):
        raise ValueError(
            f"linear attention needs positive row sums; the smallest is {norm.min():.3g} "
            "(use a positive feature map such as elu+1)"
        )
    return (Pq @ (Pk.T @ Va)) / norm[:, None]


def elu_plus_one(X: np.ndarray) -> np.ndarray:
    """The feature map ``elu(x) + 1`` of linear attention (positive everywhere).

    References
    ----------
    A. Katharopoulos et al., "Transformers are RNNs" (2020), Eq. (7).
    """
    Xa = check_array(X, "X")
    return np.where(Xa > 0, Xa + 1.0, np.exp(np.minimum(Xa, 0.0)))


def positive_random_features(X: np.ndarray, Omega: np.ndarray) -> np.ndarray:
    """Performer's positive features ``phi(x) = exp(Omega^T x - |x|^2 / 2) / sqrt(k)``.

    With ``Omega`` (m x k) iid N(0, 1), ``E[phi(q) . phi(k)] = exp(q . k)``. Large logits can
    overflow here; callers that only need attention outputs may subtract a per-row constant
    from ``Omega^T x`` first, since it cancels in the normaliser.

    Parameters
    ----------
    X : ndarray (n, m)
        Rows already scaled (e.g. by ``m**-0.25`` for softmax attention).
    Omega : ndarray (m, k)

    Returns
    -------
    ndarray (n, k)

    References
    ----------
    K. Choromanski et al., "Rethinking attention with Performers" (2021), Lemma 1 (FAVOR+).
    """
    Xa, Om = check_array(X, "X"), check_array(Omega, "Omega")
    if Xa.shape[1] != Om.shape[0]:
        raise ValueError(f"Omega must have {Xa.shape[1]} rows, got {Om.shape[0]}")
    logits = Xa @ Om - 0.5 * np.einsum("ij,ij->i", Xa, Xa)[:, None]
    return np.exp(logits) / np.sqrt(Om.shape[1])


def trig_random_features(X: np.ndarray, Omega: np.ndarray) -> np.ndarray:
    """Trigonometric features ``[cos(Omega^T x), sin(Omega^T x)] / sqrt(k)``.

    ``phi(x) . phi(y) = (1/k) sum_i cos(omega_i . (x - y))`` estimates ``exp(-|x - y|^2/2)`` for
    ``omega ~ N(0, I)``; rows have Euclidean norm exactly 1.

    References
    ----------
    A. Rahimi and B. Recht, "Random features for large-scale kernel machines" (2007);
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 5.1.
    """
    Xa, Om = check_array(X, "X"), check_array(Omega, "Omega")
    if Xa.shape[1] != Om.shape[0]:
        raise ValueError(f"Omega must have {Xa.shape[1]} rows, got {Om.shape[0]}")
    P = Xa @ Om
    return np.hstack([np.cos(P), np.sin(P)]) / np.sqrt(Om.shape[1])


def gaussian_features(k: int, num_features: int, rng: np.random.Generator, *,
                      orthogonal: bool = False) -> np.ndarray:
    """Random projection matrix ``Omega`` (k x R) for Performer features.

    iid N(0, 1) entries, or (``orthogonal=True``) blocks of ``k`` orthogonal directions whose
    lengths are redrawn from the chi distribution with ``k`` degrees of freedom, so that every
    column is still marginally N(0, I_k).

    References
    ----------
    K. Choromanski et al., "Rethinking attention with Performers" (2021), Section 2.4.
    """
    from ._validate import check_int, check_rng

    k = check_int(k, "k", minimum=1)
    R = check_int(num_features, "num_features", minimum=1)
    rng = check_rng(rng)
    if not orthogonal:
        return rng.standard_normal((k, R))
    blocks = []
    for _ in range(-(-R // k)):
        Qm, Rm = np.linalg.qr(rng.standard_normal((k, k)))
        Qm = Qm * np.where(np.diag(Rm) < 0, -1.0, 1.0)[None, :]  # Haar-distributed directions
        norms = np.sqrt(rng.chisquare(k, size=k))
        blocks.append(Qm * norms[None, :])
    return np.hstack(blocks)[:, :R]


def performer_attention(Q: np.ndarray, K: np.ndarray, V: np.ndarray, num_features: int,
                        rng: np.random.Generator, *, scale: float = 1.0,
                        orthogonal: bool = False, return_matrix: bool = False
                        ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """FAVOR+ estimate of ``softmax(scale * Q K^T) V`` with positive random features.

    ``phi(x) = exp(omega^T x - |x|^2/2) / sqrt(R)`` (unbiased for ``exp(q . k)``) is evaluated
    with a per-query-row shift of the exponent and one global shift for the keys. Both cancel
    exactly in the row normalisation, so nothing overflows even for logits far above 700
    (plain ``exp`` overflows at about 709.8). A query whose features all underflow against the
    keys raises ``ValueError`` (through :func:`linear_attention`) instead of returning NaN.

    Parameters
    ----------
    Q : ndarray (n, k)
    K : ndarray (n_k, k)
    V : ndarray (n_k, d_v)
    num_features : int
        Number R of random features.
    rng : numpy.random.Generator
    scale : float, default 1.0
        Logit scale; ``1/sqrt(k)`` gives the transformer convention.
    orthogonal : bool, default False
        Orthogonal blocks of features (see :func:`gaussian_features`).
    return_matrix : bool, default False
        Also return the (n, n_k) row-stochastic matrix that the features induce.

    Returns
    -------
    ndarray (n, d_v), or (output, matrix)

    References
    ----------
    K. Choromanski et al., "Rethinking attention with Performers" (2021), Lemma 1;
    Y. Deng et al., "Why softmax attention outperforms linear attention", Section 8 (context).
    """
    Qa, Ka, Va = check_array(Q, "Q"), check_array(K, "K"), check_array(V, "V")
    if Qa.shape[1] != Ka.shape[1]:
        raise ValueError(f"Q and K must have the same width, got {Qa.shape[1]} and {Ka.shape[1]}")
    if Ka.shape[0] != Va.shape[0]:
        raise ValueError("K and V must have the same number of rows")
    s = float(scale)
    if not (np.isfinite(s) and s > 0):
        raise ValueError(f"scale must be finite and positive, got {scale}")
    Om = gaussian_features(Qa.shape[1], num_features, rng, orthogonal=orthogonal)
    Qs, Ks = Qa * np.sqrt(s), Ka * np.sqrt(s)
    Lq = Qs @ Om - 0.5 * np.einsum("ij,ij->i", Qs, Qs)[:, None]
    Lk = Ks @ Om - 0.5 * np.einsum("ij,ij->i", Ks, Ks)[:, None]
    # shifts cancel: per query row in numerator and denominator; globally for keys
    phi_q = np.exp(Lq - Lq.max(axis=1, keepdims=True))
    phi_k = np.exp(Lk - Lk.max())
    out = linear_attention(phi_q, phi_k, Va)
    if not return_matrix:
        return out
    W = phi_q @ phi_k.T
    return out, W / W.sum(axis=1, keepdims=True)


# --- Part II, §1.3: entrywise low-rank approximation of the attention matrix -------------

__all__ += [
    "attention_from_matrix",
    "attention_transfer_bounds",
    "exp_logits",
    "trig_softmax_factors",
]


def exp_logits(Q: np.ndarray, K: np.ndarray, *, scale: float | None = None) -> np.ndarray:
    """The unnormalised attention matrix ``A = exp(Q K^T * scale)``, ``scale = 1/sqrt(m)``.

    No shift is applied: §1.3 of Budzinskiy studies ``A`` itself (its entrywise low-rank
    approximation), so logits above about 709 raise ``ValueError`` instead of overflowing.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §1.3.
    """
    Qa, Ka = check_array(Q, "Q"), check_array(K, "K")
    if Qa.shape[1] != Ka.shape[1]:
        raise ValueError(f"Q and K must have the same width, got {Qa.shape[1]} and {Ka.shape[1]}")
    s = 1.0 / np.sqrt(Qa.shape[1]) if scale is None else float(scale)
    if not np.isfinite(s) or s <= 0:
        raise ValueError(f"scale must be finite and > 0, got {scale}")
    L = (Qa @ Ka.T) * s
    if L.max() > 700.0:
        raise ValueError(f"Q, K: logits up to {L.max():.1f} would overflow exp (limit 700)")
    return np.exp(L)


def attention_from_matrix(A: np.ndarray, V: np.ndarray) -> np.ndarray:
    """``D^{-1} A V`` with ``D = diag(A 1)``, for any matrix ``A`` with positive row sums.

    Used to push an approximation ``G`` of ``A`` through the normalisation (§1.3).

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §1.3 (definition of Att).
    """
    Aa, Va = check_array(A, "A"), check_array(V, "V")
    if Aa.shape[1] != Va.shape[0]:
        raise ValueError(f"V must have {Aa.shape[1]} rows, got {Va.shape[0]}")
    d = Aa.sum(axis=1)
    if np.any(d <= 0):
        raise ValueError("A must have positive row sums (an approximation G may violate this)")
    return (Aa @ Va) / d[:, None]


def trig_softmax_factors(
    Q: np.ndarray, K: np.ndarray, Omega: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Factors ``L R^T ~ exp(Q K^T)`` from trigonometric random features.

    ``exp(q.k) = exp(|q|^2/2) exp(|k|^2/2) exp(-|q - k|^2/2)`` and the Gaussian factor is
    ``E cos(omega.(q - k))`` for ``omega ~ N(0, I)`` (Rahimi-Recht), so
    ``L = exp(|q|^2/2) [cos, sin](Q Omega) / sqrt(k)`` and likewise ``R``. Scale ``Q`` and
    ``K`` by ``m**-0.25`` first for softmax attention.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §1.3, §4 (rank-one Hadamard
    factors) and Theorem 5.2; A. Rahimi and B. Recht (2007).
    """
    Qa, Ka = check_array(Q, "Q"), check_array(K, "K")
    L = trig_random_features(Qa, Omega) * np.exp(0.5 * np.sum(Qa**2, axis=1))[:, None]
    R = trig_random_features(Ka, Omega) * np.exp(0.5 * np.sum(Ka**2, axis=1))[:, None]
    return L, R


def attention_transfer_bounds(A: np.ndarray, delta: float, V: np.ndarray) -> dict[str, float]:
    """Bounds on ``|Att(G) - Att(A)|_max`` for every ``G`` with ``|A - G|_max <= delta``.

    Row ``i`` of ``Att(G) - Att(A)`` equals ``sum_j E_ij (v_j - Att(A)_i) / s_G`` with
    ``E = G - A`` and ``s_G = sum_j G_ij >= n (mean_j A_ij - delta)``. Hence

    * ``"spec"``: ``2 delta |V|_max / (a_min - delta)`` (needs ``delta < min A``);
    * ``"sharp"``: ``delta * w / (min_i mean_j A_ij - delta)`` with ``w`` the largest column
      range ``max_j V_jc - min_j V_jc`` (needs ``delta < min_i mean_j A_ij``).

    A bound is ``inf`` where its condition fails.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §1.3; the bound is derived in
    the book (spec [derived]), not stated in the paper.
    """
    from ._validate import check_positive

    Aa, Va = check_array(A, "A"), check_array(V, "V")
    delta = check_positive(delta, "delta", allow_zero=True)
    if np.any(Aa <= 0):
        raise ValueError("A must be entrywise positive (an attention matrix exp(...))")
    a_min, row_mean = float(Aa.min()), float(Aa.mean(axis=1).min())
    vmax = float(np.max(np.abs(Va)))
    width = float(np.max(Va.max(axis=0) - Va.min(axis=0)))
    spec = 2 * delta * vmax / (a_min - delta) if delta < a_min else np.inf
    sharp = delta * width / (row_mean - delta) if delta < row_mean else np.inf
    return {"spec": spec, "sharp": sharp}


# --- Part VI: three views of one attention matrix -----------------------------------------

__all__ += [
    "ap_eps_rank",
    "performer_frobenius_errors",
    "performer_self_success",
    "theorem38_exp_rank",
]


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
    import math

    from ._validate import check_eps, check_int, check_positive
    from .bounds import jl_rank, thm38_rank

    n1, n2 = check_int(n1, "n1"), check_int(n2, "n2")
    eps = check_eps(eps)
    beta = check_positive(logit_radius, "logit_radius")
    c2 = check_positive(c2, "c2")
    t0 = max(1, math.ceil(math.e**2 * beta), math.floor(math.log(1 / eps)) + 1)
    best: dict[str, float] | None = None
    for t in range(t0, t0 + 60):
        eps_jl = min((eps - math.exp(-t)) / math.expm1(beta), 1 - 1e-9)
        r = jl_rank(eps_jl, n1, n2, c2)
        rank = thm38_rank(eps_jl, n1, n2, c2, t)  # 1 + (t - 1) r
        if best is None or rank < best["rank"]:
            best = {"rank": rank, "t": t, "eps_jl": eps_jl, "r": r}
    assert best is not None
    return best


def ap_eps_rank(A: np.ndarray, eps: float, *, rng: np.random.Generator | int | None,
                r_max: int | None = None) -> dict[str, float]:
    """Smallest rank at which alternating projections reach ``|A - G|_max <= eps max|A|``.

    Bisection over the rank between 1 and the truncated-SVD witness
    :func:`lowrank_nb.norms.svd_eps_rank` (AP at the SVD's rank is never needed: the SVD
    itself already qualifies). Each probe is one :func:`lowrank_nb.altproj.lrma_ap` run
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
    from ._validate import check_eps, check_int, check_rng
    from .altproj import lrma_ap
    from .norms import svd_eps_rank

    Aa = check_array(A, "A", ndim=2)
    eps = check_eps(eps)
    g = check_rng(rng)
    svd_r = svd_eps_rank(Aa, eps)
    hi = svd_r if r_max is None else min(svd_r, check_int(r_max, "r_max", minimum=1))
    from .altproj import svd_maxerr

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
    :func:`lowrank_nb.relu.performer_matrix` (iid Gaussian ``Omega``). For values with iid
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
    from ._validate import check_int, check_rng
    from .relu import performer_matrix

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
        Fixed features (e.g. from :func:`lowrank_nb.relu.performer_lfai`) used in every trial
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
    import math

    from ._validate import check_int, check_rng
    from .separation import rademacher, self_instance

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
            from .relu import performer_matrix

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


__all__ += ["performer_spike_model"]


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
    import math

    from scipy.stats import norm

    from ._validate import check_int, check_positive, check_probability

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
