"""Singular values of the attention matrices on the self-attention inputs of Definition D.1.

Used by the Explore section of Part V's tensor-trick chapter. The input ``A`` has at most
``d - 1`` distinct rows (the spike row and ``d - 2`` classes), so the ``n x n`` attention
matrix ``P`` is a blow-up of a small matrix and its singular values follow exactly from that
small matrix weighted by the class sizes: the cost does not grow with ``n``.

References
----------
Y. Deng, Z. Song, K. Yuan, T. Zhou, "Why softmax attention outperforms linear attention",
eq. (1), Definitions C.1, C.4 and D.1.
"""

from __future__ import annotations

import numpy as np

from lowrank_nb.core.softmax import softmax_rows
from lowrank_nb.core.validate import check_int, check_real

__all__ = ["self_attention_singular_values"]


def self_attention_singular_values(n: int, d: int, a: float, X: str = "ones",
                                   kind: str = "exp", *, b: float = 0.2, c: float = 0.8,
                                   j3: int = 0) -> np.ndarray:
    """Singular values of the row-stochastic attention matrix ``P`` for ``A1 = A2 = A``.

    ``A`` is the Definition-D.1 input (spike ``a`` in row ``j3``), the scores are
    ``S = A X A^T`` and ``P = D^{-1} g(S)`` with ``g = exp`` (softmax) or the identity
    (linear attention). Equal rows of ``A`` give equal rows and columns of ``P``; with ``u``
    groups of sizes ``w``, ``P = R U R^T`` (``R`` the ``n x u`` group indicator), and the
    nonzero singular values of ``P`` are those of ``diag(sqrt w) U diag(sqrt w)``.

    Parameters
    ----------
    n, d : int
        Sequence length and width, ``d >= 3`` and ``(d - 2) | n``.
    a : float
        Spike size (``a0`` for D0, ``a1`` for D1).
    X : {"ones", "identity"}, default "ones"
        ``X = 1_{d x d}`` (Appendix D) or ``X = I_d`` (Appendix E).
    kind : {"exp", "lin"}, default "exp"
        Softmax or linear attention.
    b, c : float, optional
        Type-II and Type-III entries of Definition D.1 (the Section 7.2 values by default).
    j3 : int, default 0
        Row of the spike, ``0 <= j3 < n`` (the singular values do not depend on it).

    Returns
    -------
    numpy.ndarray
        The ``u`` singular values of the small weighted matrix, in decreasing order
        (``u <= d - 1``); the other ``n - u`` singular values of ``P`` are exactly zero.

    References
    ----------
    Deng et al., eq. (1) (``D``, ``g``), Definitions C.1/C.4 (softmax and linear attention)
    and D.1 (the inputs).
    """
    n = check_int(n, "n", minimum=2)
    d = check_int(d, "d", minimum=3)
    a, b, c = check_real(a, "a"), check_real(b, "b"), check_real(c, "c")
    if X not in ("ones", "identity"):
        raise ValueError(f"X must be 'ones' or 'identity', got {X!r}")
    if kind not in ("exp", "lin"):
        raise ValueError(f"kind must be 'exp' or 'lin', got {kind!r}")
    if n % (d - 2) != 0:
        raise ValueError(f"n must be a multiple of d - 2 (Definition D.1), got n={n}, d={d}")
    j3 = check_int(j3, "j3", minimum=0, maximum=n - 1)
    # one row per group: the spike row j3, then the d - 2 classes of Definition D.1 (row r has
    # its Type-II entry in column 1 + r mod (d - 2)); j3's class has one row fewer
    L, t, k3 = np.sqrt(np.log(n)), n // (d - 2), j3 % (d - 2)
    U = np.zeros((d - 1, d))
    U[0, 0] = a * L
    U[0, 1 + k3] = b * L
    U[1 + np.arange(d - 2), 1 + np.arange(d - 2)] = b * L
    U[:, d - 1] = c * L
    counts = np.full(d - 1, t)
    counts[0], counts[1 + k3] = 1, t - 1
    keep = counts > 0  # t = 1: j3's class has no other row
    U, counts = U[keep], counts[keep]
    Xm = np.ones((d, d)) if X == "ones" else np.eye(d)
    S = U @ Xm @ U.T
    w = counts.astype(float)
    if kind == "exp":
        P = softmax_rows(S + np.log(w)[None, :]) / w[None, :]  # weight of one key per group
    else:
        tot = S @ w
        if np.any(tot <= 0):
            raise ValueError("linear attention needs positive row sums of A X A^T")
        P = S / tot[:, None]
    sw = np.sqrt(w)
    return np.linalg.svd(sw[:, None] * P * sw[None, :], compute_uv=False)
