"""Random embeddings (Johnson--Lindenstrauss sketches) of low-rank products.

Theorem 1.3 of the entrywise paper: for any ``A`` (n1 x m) and ``B`` (n2 x m) the sketch
``U = A R / sqrt(k)``, ``V = B R / sqrt(k)`` with a sub-Gaussian ``R`` (m x k) satisfies
``||A B^T - U V^T||_max <= eps ||A||_{2,inf} ||B||_{2,inf}`` with constant probability once
``k >~ eps^-2 log(n1 n2)``, whatever ``m``. (The paper's text omits the ``1/k`` scaling.)
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from .._validate import check_array, check_int, check_rng, check_same_width

__all__ = ["jl_factors", "jl_sketch", "realised_jl_error"]


def jl_sketch(
    m: int, k: int, rng: np.random.Generator | int | None, kind: Literal["gaussian", "rademacher"]
) -> np.ndarray:
    """Draw the ``m x k`` sketching matrix ``R`` with iid N(0, 1) or +-1 entries.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 1.3 (sub-Gaussian R).
    """
    m = check_int(m, "m")
    k = check_int(k, "k")
    rng = check_rng(rng)
    if kind == "gaussian":
        return rng.standard_normal((m, k))
    if kind == "rademacher":
        return rng.choice(np.array([-1.0, 1.0]), size=(m, k))
    raise ValueError(f"kind must be 'gaussian' or 'rademacher', got {kind!r}")


def jl_factors(
    A: np.ndarray,
    B: np.ndarray,
    k: int,
    rng: np.random.Generator | int | None,
    kind: Literal["gaussian", "rademacher"] = "gaussian",
) -> tuple[np.ndarray, np.ndarray]:
    """Rank-``k`` factors ``(U, V)`` with ``U V^T ~ A B^T`` entrywise.

    Parameters
    ----------
    A : ndarray (n1, m)
    B : ndarray (n2, m)
    k : int >= 1
        Sketch width, i.e. the rank of ``U V^T``.
    rng : numpy.random.Generator or int
    kind : {"gaussian", "rademacher"}

    Returns
    -------
    U : ndarray (n1, k)
    V : ndarray (n2, k)

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 1.3 and Eq. (2).
    """
    Aa = check_array(A, "A")
    Ba = check_array(B, "B")
    check_same_width(Aa, Ba, "A", "B")
    R = jl_sketch(Aa.shape[1], k, rng, kind)
    scale = 1.0 / np.sqrt(R.shape[1])
    return (Aa @ R) * scale, (Ba @ R) * scale


def realised_jl_error(A: np.ndarray, B: np.ndarray, U: np.ndarray, V: np.ndarray) -> float:
    """Relative error ``||A B^T - U V^T||_max / (||A||_{2,inf} ||B||_{2,inf})``.

    This is the realised ``eps`` of Theorem 1.3, the quantity the book fits and bounds.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 1.3.
    """
    from ..norms import factor_norm

    Aa, Ba, Ua, Va = (check_array(M, n) for M, n in ((A, "A"), (B, "B"), (U, "U"), (V, "V")))
    check_same_width(Ua, Va, "U", "V")
    if Ua.shape[0] != Aa.shape[0] or Va.shape[0] != Ba.shape[0]:
        raise ValueError("U must have as many rows as A, and V as many as B")
    scale = factor_norm(Aa, Ba)
    if scale == 0.0:
        raise ValueError("A or B is zero: the relative error is undefined")
    return float(np.max(np.abs(Aa @ Ba.T - Ua @ Va.T))) / scale
