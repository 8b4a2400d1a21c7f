"""Random embeddings (Johnson--Lindenstrauss sketches) of low-rank products.

Theorem 1.3 of the entrywise paper: for any ``A`` (n1 x m) and ``B`` (n2 x m) the sketch
``U = A R / sqrt(k)``, ``V = B R / sqrt(k)`` with a sub-Gaussian ``R`` (m x k) satisfies
``||A B^T - U V^T||_max <= eps ||A||_{2,inf} ||B||_{2,inf}`` with constant probability once
``k >~ eps^-2 log(n1 n2)``, whatever ``m``. (The paper's text omits the ``1/k`` scaling.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from lowrank_nb.core.norms import factor_norm
from lowrank_nb.core.sampling import sample_ball
from lowrank_nb.core.validate import check_array, check_int, check_rng, check_same_width

__all__ = [
    "fit_jl_constant",
    "jl_factors",
    "jl_sketch",
    "realised_jl_error",
]


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

    Aa, Ba, Ua, Va = (check_array(M, n) for M, n in ((A, "A"), (B, "B"), (U, "U"), (V, "V")))
    check_same_width(Ua, Va, "U", "V")
    if Ua.shape[0] != Aa.shape[0] or Va.shape[0] != Ba.shape[0]:
        raise ValueError("U must have as many rows as A, and V as many as B")
    scale = factor_norm(Aa, Ba)
    if scale == 0.0:
        raise ValueError("A or B is zero: the relative error is undefined")
    return float(np.max(np.abs(Aa @ Ba.T - Ua @ Va.T))) / scale


def fit_jl_constant(
    ns: Sequence[int],
    ms: Sequence[int],
    ks: Sequence[int],
    schemes: Sequence[str] = ("independent", "symmetric"),
    reps: int = 5,
    rng: Any = None,
) -> np.ndarray:
    """Fitted constants ``c2 = k median(eps_hat)**2 / log(2 e n**2)`` of Eq. (2), one per cell.

    For each cell ``(n, m, k, scheme)`` (nested loops in this order) it draws ``reps`` pairs
    of ``n x m`` matrices with rows in the unit ball (``B = A`` for ``"symmetric"``), sketches
    them with a Gaussian JL map of width ``k`` and records the realised max-norm error. With
    the Part I grid and ``rng = default_rng(111)`` as the first draws it reproduces that
    chapter's fit exactly.

    Parameters
    ----------
    ns, ms, ks : sequences of int >= 1
    schemes : sequence of {"independent", "symmetric"}
    reps : int >= 1, default 5
    rng : numpy.random.Generator or int seed

    Returns
    -------
    ndarray, shape (len(ns) * len(ms) * len(ks) * len(schemes),)

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 1.3 and Eq. (2).
    """

    grid = []
    for name, seq in (("ns", ns), ("ms", ms), ("ks", ks)):
        if isinstance(seq, (str, bytes)) or not isinstance(seq, Sequence) or len(seq) == 0:
            raise TypeError(f"{name} must be a non-empty sequence of integers")
        grid.append([check_int(v, name) for v in seq])
    if isinstance(schemes, (str, bytes)) or len(schemes) == 0:
        raise TypeError("schemes must be a non-empty sequence of 'independent'/'symmetric'")
    for s in schemes:
        if s not in ("independent", "symmetric"):
            raise ValueError(f"schemes must contain 'independent' or 'symmetric', got {s!r}")
    reps = check_int(reps, "reps")
    rng = check_rng(rng)
    out = []
    for n in grid[0]:
        for m in grid[1]:
            for k in grid[2]:
                for scheme in schemes:
                    eps_hat = []
                    for _ in range(reps):
                        A = sample_ball(n, m, rng=rng)
                        B = A if scheme == "symmetric" else sample_ball(n, m, rng=rng)
                        U, V = jl_factors(A, B, k, rng)
                        eps_hat.append(realised_jl_error(A, B, U, V))
                    out.append(k * np.median(eps_hat) ** 2 / math.log(2 * math.e * n * n))
    return np.asarray(out)
