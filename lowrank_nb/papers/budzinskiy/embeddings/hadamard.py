"""Hadamard products of factorised matrices and the Taylor construction of Section 3.

* :func:`face_splitting`: the row-wise Kronecker (transposed Khatri--Rao) product of
  Lemma 3.1, ``(A_1 B_1^T) * ... * (A_t B_t^T) = face(A_1..A_t) face(B_1..B_t)^T``.
* :func:`hadamard_power_factors`: rank-``k`` factors of ``(A B^T)^{*s}``, three ways:

  - ``"literal"``: form the ``m^s``-column face-splitting factors and apply a Gaussian JL
    sketch (Theorem 1.3), exactly as in the proof of Lemma 3.1;
  - ``"gram"``: draw *the same random variable* without forming ``m^s`` columns. With
    ``Z = [A; B]`` the rows of ``[A~ R; B~ R]`` are jointly Gaussian with covariance
    ``(Z Z^T)^{*s}`` (the Gram matrix of the face-splitting rows), so ``L xi`` with
    ``L L^T = (Z Z^T)^{*s}`` has the same law. Cost ``O((n1 + n2)^3)``, independent of ``m^s``;
  - ``"kron"``: a Kronecker-structured sketch ``r^(1) (x) ... (x) r^(s)``, i.e. the Hadamard
    product of ``s`` independent sketches. Unbiased and cheap, but a *different* embedding with
    larger variance; it is not the one the proof uses.

* :func:`taylor_inner_product`: the factorisation of Lemma 3.3,
  ``G = h(0) 1 1^T + sum_{s=1}^{t-1} h^(s)(0)/s! G_s`` of width ``1 + (t - 1) k``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np

from lowrank_nb.core.validate import check_array, check_int, check_rng, check_same_width
from lowrank_nb.papers.budzinskiy.embeddings.jl import jl_factors

__all__ = [
    "face_splitting",
    "hadamard_power_factors",
    "hadamard_power_sketches",
    "lemma33_rhs",
    "taylor_inner_product",
]

Method = Literal["gram", "literal", "kron"]
MAX_FACE_COLUMNS = 2**20


def face_splitting(*mats: np.ndarray, max_cols: int = MAX_FACE_COLUMNS) -> np.ndarray:
    """Row-wise Kronecker product: row ``i`` is ``A_1(i,:) (x) ... (x) A_t(i,:)``.

    Parameters
    ----------
    *mats : ndarrays of shape (n, m_s), same ``n``
    max_cols : int
        Refuse to build more than this many columns (``prod m_s`` explodes quickly).

    Returns
    -------
    ndarray of shape (n, m_1 ... m_t)

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Lemma 3.1 (proof).
    """
    if not mats:
        raise ValueError("mats must contain at least one matrix")
    arrs = [check_array(M, f"mats[{i}]") for i, M in enumerate(mats)]
    n = arrs[0].shape[0]
    if any(M.shape[0] != n for M in arrs):
        raise ValueError("mats must all have the same number of rows")
    cols = math.prod(M.shape[1] for M in arrs)
    if cols > max_cols:
        raise ValueError(f"face splitting would have {cols} columns > max_cols={max_cols}")
    out = arrs[0]
    for M in arrs[1:]:
        out = (out[:, :, None] * M[:, None, :]).reshape(n, -1)
    return out


def _check_factors(A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    Aa, Ba = check_array(A, "A"), check_array(B, "B")
    check_same_width(Aa, Ba, "A", "B")
    return Aa, Ba


def _gram_sqrt(K: np.ndarray) -> np.ndarray:
    """A factor ``L`` with ``L L^T = K`` for a PSD ``K`` (tiny negative eigenvalues clipped)."""
    lam, V = np.linalg.eigh(K)
    return V * np.sqrt(np.maximum(lam, 0.0))


def hadamard_power_sketches(
    A: np.ndarray,
    B: np.ndarray,
    s_max: int,
    k: int,
    rng: np.random.Generator | int | None,
    method: Method = "gram",
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Independent rank-``k`` factors ``(U_s, V_s)`` of ``(A B^T)^{*s}`` for ``s = 1..s_max``.

    Parameters
    ----------
    A : ndarray (n1, m)
    B : ndarray (n2, m)
    s_max : int >= 1
    k : int >= 1
        Sketch width (rank of each ``U_s V_s^T``).
    rng : numpy.random.Generator or int
    method : {"gram", "literal", "kron"}
        See the module docstring. ``"gram"`` and ``"literal"`` give the same distribution.

    Returns
    -------
    list of ``s_max`` pairs ``(U_s, V_s)`` with shapes ``(n1, k)``, ``(n2, k)``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Lemma 3.1 and Theorem 1.3.
    """
    Aa, Ba = _check_factors(A, B)
    s_max = check_int(s_max, "s_max")
    k = check_int(k, "k")
    gen = check_rng(rng)
    if method not in ("gram", "literal", "kron"):
        raise ValueError(f"method must be 'gram', 'literal' or 'kron', got {method!r}")
    n1 = Aa.shape[0]
    out = []
    if method == "gram":
        Z = np.vstack([Aa, Ba])
        K = Z @ Z.T
        Ks = np.ones_like(K)
        for _ in range(s_max):
            Ks = Ks * K
            W = _gram_sqrt(Ks) @ gen.standard_normal((Z.shape[0], k)) / math.sqrt(k)
            out.append((W[:n1], W[n1:]))
    elif method == "literal":
        for s in range(1, s_max + 1):
            At = face_splitting(*([Aa] * s))
            Bt = face_splitting(*([Ba] * s))
            out.append(jl_factors(At, Bt, k, gen))
    else:
        m = Aa.shape[1]
        for s in range(1, s_max + 1):
            U = np.ones((n1, k))
            V = np.ones((Ba.shape[0], k))
            for _ in range(s):
                R = gen.standard_normal((m, k))
                U *= Aa @ R
                V *= Ba @ R
            out.append((U / math.sqrt(k), V / math.sqrt(k)))
    return out


def hadamard_power_factors(
    A: np.ndarray,
    B: np.ndarray,
    s: int,
    k: int,
    rng: np.random.Generator | int | None,
    method: Method = "gram",
) -> tuple[np.ndarray, np.ndarray]:
    """Rank-``k`` factors ``(U, V)`` with ``U V^T ~ (A B^T)^{*s}`` entrywise.

    See :func:`hadamard_power_sketches` (this returns the ``s``-th power only). For ``s = 0``
    the power is the all-ones matrix and the factors are exact columns of ones.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Lemma 3.1.
    """
    s = check_int(s, "s", minimum=0)
    Aa, Ba = _check_factors(A, B)
    gen = check_rng(rng)
    k = check_int(k, "k")
    if method not in ("gram", "literal", "kron"):
        raise ValueError(f"method must be 'gram', 'literal' or 'kron', got {method!r}")
    if s == 0:  # the 0-th Hadamard power is the all-ones matrix: exact rank-one factors
        return np.ones((Aa.shape[0], 1)), np.ones((Ba.shape[0], 1))
    if method == "gram":
        Z = np.vstack([Aa, Ba])
        W = _gram_sqrt((Z @ Z.T) ** s) @ gen.standard_normal((Z.shape[0], k)) / math.sqrt(k)
        return W[: Aa.shape[0]], W[Aa.shape[0]:]
    if method == "literal":
        return jl_factors(face_splitting(*([Aa] * s)), face_splitting(*([Ba] * s)), k, gen)
    return hadamard_power_sketches(Aa, Ba, s, k, gen, method)[-1]


def taylor_inner_product(
    derivs0: Sequence[float],
    A: np.ndarray,
    B: np.ndarray,
    t: int,
    k: int,
    rng: np.random.Generator | int | None,
    method: Method = "gram",
    sketches: list[tuple[np.ndarray, np.ndarray]] | None = None,
) -> tuple[np.ndarray, np.ndarray, dict]:
    """Factors of Lemma 3.3: ``U V^T = h(0) 1 1^T + sum_{s<t} h^(s)(0)/s! U_s V_s^T``.

    Parameters
    ----------
    derivs0 : sequence of float, length >= t
        ``h(0), h'(0), ..., h^(t-1)(0)``.
    A : ndarray (n1, m)
    B : ndarray (n2, m)
    t : int >= 1
        Number of Taylor terms (degree ``t - 1``).
    k : int >= 1
        Sketch width per power.
    rng : numpy.random.Generator or int
    method : {"gram", "literal", "kron"}
    sketches : list of (U_s, V_s), optional
        Precomputed :func:`hadamard_power_sketches` output (at least ``t - 1`` entries), so that
        several ``t`` share one set of sketches.

    Returns
    -------
    U : ndarray (n1, 1 + (t - 1) k)
    V : ndarray (n2, 1 + (t - 1) k)
    info : dict
        ``"eps"``: realised relative errors
        ``||(A B^T)^{*s} - U_s V_s^T||_max / (||A||_{2,inf} ||B||_{2,inf})^s`` for ``s = 1..t-1``;
        ``"width"``: ``1 + (t - 1) k``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Lemma 3.3.
    """
    Aa, Ba = _check_factors(A, B)
    t = check_int(t, "t")
    k = check_int(k, "k")
    c = check_array(np.asarray(derivs0, dtype=float), "derivs0", ndim=1)
    if c.size < t:
        raise ValueError(f"derivs0 must have at least t={t} entries, got {c.size}")
    if sketches is None:
        sketches = hadamard_power_sketches(Aa, Ba, t - 1, k, rng, method) if t > 1 else []
    if len(sketches) < t - 1:
        raise ValueError(f"sketches must hold at least t-1={t - 1} powers, got {len(sketches)}")
    n1, n2 = Aa.shape[0], Ba.shape[0]
    Us = [np.full((n1, 1), c[0])]
    Vs = [np.ones((n2, 1))]
    P = Aa @ Ba.T
    scale = float(np.max(np.linalg.norm(Aa, axis=1)) * np.max(np.linalg.norm(Ba, axis=1)))
    eps = []
    for s in range(1, t):
        U_s, V_s = sketches[s - 1]
        if U_s.shape != (n1, k) or V_s.shape != (n2, k):
            raise ValueError(f"sketch {s} has shapes {U_s.shape}, {V_s.shape}; expected width k")
        eps.append(float(np.max(np.abs(P**s - U_s @ V_s.T))) / scale**s)
        Us.append(U_s * (c[s] / math.factorial(s)))
        Vs.append(V_s)
    U, V = np.hstack(Us), np.hstack(Vs)
    return U, V, {"eps": np.array(eps), "width": U.shape[1]}


def lemma33_rhs(
    derivs0: Sequence[float],
    max_abs_ab: float,
    norm_a: float,
    norm_b: float,
    t: int,
    sup_ht: float,
    eps: float,
) -> tuple[float, float]:
    """The two terms of Lemma 3.3's bound: (analytic, algebraic).

    ``analytic = ||A B^T||_max^t / t! * ||h^(t)||_{L_inf(Omega)}`` and
    ``algebraic = eps * sum_{s=1}^{t-1} |h^(s)(0)| / s! * (||A||_{2,inf} ||B||_{2,inf})^s``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Lemma 3.3.
    """
    t = check_int(t, "t")
    c = check_array(np.asarray(derivs0, dtype=float), "derivs0", ndim=1)
    if c.size < t:
        raise ValueError(f"derivs0 must have at least t={t} entries, got {c.size}")
    for value, name in ((max_abs_ab, "max_abs_ab"), (norm_a, "norm_a"), (norm_b, "norm_b"),
                        (sup_ht, "sup_ht"), (eps, "eps")):
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be finite and lie in [0, inf), got {value}")
    analytic = max_abs_ab**t / math.factorial(t) * sup_ht
    algebraic = eps * sum(
        abs(c[s]) / math.factorial(s) * (norm_a * norm_b) ** s for s in range(1, t)
    )
    return float(analytic), float(algebraic)
