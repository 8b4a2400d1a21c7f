"""Functions of the squared distance: Lemma 4.1 factors and Taylor constructions (§4).

* :func:`hadamard_power_factors` -- rank-``k`` factors of ``(A B^T)^{*s}`` (Lemma 3.1), by a
  Gaussian embedding of the face-split factors.
* :func:`perturbed_power_factors` -- ``(A B^T + sum_i u_i v_i^T)^{*t}`` by detaching one
  rank-one term at a time (proof of Lemma 4.1); width exactly ``R_k(t, p)``.
* :func:`taylor_perturbed_factors` -- ``sum_s c_s (A B^T + sum_i Z_i)^{*s}`` (Lemma 4.3).
* :func:`sqdist_parts` / :func:`taylor_sqdist_factors` -- the squared-distance matrix as
  ``A B^T + Z_1 + Z_2 (- xi 1 1^T)`` and the constructions of Theorems 4.5 and 4.7.
* :func:`taylor_coefficients` -- ``h^(s)(x0) / s!`` with mpmath, for derivative-growth checks.
* exact right-hand sides: :func:`thm45_bound`, :func:`cor48_bound`, :func:`stirling_tail`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from lowrank_nb.core.bounds import (
    cor48_bound,
    gauss_sq_derivative_bound,
    rank_detach_all,
    thm45_bound,
)
from lowrank_nb.core.validate import (
    check_array,
    check_int,
    check_positive,
    check_rng,
    check_same_width,
)
from lowrank_nb.papers.budzinskiy.embeddings.hadamard import hadamard_power_factors

__all__ = [
    "PerturbedPower",
    "cor48_bound",
    "gauss_sq_derivative_bound",
    "hadamard_power_factors",
    "perturbed_power_factors",
    "rank_detach_all",
    "sqdist_parts",
    "stirling_tail",
    "taylor_coefficients",
    "taylor_perturbed_factors",
    "taylor_sqdist_factors",
    "thm45_bound",
]

Method = Literal["gram", "literal"]


def _two_inf(A: np.ndarray) -> float:
    return float(np.sqrt(np.max(np.einsum("ij,ij->i", A, A))))


@dataclass
class PerturbedPower:
    """Factors of a Lemma 4.1 / Lemma 4.3 construction and its realised error budget.

    Attributes
    ----------
    U, V : ndarray
        ``U V^T`` approximates the target; ``U.shape[1]`` is the representation width.
    eps : dict
        Realised relative JL error ``||(AB^T)^{*s} - U_s V_s^T||_max / (|A| |B|)^s`` of every
        base node ``s``.
    bound : float
        Error bound propagated through the recursion with the realised per-node errors.
    base : float
        ``||A||_{2,inf} ||B||_{2,inf} + sum_i ||Z_i||_max``.
    """

    U: np.ndarray
    V: np.ndarray
    eps: dict[int, float] = field(default_factory=dict)
    bound: float = 0.0
    base: float = 0.0

    @property
    def width(self) -> int:
        """Number of columns of the factors (the rank bound that is realised)."""
        return int(self.U.shape[1])

    @property
    def eps_max(self) -> float:
        """Largest realised node error (the single ``eps`` of the paper's statements)."""
        return max(self.eps.values(), default=0.0)


def _check_perturbations(
    us: Sequence[np.ndarray], vs: Sequence[np.ndarray], n1: int, n2: int
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    if len(us) != len(vs):
        raise ValueError(f"us and vs must have the same length, got {len(us)} and {len(vs)}")
    U = [check_array(u, f"us[{i}]", ndim=1) for i, u in enumerate(us)]
    V = [check_array(v, f"vs[{i}]", ndim=1) for i, v in enumerate(vs)]
    for i, (u, v) in enumerate(zip(U, V)):
        if u.size != n1 or v.size != n2:
            raise ValueError(f"us[{i}] must have length {n1} and vs[{i}] length {n2}")
    return U, V


class _Builder:
    """Memoised recursion of the proof of Lemma 4.1 (one JL draw per base power s)."""

    def __init__(self, A, B, us, vs, k, rng, method):
        self.A, self.B, self.us, self.vs = A, B, us, vs
        self.k, self.rng, self.method = k, rng, method
        self.ab = _two_inf(A) * _two_inf(B)
        self.zmax = [float(np.max(np.abs(u)) * np.max(np.abs(v))) for u, v in zip(us, vs)]
        self.P = A @ B.T
        self.eps: dict[int, float] = {}
        self.memo: dict[tuple[int, int], tuple[np.ndarray, np.ndarray, float]] = {}

    def node(self, t: int, p: int) -> tuple[np.ndarray, np.ndarray, float]:
        key = (t, p)
        if key in self.memo:
            return self.memo[key]
        n1, n2 = self.A.shape[0], self.B.shape[0]
        if t == 0:
            out = (np.ones((n1, 1)), np.ones((n2, 1)), 0.0)
        elif p == 0:
            U, V = hadamard_power_factors(self.A, self.B, t, self.k, self.rng, self.method)
            err = float(np.max(np.abs(self.P**t - U @ V.T)))
            self.eps[t] = err / self.ab**t if self.ab > 0 else 0.0
            out = (U, V, err)
        else:
            u, v = self.us[p - 1], self.vs[p - 1]
            # s = 0 term of the binomial expansion: Z_p^{*t}, exactly rank one.
            Us, Vs, err = [u[:, None] ** t], [v[:, None] ** t], 0.0
            for s in range(1, t + 1):
                Ui, Vi, ei = self.node(s, p - 1)
                # Z^{*q} * (U V^T) = diag(u^q) U (diag(v^q) V)^T keeps the width.
                Us.append(math.comb(t, s) * (u[:, None] ** (t - s)) * Ui)
                Vs.append((v[:, None] ** (t - s)) * Vi)
                err += math.comb(t, s) * self.zmax[p - 1] ** (t - s) * ei
            out = (np.hstack(Us), np.hstack(Vs), err)
        self.memo[key] = out
        return out


def _setup(A, B, us, vs, k, rng):
    Aa, Ba = check_array(A, "A"), check_array(B, "B")
    check_same_width(Aa, Ba, "A", "B")
    U, V = _check_perturbations(us, vs, Aa.shape[0], Ba.shape[0])
    return Aa, Ba, U, V, check_int(k, "k"), check_rng(rng)


def perturbed_power_factors(
    A: np.ndarray,
    B: np.ndarray,
    us: Sequence[np.ndarray],
    vs: Sequence[np.ndarray],
    t: int,
    k: int,
    rng: np.random.Generator | int | None,
    method: Method = "gram",
) -> PerturbedPower:
    """Factors of ``(A B^T + sum_{i<=p} u_i v_i^T)^{*t}`` with width exactly ``R_k(t, p)``.

    The proof of Lemma 4.1: detach ``Z_p`` by the binomial expansion
    ``(M + Z_p)^{*t} = sum_s C(t, s) Z_p^{*(t-s)} * M^{*s}``, recurse on ``M^{*s}`` with
    ``p - 1`` perturbations, and embed the base powers ``(A B^T)^{*s}`` with
    :func:`hadamard_power_factors` (width ``k``). A Hadamard product with a rank-one matrix
    rescales rows and columns and keeps the width; the ``s = 0`` term adds one column.

    Parameters
    ----------
    A : ndarray (n1, m)
    B : ndarray (n2, m)
    us, vs : sequences of p vectors of lengths n1 and n2 (``Z_i = u_i v_i^T``)
    t : int >= 0
    k : int >= 1
        Width of each base embedding (the ``r`` of Eq. (2)).
    rng : numpy.random.Generator or int
    method : {"gram", "literal"}

    Returns
    -------
    PerturbedPower
        ``bound`` is ``sum_s C(t,s) |Z_p|^(t-s) bound(s, p-1)`` down to the realised base
        errors; it is at most ``eps_max * base**t``, the right-hand side of Lemma 4.1.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Lemma 4.1 (and its proof).
    """
    Aa, Ba, U, V, k, rng = _setup(A, B, us, vs, k, rng)
    t = check_int(t, "t", minimum=0)
    b = _Builder(Aa, Ba, U, V, k, rng, method)
    Uf, Vf, err = b.node(t, len(U))
    return PerturbedPower(Uf, Vf, dict(b.eps), err, b.ab + sum(b.zmax))


def taylor_perturbed_factors(
    coeffs: Sequence[float],
    A: np.ndarray,
    B: np.ndarray,
    us: Sequence[np.ndarray],
    vs: Sequence[np.ndarray],
    k: int,
    rng: np.random.Generator | int | None,
    method: Method = "gram",
    drop_zero: bool = False,
) -> PerturbedPower:
    """Factors of ``sum_{s<t} c_s (A B^T + sum_i u_i v_i^T)^{*s}`` (Lemma 4.3).

    The Hadamard powers share their base embeddings (one per ``s``), and the width is
    ``sum_{s<t} R_k(s, p) = R_k(t - 1, p + 1)``. With ``drop_zero`` the vanishing
    coefficients are skipped (width smaller than the lemma's count).

    Parameters
    ----------
    coeffs : sequence of float, length t >= 1
        ``c_s = h^(s)(x0) / s!``.
    A, B, us, vs, k, rng, method
        As in :func:`perturbed_power_factors`.
    drop_zero : bool, default False

    Returns
    -------
    PerturbedPower
        ``bound = sum_s |c_s| bound_s`` with the realised node errors; the paper's algebraic
        term is ``eps_max * sum_{s>=1} |c_s| base**s``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Lemma 4.3, Theorems 4.5, 4.7.
    """
    c = check_array(np.asarray(coeffs, dtype=float), "coeffs", ndim=1)
    Aa, Ba, U, V, k, rng = _setup(A, B, us, vs, k, rng)
    b = _Builder(Aa, Ba, U, V, k, rng, method)
    Us, Vs, err = [], [], 0.0
    for s in range(c.size):
        if drop_zero and c[s] == 0.0:
            continue
        Ui, Vi, ei = b.node(s, len(U))
        Us.append(c[s] * Ui)
        Vs.append(Vi)
        err += abs(c[s]) * ei
    if not Us:
        raise ValueError("every coefficient is zero: nothing to approximate")
    return PerturbedPower(np.hstack(Us), np.hstack(Vs), dict(b.eps), err, b.ab + sum(b.zmax))


def sqdist_parts(
    X: np.ndarray, Y: np.ndarray, W: np.ndarray | None = None, shift: float | None = None
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Write ``D - shift`` (``D(i,j) = |x_i - y_j|_W^2``) as ``A B^T + sum_i u_i v_i^T``.

    ``A = -sqrt(2) X Q |L|^{1/2}``, ``B = sqrt(2) Y Q |L|^{1/2} sign(L)`` from ``W = Q L Q^T``
    (so ``A B^T = -2 X W Y^T``), ``Z_1 = |x_i|_W^2 1^T``, ``Z_2 = 1 |y_j|_W^2`` and, when
    ``shift`` is given, ``Z_3 = -shift 1 1^T``. ``W`` only needs to be symmetric (Remark 4.6).

    Parameters
    ----------
    X : ndarray (n1, m)
    Y : ndarray (n2, m)
    W : ndarray (m, m), optional, symmetric (identity when omitted)
    shift : float, optional
        The expansion point ``xi`` of Theorem 4.7.

    Returns
    -------
    A, B, us, vs

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", proofs of Theorems 4.5 and 4.7,
    Remark 4.6.
    """
    Xa, Ya = check_array(X, "X"), check_array(Y, "Y")
    check_same_width(Xa, Ya, "X", "Y")
    if W is None:
        XL, YL = Xa, Ya
        xn, yn = np.einsum("ij,ij->i", Xa, Xa), np.einsum("ij,ij->i", Ya, Ya)
    else:
        Wa = check_array(W, "W")
        m = Xa.shape[1]
        if Wa.shape != (m, m) or not np.allclose(Wa, Wa.T, rtol=0, atol=1e-12):
            raise ValueError(f"W must be a symmetric ({m}, {m}) matrix")
        lam, Q = np.linalg.eigh(Wa)
        root = np.sqrt(np.abs(lam))
        XL, YL = (Xa @ Q) * root, (Ya @ Q) * (root * np.sign(lam))
        xn = np.einsum("ij,ij->i", Xa @ Wa, Xa)
        yn = np.einsum("ij,ij->i", Ya @ Wa, Ya)
    A, B = -np.sqrt(2.0) * XL, np.sqrt(2.0) * YL
    us = [xn, np.ones(Xa.shape[0])]
    vs = [np.ones(Ya.shape[0]), yn]
    if shift is not None:
        if not np.isfinite(shift):
            raise ValueError(f"shift must be finite, got {shift}")
        us.append(-float(shift) * np.ones(Xa.shape[0]))
        vs.append(np.ones(Ya.shape[0]))
    return A, B, us, vs


def taylor_sqdist_factors(
    coeffs: Sequence[float],
    X: np.ndarray,
    Y: np.ndarray,
    k: int,
    rng: np.random.Generator | int | None,
    *,
    W: np.ndarray | None = None,
    shift: float | None = None,
    method: Method = "gram",
    drop_zero: bool = False,
) -> PerturbedPower:
    """Low-rank factors of ``h(|x_i - y_j|_W^2)`` by Taylor expansion + Lemma 4.1.

    Without ``shift``: Theorem 4.5 / Lemma 4.3 with ``p = 2`` (coefficients at 0, width
    ``R_k(t - 1, 3)``). With ``shift = xi``: Theorem 4.7 (coefficients at ``xi``, ``p = 3``,
    width ``R_k(t - 1, 4)``).

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Lemma 4.3, Theorems 4.5, 4.7.
    """
    A, B, us, vs = sqdist_parts(X, Y, W, shift)
    return taylor_perturbed_factors(coeffs, A, B, us, vs, k, rng, method, drop_zero)


def taylor_coefficients(
    h: Callable, x0: float, order: int, dps: int = 60
) -> list[float]:
    """Taylor coefficients ``h^(s)(x0) / s!`` for ``s = 0..order`` with mpmath.

    Parameters
    ----------
    h : callable accepting mpmath numbers (e.g. ``lambda u: mpmath.exp(-mpmath.sqrt(u))``)
    x0 : float
    order : int >= 0
    dps : int, default 60
        Working decimal precision (high orders of numerical differentiation need it).

    Returns
    -------
    list of float

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Assumption 3.5 (derivative
    growth), Theorem 4.7.
    """
    import mpmath

    if not callable(h):
        raise TypeError(f"h must be callable, got {type(h).__name__}")
    order = check_int(order, "order", minimum=0)
    dps = check_int(dps, "dps", minimum=15)
    if not np.isfinite(x0):
        raise ValueError(f"x0 must be finite, got {x0}")
    with mpmath.workdps(dps):
        cs = mpmath.taylor(h, mpmath.mpf(x0), order)
    return [float(c) for c in cs]


def stirling_tail(x: float, t: int) -> tuple[float, float]:
    """``(x^t / t!, e^{-t})``: the Stirling step ``x^t/t! <= e^{-t}`` holds when ``t >= e^2 x``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Example 1.1, Corollaries 3.7,
    4.4, 6.4 and 4.8.
    """
    x = check_positive(x, "x", allow_zero=True)
    t = check_int(t, "t")
    return math.exp(t * math.log(x) - math.lgamma(t + 1)) if x > 0 else 0.0, math.exp(-t)


