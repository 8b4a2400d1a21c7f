"""Softmax, attention and random features: primitives shared by the book.

Softmax attention ``Att = D^{-1} A V`` with ``A = exp(Q K^T / sqrt(m))`` and
``D = diag(A 1)``. Row maxima are subtracted before ``exp``: the normalisation cancels the
shift exactly, and logits above ~709 would otherwise overflow to inf.
"""

from __future__ import annotations

import numpy as np

from lowrank_nb.core.validate import check_array, check_int, check_rng

__all__ = [
    "attention",
    "elu_plus_one",
    "gaussian_features",
    "linear_attention",
    "performer_attention",
    "positive_random_features",
    "softmax_rows",
    "trig_random_features",
]


def softmax_rows(S: np.ndarray) -> np.ndarray:
    """Row-wise softmax ``exp(S_ij) / sum_k exp(S_ik)``, stable for any finite logits.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §1.3; Y. Deng, Z. Song,
    K. Yuan and T. Zhou, "Why softmax attention outperforms linear attention", Definition of
    softmax attention.
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
