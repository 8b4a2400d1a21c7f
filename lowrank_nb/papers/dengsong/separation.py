"""The softmax/linear attention separation of Deng, Song, Yuan and Zhou.

Datasets D0/D1 (toy score vectors, Definition 3.8; self-attention, Definition D.1;
cross-attention, Definition F.1), the paper's attention layer ``c = D^{-1} g(A1 X A2^T) A3 V``
with ``g = exp`` or the identity, the 3- and 4-layer threshold networks, Monte-Carlo success
rates, the exact success probability for ``X = 1_{d x d}`` and parameter sweeps.

Logs are natural throughout (every proof uses ``exp(ln n) = n``). The readings of the paper's
ambiguities (see the Part V chapters) are exposed as keyword arguments whose defaults are the
faithful choices: ``m = ceil(ln n)`` for the toy, ``tau = 0.5`` for the toy, one Rademacher
weight draw shared by the four (network, dataset) pairs in a trial, and Type-II columns
``2..d`` in Definition F.1.

References
----------
Y. Deng, Z. Song, K. Yuan, T. Zhou, "Why softmax attention outperforms linear attention"
(arXiv 2310.11685v2), Definitions 3.2-3.8, C.1-C.6, D.1, F.1; Lemmas 5.1-5.4; Theorems 6.2,
D.5, D.9, D.13, D.17, E.4, F.5, F.9, F.13, F.17; Section 7 and Appendix F.6.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from scipy.special import gammaln

from lowrank_nb.core.softmax import softmax_rows
from lowrank_nb.core.validate import check_array, check_int, check_positive, check_rng
from lowrank_nb.core.validate import check_real as _check_real
from lowrank_nb.papers.dengsong._common import EVENTS
from lowrank_nb.papers.dengsong.separation_exact import (  # noqa: F401 (one namespace)
    exact_fire_probs_self_identity,
    exact_success_self_identity,
)
from lowrank_nb.papers.dengsong.toy_numba import toy_fire_flags

__all__ = [
    "attention_layer",
    "attention_scores",
    "cross_instance",
    "cross_outputs",
    "cross_success",
    "exact_fire_probs_cross",
    "exact_fire_probs_self_ones",
    "exact_success_cross",
    "exact_success_self_ones",
    "fires",
    "four_layer_network",
    "hoeffding_check",
    "network_outputs",
    "paper_m",
    "rademacher",
    "relu_tau",
    "self_instance",
    "self_outputs",
    "self_success",
    "sweep",
    "tensor_trick_scores",
    "toy_f",
    "toy_inner_products",
    "toy_network",
    "toy_scores",
    "toy_success",
    "toy_sum_sq_approx",
]



# ---------------------------------------------------------------- small building blocks


def paper_m(n: int, delta: float = 0.01, C: float = 1.0, floor: int | None = None,
            rounding: str = "ceil") -> int:
    """Number of threshold units per row, ``m = max(rounding(C ln(n/delta)), floor)``.

    The paper writes ``m = log n`` (Section 7.1, with ``delta = 1``) or
    ``m = max{log(n/delta), 15}`` (Section 7.2) without saying how to round; ``ceil`` keeps
    ``m >= C ln(n/delta)`` (the faithful reading). ``rounding`` in {'ceil', 'floor', 'round'}.

    References
    ----------
    Deng et al., Definition 3.7 and Section 7.
    """
    n = check_int(n, "n", minimum=2)
    delta = _check_real(delta, "delta", 1e-300, 1.0)
    C = check_positive(C, "C")
    val = C * math.log(n / delta)
    ops = {"ceil": math.ceil, "floor": math.floor, "round": round}
    if rounding not in ops:
        raise ValueError(f"rounding must be one of {sorted(ops)}, got {rounding!r}")
    m = max(int(ops[rounding](val)), 1)
    if floor is not None:
        m = max(m, check_int(floor, "floor", minimum=1))
    return m


def rademacher(shape: int | tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """I.i.d. Rademacher (+1/-1 with probability 1/2) entries as float64 (Definition 3.7)."""
    rng = check_rng(rng)
    shp = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    size = math.prod(shp)
    # one random bit per sign: 8 signs per random byte, several times faster than floats
    bits = np.unpackbits(rng.integers(0, 256, size=-(-size // 8), dtype=np.uint8))[:size]
    return (1.0 - 2.0 * bits).reshape(shp)


def relu_tau(z: np.ndarray | float, tau: float = 0.0) -> np.ndarray:
    """Shifted ReLU ``phi_tau(z) = max(z - tau, 0)`` (Definition 3.4); ``tau = 0`` gives phi.

    Positive exactly when ``z > tau`` (strict), so ``z == tau`` gives 0.
    """
    tau = _check_real(tau, "tau")
    za = np.asarray(z, dtype=np.float64)
    if not np.all(np.isfinite(za)):
        raise ValueError("z must contain only finite values")
    return np.maximum(za - tau, 0.0)


# ---------------------------------------------------------------- toy model (Section 3)


def toy_scores(n: int, cls: int, rng: np.random.Generator, *, lo: float = 1.0,
               hi: float = 1.4, spike: float = 4.0, dist: str = "uniform",
               size: int | None = None) -> np.ndarray:
    """Score vectors ``u = Ax`` of Definition 3.8 (natural log).

    Class 0: every score lies in ``[lo ln n, hi ln n]``; class 1: the same, except that one
    uniformly placed score equals ``spike * ln n``. ``dist`` chooses the non-spike scores:
    'uniform' (i.i.d. uniform, the faithful reading), 'high' (all ``hi ln n``) or 'low'
    (all ``lo ln n``): the paper only gives the range.

    Returns shape ``(n,)``, or ``(size, n)`` when ``size`` is given.

    References
    ----------
    Deng et al., Definition 3.8.
    """
    n = check_int(n, "n", minimum=2)
    cls = check_int(cls, "cls", minimum=0, maximum=1)
    rng = check_rng(rng)
    lo = check_positive(lo, "lo")
    hi = check_positive(hi, "hi")
    if hi < lo:
        raise ValueError(f"hi must be >= lo, got hi={hi}, lo={lo}")
    spike = check_positive(spike, "spike")
    T = 1 if size is None else check_int(size, "size", minimum=1)
    ell = math.log(n)
    if dist == "uniform":
        u = rng.uniform(lo * ell, hi * ell, size=(T, n))
    elif dist in ("high", "low"):
        u = np.full((T, n), (hi if dist == "high" else lo) * ell)
    else:
        raise ValueError(f"dist must be 'uniform', 'high' or 'low', got {dist!r}")
    if cls == 1:
        u[np.arange(T), rng.integers(n, size=T)] = spike * ell
    return u[0] if size is None else u


def toy_f(u: np.ndarray, kind: str) -> np.ndarray:
    """Normalised attention vector: ``exp(u)/<exp(u), 1>`` (Def. 3.3) or ``u/<u, 1>`` (Def. 3.2).

    Works row-wise on a 2-D array. The softmax subtracts the row maximum, so it never
    overflows; the linear version raises ``ValueError`` on a non-positive sum.

    References
    ----------
    Deng et al., Definitions 3.2 and 3.3.
    """
    ua = check_array(u, "u", ndim=(1, 2))
    U = ua[None, :] if ua.ndim == 1 else ua
    if kind == "exp":
        out = softmax_rows(U)
    elif kind == "lin":
        s = U.sum(axis=1, keepdims=True)
        if np.any(s <= 0):
            raise ValueError(f"u must have positive row sums for kind='lin', got {s.min():.3g}")
        out = U / s
    else:
        raise ValueError(f"kind must be 'exp' or 'lin', got {kind!r}")
    return out[0] if ua.ndim == 1 else out


def toy_network(f: np.ndarray, Y: np.ndarray, tau: float) -> float:
    """Three-layer toy network ``phi(sum_j phi_tau(<f, y_j>))`` (Definitions 3.5/3.6).

    ``f`` has shape ``(n,)`` and ``Y`` shape ``(n, m)``.
    """
    fa = check_array(f, "f", ndim=1)
    Ya = check_array(Y, "Y")
    if Ya.shape[0] != fa.shape[0]:
        raise ValueError(f"Y must have {fa.shape[0]} rows (one per entry of f), got {Ya.shape[0]}")
    return float(max(relu_tau(fa @ Ya, tau).sum(), 0.0))


def _se(p: float, trials: int) -> float:
    return float(math.sqrt(max(p * (1.0 - p), 0.0) / trials))


def _summary(ok: dict[str, np.ndarray], trials: int) -> dict[str, Any]:
    """Joint success and the four marginals (each the rate of the *correct* outcome)."""
    joint = ok["exp_D1"] & ok["lin_D1"] & ok["exp_D0"] & ok["lin_D0"]
    out: dict[str, Any] = {"trials": trials}
    for key, arr in [("success", joint), *ok.items()]:
        p = float(np.mean(arr))
        out[key], out[key + "_se"] = p, _se(p, trials)
    return out


def toy_success(n: int, m: int, tau: float = 0.5, trials: int = 1000, *,
                rng: np.random.Generator, share_y: bool = True,
                chunk: int = 250, method: str = "numpy", **score_kw: Any) -> dict[str, Any]:
    """Monte-Carlo success rate of the toy separation (Section 7.1).

    A trial draws a D0 and a D1 score vector (Definition 3.8) and Rademacher weights
    ``Y`` (n x m); success means F_exp(D1) > 0, F_lin(D1) = 0, F_exp(D0) = 0, F_lin(D0) = 0.
    ``share_y=True`` (faithful reading) uses one ``Y`` for all four; ``False`` draws four.
    ``tau`` is not given by the paper; 0.5 lies in the valid window (noise level, 3/4).
    ``rng`` is required. ``method='numba'`` runs the compiled kernel
    :func:`lowrank_nb.papers.dengsong.toy_numba.toy_fire_flags` (own random stream, same law;
    only ``share_y=True`` and uniform scores); ``'numpy'`` is the reference path.

    Returns a dict with ``success`` and the marginals ``exp_D1`` (rate of F > 0), ``lin_D1``,
    ``exp_D0``, ``lin_D0`` (rates of F = 0), each with a binomial standard error ``*_se``.

    References
    ----------
    Deng et al., Lemmas 5.1-5.4 and Figure 3.
    """
    n = check_int(n, "n", minimum=2)
    m = check_int(m, "m", minimum=1)
    tau = _check_real(tau, "tau")
    trials = check_int(trials, "trials", minimum=1)
    chunk = check_int(chunk, "chunk", minimum=1)
    rng = check_rng(rng)
    if method not in ("numpy", "numba"):
        raise ValueError(f"method must be 'numpy' or 'numba', got {method!r}")
    if method == "numba":
        if not share_y or score_kw.get("dist", "uniform") != "uniform":
            raise ValueError("method='numba' supports share_y=True with uniform scores only")
        kw = {k: v for k, v in score_kw.items() if k != "dist"}
        fired = toy_fire_flags(n, m, tau, trials, rng=rng, **kw)
        return _summary({key: (fired[:, i] if key == "exp_D1" else ~fired[:, i])
                         for i, key in enumerate(EVENTS)}, trials)
    ok: dict[str, list[np.ndarray]] = {k: [] for k in EVENTS}
    done = 0
    # keep the (T, n, m) sign block small: large temporaries cost more in page faults
    chunk = max(1, min(chunk, 200_000 // (n * m)))
    while done < trials:
        T = min(chunk, trials - done)
        u = {0: toy_scores(n, 0, rng, size=T, **score_kw),
             1: toy_scores(n, 1, rng, size=T, **score_kw)}
        Ys = [rademacher((T, n, m), rng)] * 4 if share_y else [
            rademacher((T, n, m), rng) for _ in range(4)]
        for Y, key in zip(Ys, EVENTS):
            f = toy_f(u[int(key[-1])], key[:3])
            fired = np.any((f[:, None, :] @ Y)[:, 0, :] > tau, axis=1)
            ok[key].append(fired if key == "exp_D1" else ~fired)
        done += T
    return _summary({k: np.concatenate(v) for k, v in ok.items()}, trials)


def hoeffding_check(widths: Sequence[float], t_grid: Sequence[float], N: int,
                    rng: np.random.Generator, dist: str = "coin") -> dict[str, np.ndarray]:
    """Simulate Hoeffding's inequality (Lemma 3.1) for independent ``X_i`` in ``[0, w_i]``.

    ``dist='coin'``: ``X_i`` is 0 or ``w_i`` with probability 1/2; ``'uniform'``: uniform on
    ``[0, w_i]``. Returns the empirical ``P(|X - EX| >= t)`` over ``N`` samples, its standard
    error and the bound ``2 exp(-2 t^2 / sum w_i^2)``.

    References
    ----------
    Deng et al., Lemma 3.1 (Hoeffding 1963).
    """
    w = check_array(widths, "widths", ndim=1)
    if np.any(w <= 0):
        raise ValueError("widths must be positive")
    t = check_array(t_grid, "t_grid", ndim=1)
    N = check_int(N, "N", minimum=1)
    rng = check_rng(rng)
    if dist == "coin":
        X = (rng.random((N, w.size)) < 0.5) @ w
    elif dist == "uniform":
        X = rng.random((N, w.size)) @ w
    else:
        raise ValueError(f"dist must be 'coin' or 'uniform', got {dist!r}")
    dev = np.abs(X - 0.5 * w.sum())
    emp = (dev[:, None] >= t[None, :]).mean(axis=0)
    return {"t": t, "empirical": emp, "se": np.sqrt(emp * (1 - emp) / N),
            "bound": 2.0 * np.exp(-2.0 * t**2 / np.sum(w**2))}


# ---------------------------------------------------------------- attention layer (App. C)


def attention_scores(A1: np.ndarray, A2: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Score matrix ``S = A1 X A2^T`` (the paper's ``u_lin`` blocks, Claim C.3)."""
    A1a, A2a, Xa = check_array(A1, "A1"), check_array(A2, "A2"), check_array(X, "X")
    if Xa.shape != (A1a.shape[1], A2a.shape[1]):
        raise ValueError(f"X must have shape {(A1a.shape[1], A2a.shape[1])}, got {Xa.shape}")
    return A1a @ Xa @ A2a.T


def tensor_trick_scores(A1: np.ndarray, A2: np.ndarray, X: np.ndarray,
                        order: str = "row") -> np.ndarray:
    """Scores through the literal Kronecker matrix ``(A1 kron A2) vec(X)`` (Fact A.1).

    ``order='row'`` uses row-major ``vec`` with ``kron(A1, A2)`` and returns
    ``S.ravel()``-ordered values reshaped to ``(n1, n2)``; ``order='col'`` uses column-major
    ``vec`` with ``kron(A2, A1)`` and reshapes column-major. For verification only: refuses
    problems with more than 4e6 Kronecker entries.

    References
    ----------
    Deng et al., Fact A.1 and Definition C.1.
    """
    A1a, A2a, Xa = check_array(A1, "A1"), check_array(A2, "A2"), check_array(X, "X")
    n1, d1 = A1a.shape
    n2, d2 = A2a.shape
    if Xa.shape != (d1, d2):
        raise ValueError(f"X must have shape {(d1, d2)}, got {Xa.shape}")
    if n1 * n2 * d1 * d2 > 4_000_000:
        raise ValueError("A1 kron A2 would exceed 4e6 entries; use attention_scores instead")
    if order == "row":
        return (np.kron(A1a, A2a) @ Xa.ravel()).reshape(n1, n2)
    if order == "col":
        return (np.kron(A2a, A1a) @ Xa.ravel(order="F")).reshape(n1, n2, order="F")
    raise ValueError(f"order must be 'row' or 'col', got {order!r}")


def attention_layer(A1: np.ndarray, A2: np.ndarray, A3: np.ndarray, X: np.ndarray,
                    V: np.ndarray | None = None, kind: str = "exp", *,
                    return_probs: bool = False, dedup: bool = True
                    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """The paper's attention layer ``c = D^{-1} g(A1 X A2^T) A3 V`` (Definitions C.1/C.4).

    ``kind='exp'``: ``g = exp`` with row-maximum subtraction (never overflows);
    ``kind='lin'``: ``g`` is the identity and ``D = diag(S 1)``; a non-positive row sum
    raises ``ValueError``. ``dedup=True`` groups identical query rows and identical
    (key, value) rows, which is exact (a group of ``k`` equal keys contributes ``k`` equal
    weights) and turns the O(n^2 d) cost into O(u^2 d) for ``u`` distinct rows; the dense
    path (``dedup=False``) is the reference. ``return_probs`` (dense path) also returns the
    row-stochastic matrix ``P``.

    References
    ----------
    Deng et al., eq. (1), Definitions C.1 and C.4.
    """
    A1a, A2a, A3a, Xa = (check_array(A, nm) for A, nm in
                         [(A1, "A1"), (A2, "A2"), (A3, "A3"), (X, "X")])
    if Xa.shape != (A1a.shape[1], A2a.shape[1]):
        raise ValueError(f"X must have shape {(A1a.shape[1], A2a.shape[1])}, got {Xa.shape}")
    if A3a.shape[0] != A2a.shape[0]:
        raise ValueError("A3 must have as many rows as A2")
    Va = np.eye(A3a.shape[1]) if V is None else check_array(V, "V")
    if Va.shape[0] != A3a.shape[1]:
        raise ValueError(f"V must have {A3a.shape[1]} rows, got {Va.shape[0]}")
    if kind not in ("exp", "lin"):
        raise ValueError(f"kind must be 'exp' or 'lin', got {kind!r}")
    if return_probs or not dedup:
        P = _probs(A1a @ Xa @ A2a.T, np.zeros(A2a.shape[0]), kind)
        C = P @ (A3a @ Va)
        return (C, P) if return_probs else C
    Q, qinv, _ = _unique_rows(A1a)
    d2 = A2a.shape[1]
    KV, _, counts = _unique_rows(np.hstack([A2a, A3a]))
    P = _probs(Q @ Xa @ KV[:, :d2].T, np.log(counts), kind)
    return (P @ (KV[:, d2:] @ Va))[qinv]


def _unique_rows(M: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct rows, inverse indices and counts (``M == U[inv]`` exactly).

    Groups rows by a fixed projection (one 1-D sort) and checks the grouping exactly; on a
    collision it falls back to hashing the bytes of each row. Much faster than
    ``np.unique(axis=0)`` and exact (bitwise-equal rows only).
    """
    Mc = np.ascontiguousarray(M)
    # fast path: equal rows have bitwise-equal projections; verify, fall back on a collision
    w = np.cos(np.arange(1, Mc.shape[1] + 1) * 0.7390851332151607)  # fixed, non-special
    _, first_idx, inv0, counts0 = np.unique(Mc @ w, return_index=True, return_inverse=True,
                                            return_counts=True)
    U0 = Mc[first_idx]
    if np.array_equal(U0[inv0], Mc):
        return U0, inv0.ravel(), counts0
    index: dict[bytes, int] = {}
    inv = np.empty(Mc.shape[0], dtype=np.intp)
    first = []
    for i, row in enumerate(Mc):
        key = row.tobytes()
        j = index.get(key)
        if j is None:
            j = index[key] = len(first)
            first.append(i)
        inv[i] = j
    counts = np.bincount(inv, minlength=len(first))
    return Mc[first], inv, counts


def _probs(S: np.ndarray, logw: np.ndarray, kind: str) -> np.ndarray:
    """Row-normalised weights for scores ``S`` of keys with multiplicities ``exp(logw)``."""
    if kind == "exp":
        return softmax_rows(S + logw[None, :])
    W = S * np.exp(logw)[None, :]
    s = W.sum(axis=1, keepdims=True)
    if np.any(s <= 0):
        raise ValueError("linear attention needs positive row sums of A1 X A2^T; the smallest "
                         f"is {s.min():.3g}")
    return W / s


def four_layer_network(C: np.ndarray, Y: np.ndarray, tau: float) -> float:
    """Layers 3-4: ``phi(sum_{j0, l} phi_tau(<c_{j0}, y_l>))`` with ``Y`` of shape (d, m).

    The weight vectors ``y_l`` are shared by all rows ``j0`` (Definitions C.2/C.6; C.6's
    ``n x m`` is a typo for ``d x m``).
    """
    Ca, Ya = check_array(C, "C"), check_array(Y, "Y")
    if Ya.shape[0] != Ca.shape[1]:
        raise ValueError(f"Y must have shape (d, m) with d = {Ca.shape[1]}, got {Ya.shape}")
    return float(max(relu_tau(Ca @ Ya, tau).sum(), 0.0))


def fires(C: np.ndarray, Y: np.ndarray, tau: float) -> np.ndarray:
    """Per trial, whether the four-layer network is positive: ``any(C @ Y_t > tau)``.

    ``Y`` has shape ``(T, d, m)``. Only the distinct rows of ``C`` matter (a positive sum of
    ReLUs is positive iff one term is), so duplicates are removed first; this is exact.
    """
    Ca = _unique_rows(check_array(C, "C"))[0]
    Ya = check_array(Y, "Y", ndim=3)
    if Ya.shape[1] != Ca.shape[1]:
        raise ValueError(f"Y must have shape (T, {Ca.shape[1]}, m), got {Ya.shape}")
    tau = _check_real(tau, "tau")
    return np.any(np.matmul(Ca, Ya) > tau, axis=(1, 2))  # batched GEMM, (T, u, m)


# ---------------------------------------------------------------- datasets D.1 and F.1


def self_instance(n: int, d: int, a: float, b: float, c: float, j3: int = 0) -> np.ndarray:
    """Self-attention input ``A = A1 = A2 = A3`` of Definition D.1 (= 6.1), shape (n, d).

    Column 0: ``a sqrt(ln n)`` at row ``j3`` (Type I); columns ``1..d-2``: stacked identities
    times ``b sqrt(ln n)`` (row ``r`` has its entry in column ``1 + r mod (d-2)``; Type II);
    column ``d-1``: ``c sqrt(ln n)`` (Type III). Requires ``d >= 3`` and ``(d-2) | n``.

    References
    ----------
    Deng et al., Definition D.1.
    """
    n = check_int(n, "n", minimum=2)
    d = check_int(d, "d", minimum=3)
    if n % (d - 2) != 0:
        raise ValueError(f"n must be a multiple of d - 2 (Definition D.1: n = (d-2) t), "
                         f"got n={n}, d={d}")
    a, b, c = (_check_real(v, nm) for v, nm in [(a, "a"), (b, "b"), (c, "c")])
    j3 = check_int(j3, "j3", minimum=0, maximum=n - 1)
    L = math.sqrt(math.log(n))
    A = np.zeros((n, d))
    A[j3, 0] = a * L
    r = np.arange(n)
    A[r, 1 + r % (d - 2)] = b * L
    A[:, d - 1] = c * L
    return A


def cross_instance(n: int, d: int, a: float, j2: int = 0, j3: int = 0, *,
                   strict: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Cross-attention inputs ``(A1, A2)`` of Definition F.1 (values ``A3 = A2``).

    ``A1``: column 0 is ``a ln n`` at row ``j2`` and 0 elsewhere; columns ``1..d-1`` are all
    ``ln n``. ``A2``: column 0 is ``e_{j3}``; columns ``1..d-1`` are stacked ``I_{d-1}``.
    The paper says "second column to d-1 columns"; ``I_{d-1}`` and ``n = (d-1) t`` force
    columns 2..d (our reading). ``strict=False`` allows ``(d-1)`` not dividing ``n`` by
    truncating the stack (used for the paper's d = 12 at n = 200).

    References
    ----------
    Deng et al., Definition F.1.
    """
    n = check_int(n, "n", minimum=2)
    d = check_int(d, "d", minimum=2)
    if strict and n % (d - 1) != 0:
        raise ValueError(f"n must be a multiple of d - 1 (Definition F.1: n = (d-1) t), "
                         f"got n={n}, d={d}; pass strict=False to truncate the stack")
    a = _check_real(a, "a")
    j2 = check_int(j2, "j2", minimum=0, maximum=n - 1)
    j3 = check_int(j3, "j3", minimum=0, maximum=n - 1)
    ell = math.log(n)
    A1 = np.zeros((n, d))
    A1[j2, 0] = a * ell
    A1[:, 1:] = ell
    A2 = np.zeros((n, d))
    A2[j3, 0] = 1.0
    r = np.arange(n)
    A2[r, 1 + r % (d - 1)] = 1.0
    return A1, A2


def _X(X: str | np.ndarray, d: int) -> np.ndarray:
    if isinstance(X, str):
        if X == "ones":
            return np.ones((d, d))
        if X == "identity":
            return np.eye(d)
        raise ValueError(f"X must be 'ones', 'identity' or a (d, d) array, got {X!r}")
    Xa = check_array(X, "X")
    if Xa.shape != (d, d):
        raise ValueError(f"X must have shape {(d, d)}, got {Xa.shape}")
    return Xa


@lru_cache(maxsize=512)
def _self_outputs_cached(n, d, a0, a1, b, c, X, j3):
    Xm = _X(X, d)
    out = {}
    for cls, a in ((0, a0), (1, a1)):
        A = self_instance(n, d, a, b, c, j3)
        for kind in ("exp", "lin"):
            C = _unique_rows(attention_layer(A, A, A, Xm, kind=kind))[0]
            C.setflags(write=False)
            out[f"{kind}_D{cls}"] = C
    return out


def self_outputs(n: int, d: int, a0: float, a1: float, b: float, c: float,
                 X: str = "ones", j3: int = 0) -> dict[str, np.ndarray]:
    """Distinct rows of the four attention outputs ``c_{exp/lin}(D0/D1)`` (cached, read-only).

    ``X`` is 'ones' (``1_{d x d}``, App. D) or 'identity' (``I_d``, App. E); ``V = I_d``.
    """
    if X not in ("ones", "identity"):
        raise ValueError(f"X must be 'ones' or 'identity', got {X!r}")
    return _self_outputs_cached(check_int(n, "n", minimum=2), check_int(d, "d", minimum=3),
                                float(a0), float(a1), float(b), float(c), X,
                                check_int(j3, "j3", minimum=0, maximum=n - 1))


@lru_cache(maxsize=512)
def _cross_outputs_cached(n, d, a0, a1, j2, j3, strict):
    out = {}
    for cls, a in ((0, a0), (1, a1)):
        A1, A2 = cross_instance(n, d, a, j2, j3, strict=strict)
        for kind in ("exp", "lin"):
            C = _unique_rows(attention_layer(A1, A2, A2, np.eye(d), kind=kind))[0]
            C.setflags(write=False)
            out[f"{kind}_D{cls}"] = C
    return out


def cross_outputs(n: int, d: int, a0: float, a1: float, j2: int = 0, j3: int = 0, *,
                  strict: bool = True) -> dict[str, np.ndarray]:
    """Distinct rows of the four cross-attention outputs (``X = V = I_d``, ``A3 = A2``)."""
    n = check_int(n, "n", minimum=2)
    return _cross_outputs_cached(n, check_int(d, "d", minimum=2), float(a0), float(a1),
                                 check_int(j2, "j2", minimum=0, maximum=n - 1),
                                 check_int(j3, "j3", minimum=0, maximum=n - 1), bool(strict))


def _run_trials(outputs: Callable[[], dict[str, np.ndarray]], d: int, m: int, tau: float,
                trials: int, rng: np.random.Generator, share_y: bool,
                chunk: int = 500) -> dict[str, Any]:
    ok: dict[str, list[np.ndarray]] = {k: [] for k in EVENTS}
    done = 0
    while done < trials:
        T = min(chunk, trials - done)
        Cs = outputs()
        Y = rademacher((T, d, m), rng)
        for key in EVENTS:
            Yk = Y if share_y else rademacher((T, d, m), rng)
            # Cs holds distinct rows already: skip the validation and grouping of fires()
            f = np.any(np.matmul(Cs[key], Yk) > tau, axis=(1, 2))
            ok[key].append(f if key == "exp_D1" else ~f)
        done += T
    return _summary({k: np.concatenate(v) for k, v in ok.items()}, trials)


def self_success(n: int, d: int, m: int, a0: float = 0.01, a1: float = 1.2, b: float = 0.2,
                 c: float = 0.8, X: str = "ones", trials: int = 100, *,
                 rng: np.random.Generator, share_y: bool = True,
                 tau: float | None = None, j3: int | None = None,
                 resample_idx: bool = False) -> dict[str, Any]:
    """Monte-Carlo success rate of the self-attention separation (Section 7.2).

    One trial draws Rademacher weights ``Y`` (d x m) and evaluates F_exp and F_lin on the D0
    and D1 inputs of Definition D.1 (``tau = (c + 0.1) sqrt(ln n)`` unless given). Success:
    F_exp(D1) > 0, F_lin(D1) = 0, F_exp(D0) = 0, F_lin(D0) = 0. ``share_y=True`` (faithful)
    uses one ``Y`` for all four. The spike row ``j3`` is drawn uniformly once (or given); the
    success law does not depend on it (a class-preserving row permutation with the matching
    column permutation maps one ``j3`` to another), so the attention outputs are computed once
    and cached. ``resample_idx=True`` redraws ``j3`` every trial (slow, for checking).

    Returns ``success`` and the marginals ``exp_D1`` (rate of F > 0), ``lin_D1``, ``exp_D0``,
    ``lin_D0`` (rates of F = 0), each with its binomial standard error ``*_se``.

    References
    ----------
    Deng et al., Theorem 6.2 (= D.5 + D.9 + D.13 + D.17), Theorem E.4, Section 7.2.
    """
    n, d = check_int(n, "n", minimum=2), check_int(d, "d", minimum=3)
    m, trials = check_int(m, "m", minimum=1), check_int(trials, "trials", minimum=1)
    if n % (d - 2) != 0:
        raise ValueError(f"n must be a multiple of d - 2, got n={n}, d={d}")
    a0, a1, b, c = (_check_real(v, nm) for v, nm in [(a0, "a0"), (a1, "a1"), (b, "b"), (c, "c")])
    rng = check_rng(rng)
    tau = (c + 0.1) * math.sqrt(math.log(n)) if tau is None else _check_real(tau, "tau")
    if resample_idx:
        return _run_trials(lambda: self_outputs(n, d, a0, a1, b, c, X, int(rng.integers(n))),
                           d, m, tau, trials, rng, share_y, chunk=1)
    j = int(rng.integers(n)) if j3 is None else j3
    Cs = self_outputs(n, d, a0, a1, b, c, X, j)
    return _run_trials(lambda: Cs, d, m, tau, trials, rng, share_y)


def cross_success(n: int, d: int, m: int, a0: float = 0.01, a1: float = 3.0, trials: int = 100,
                  *, rng: np.random.Generator, tau: float = 0.9,
                  share_y: bool = True, strict: bool = True,
                  resample_idx: bool = False) -> dict[str, Any]:
    """Monte-Carlo success rate of the cross-attention separation (Appendix F.6).

    As :func:`self_success` with the inputs of Definition F.1, ``X = V = I_d`` and
    ``tau = 0.9``. ``j2`` and ``j3`` are independent and uniform. With ``strict=False`` and
    ``(d-1)`` not dividing ``n`` the symmetry argument fails, so indices are redrawn in every
    trial.

    References
    ----------
    Deng et al., Theorems F.5, F.9, F.13, F.17 and Figure 7.
    """
    n, d = check_int(n, "n", minimum=2), check_int(d, "d", minimum=2)
    m, trials = check_int(m, "m", minimum=1), check_int(trials, "trials", minimum=1)
    if strict and n % (d - 1) != 0:
        raise ValueError(f"n must be a multiple of d - 1, got n={n}, d={d}")
    a0, a1 = _check_real(a0, "a0"), _check_real(a1, "a1")
    tau = _check_real(tau, "tau")
    rng = check_rng(rng)
    if resample_idx or (n % (d - 1) != 0):
        return _run_trials(lambda: cross_outputs(n, d, a0, a1, int(rng.integers(n)),
                                                 int(rng.integers(n)), strict=strict),
                           d, m, tau, trials, rng, share_y, chunk=1)
    Cs = cross_outputs(n, d, a0, a1, int(rng.integers(n)), int(rng.integers(n)))
    return _run_trials(lambda: Cs, d, m, tau, trials, rng, share_y)


# ---------------------------------------------------------------- exact success probabilities


def _enumerate(rows: dict[str, list[np.ndarray]], free: int, tau: float) -> dict[str, float]:
    """Per-``y`` firing probabilities for rows of the form ``(c0, c_sp, c_oth, c_last)``.

    ``<c, y> = c0 y0 + c_sp y_sp + c_oth S + c_last y_last`` with three free signs and
    ``S = 2B - free``, ``B ~ Binomial(free, 1/2)``. Returns ``P(fires)`` for each key, the
    probability of a bad firing (any key but ``exp_D1``) and of no firing at all.
    """
    B = np.arange(free + 1)
    logw = gammaln(free + 1) - gammaln(B + 1) - gammaln(free - B + 1) - free * math.log(2.0)
    wB = np.exp(logw) / 8.0
    S = 2.0 * B - free
    p = {k: 0.0 for k in rows}
    p_bad = q = 0.0
    for s0 in (-1.0, 1.0):
        for s1 in (-1.0, 1.0):
            for s2 in (-1.0, 1.0):
                fire = {k: np.zeros(free + 1, dtype=bool) for k in rows}
                for k, rs in rows.items():
                    for r in rs:
                        fire[k] |= r[0] * s0 + r[1] * s1 + r[2] * S + r[3] * s2 > tau
                for k in rows:
                    p[k] += float(wB[fire[k]].sum())
                bad = fire["lin_D1"] | fire["exp_D0"] | fire["lin_D0"]
                p_bad += float(wB[bad].sum())
                q += float(wB[~(bad | fire["exp_D1"])].sum())
    return {**p, "p_bad": p_bad, "q": q}


def _self_ones_rows(n: int, d: int, a: float, b: float, c: float, kind: str) -> list[np.ndarray]:
    """Closed-form distinct rows (c0, c_k3, c_other, c_last) for X = 1 (App. D)."""
    L = math.sqrt(math.log(n))
    t = n // (d - 2)
    spike = np.array([a * L, b * L, 0.0, c * L])      # A_{j3} in the reduced coordinates
    mean_other = np.array([0.0, b * L * (t - 1) / (n - 1), b * L * t / (n - 1), c * L])
    r_s, r_o = (b + c + a) * L, (b + c) * L           # row sums of A (X = 1 gives S = r r^T)
    if kind == "lin":
        w = r_s / (r_s + (n - 1) * r_o)               # every row of P_lin is r / sum(r)
        return [w * spike + (1 - w) * mean_other]
    rows = []
    for r_q in (r_s, r_o):                            # query row j3, then any other row
        # weight on the spike: 1 / (1 + (n-1) exp(r_q r_o - r_q r_s))
        w = 1.0 / (1.0 + (n - 1) * math.exp(r_q * (r_o - r_s)))
        rows.append(w * spike + (1 - w) * mean_other)
    return rows


def exact_fire_probs_self_ones(n: int, d: int, a0: float, a1: float, b: float, c: float,
                               tau: float | None = None) -> dict[str, float]:
    """Exact per-weight-vector firing probabilities for ``X = 1_{d x d}`` (App. D).

    Uses closed-form attention rows (independent of :func:`attention_layer`) and enumerates
    ``(y_1, y_{k3}, y_d)`` and the Binomial sum of the other ``d - 3`` signs. Keys
    ``exp_D1, lin_D1, exp_D0, lin_D0`` (probability that one ``y_l`` makes that network fire),
    ``p_bad`` and ``q`` (no network fires).

    References
    ----------
    Deng et al., Lemmas D.2, D.6, D.10, D.14; Section 7.2.
    """
    n, d = check_int(n, "n", minimum=2), check_int(d, "d", minimum=3)
    if n % (d - 2) != 0:
        raise ValueError(f"n must be a multiple of d - 2, got n={n}, d={d}")
    c = _check_real(c, "c")
    tau = (c + 0.1) * math.sqrt(math.log(n)) if tau is None else _check_real(tau, "tau")
    rows = {f"{kind}_D{cls}": _self_ones_rows(n, d, a, b, c, kind)
            for cls, a in ((0, a0), (1, a1)) for kind in ("exp", "lin")}
    return _enumerate(rows, d - 3, tau)


def _success_from(p: dict[str, float], m: int) -> float:
    # all m vectors avoid the bad events, minus the case where none fires F_exp(D1) either
    return float(min(max((1.0 - p["p_bad"]) ** m - p["q"] ** m, 0.0), 1.0))  # clip rounding


def exact_success_self_ones(n: int, d: int, m: int, a0: float = 0.01, a1: float = 1.2,
                            b: float = 0.2, c: float = 0.8, *, tau: float | None = None,
                            share_y: bool = True) -> float:
    """Exact success probability of the X = 1 separation, ``(1 - p_bad)^m - q^m``.

    With ``share_y=False`` the four events are independent and the result is the product
    of the marginals. Oracle for :func:`self_success` with ``X='ones'``.

    References
    ----------
    Deng et al., Theorem 6.2 and Figure 5.
    """
    m = check_int(m, "m", minimum=1)
    p = exact_fire_probs_self_ones(n, d, a0, a1, b, c, tau)
    if share_y:
        return _success_from(p, m)
    return float((1 - (1 - p["exp_D1"]) ** m) * np.prod(
        [(1 - p[k]) ** m for k in ("lin_D1", "exp_D0", "lin_D0")]))


def _cross_rows(n: int, d: int, a: float, kind: str) -> list[np.ndarray]:
    """Closed-form distinct rows (c0, c_k3, c_other, c_last) for Definition F.1."""
    t = n // (d - 1)
    spike = np.array([1.0, 1.0, 0.0, 0.0])            # A2_{j3} = e_0 + e_{k3}
    # rows of A2 other than j3: class counts t - 1 (class k3) and t (others); last column is
    # a Type-II column too, so c_last = c_other here (for d = 2 there is no other column)
    oth = t / (n - 1) if d > 2 else 0.0
    mean_other = np.array([0.0, (t - 1) / (n - 1), oth, oth])
    ell = math.log(n)
    uniform = (spike + (n - 1) * mean_other) / n      # rows j0 != j2 see equal scores
    if kind == "lin":
        w = (1.0 + a) / (n + a)                       # S_{j2, j3} = (1 + a) ln n, others ln n
    else:
        w = 1.0 / (1.0 + (n - 1) * math.exp(-a * ell))
    return [uniform, w * spike + (1 - w) * mean_other]


def exact_fire_probs_cross(n: int, d: int, a0: float, a1: float,
                           tau: float = 0.9) -> dict[str, float]:
    """Exact per-weight-vector firing probabilities for cross-attention (Definition F.1).

    The last coordinate is an ordinary Type-II column, so it is enumerated separately and the
    Binomial covers the remaining ``d - 3`` columns (none for ``d <= 3``).

    References
    ----------
    Deng et al., Lemmas F.2, F.6, F.10, F.14; Appendix F.6.
    """
    n, d = check_int(n, "n", minimum=2), check_int(d, "d", minimum=2)
    if n % (d - 1) != 0:
        raise ValueError(f"n must be a multiple of d - 1, got n={n}, d={d}")
    rows = {f"{kind}_D{cls}": _cross_rows(n, d, a, kind)
            for cls, a in ((0, a0), (1, a1)) for kind in ("exp", "lin")}
    return _enumerate(rows, max(d - 3, 0), _check_real(tau, "tau"))


def exact_success_cross(n: int, d: int, m: int, a0: float = 0.01, a1: float = 3.0,
                        tau: float = 0.9) -> float:
    """Exact success probability of the cross-attention separation (shared ``y``).

    References
    ----------
    Deng et al., Theorems F.5, F.9, F.13, F.17 and Figure 7.
    """
    return _success_from(exact_fire_probs_cross(n, d, a0, a1, tau), check_int(m, "m"))


# ---------------------------------------------------------------- sweeps


def _check_runner_parameters(runner: Callable[..., Any], names: list[str]) -> None:
    """Name an unknown swept or fixed parameter here, not as a TypeError deep in the runner."""
    params = inspect.signature(runner).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return
    for key in names:
        if key not in params:
            raise ValueError(f"{key!r} is not a parameter of {runner.__name__}; "
                             f"expected one of {sorted(params)}")


def sweep(runner: Callable[..., dict[str, Any]], name: str, values: Sequence[Any], *,
          trials: int, rng: np.random.Generator, **fixed: Any) -> dict[str, np.ndarray]:
    """Run ``runner(**fixed, name=value, trials=trials, rng=child)`` for each value.

    Each point gets an independent child generator (``rng.spawn``). ``fixed`` values may be
    callables of the swept value (e.g. ``m=lambda n: paper_m(n, floor=15)``). Returns arrays
    ``value``, ``success``, the four marginals and their ``*_se``.
    """
    if not callable(runner):
        raise TypeError("runner must be callable")
    _check_runner_parameters(runner, [name, *fixed])
    vals = list(values)
    if len(vals) == 0:
        raise ValueError("values must not be empty")
    trials = check_int(trials, "trials", minimum=1)
    rng = check_rng(rng)
    rows = []
    for v, child in zip(vals, rng.spawn(len(vals))):
        kw = {k: (f(v) if callable(f) else f) for k, f in fixed.items()}
        rows.append(runner(**kw, **{name: v}, trials=trials, rng=child))
    out = {"value": np.asarray(vals)}
    for key in ("success", *EVENTS):
        out[key] = np.array([r[key] for r in rows])
        out[key + "_se"] = np.array([r[key + "_se"] for r in rows])
    return out


# ---------------------------------------------------------------- toy diagnostics


def toy_inner_products(n: int, cls: int, kind: str, trials: int, rng: np.random.Generator,
                       **score_kw: Any) -> tuple[np.ndarray, np.ndarray]:
    """Samples of ``<f(A, x), sigma>`` for random sign vectors ``sigma`` (Lemmas 4.1/4.2).

    One fresh score vector (Definition 3.8) and one fresh ``sigma`` per trial. Returns the
    inner products and the attention vectors ``f`` (shape ``(trials, n)``).
    """
    trials = check_int(trials, "trials", minimum=1)
    rng = check_rng(rng)
    f = toy_f(toy_scores(n, cls, rng, size=trials, **score_kw), kind)
    return np.einsum("tn,tn->t", f, rademacher(f.shape, rng)), f


def toy_sum_sq_approx(n: int, lo: float = 1.0, hi: float = 1.4) -> float:
    """Law-of-large-numbers value of ``sum_i f_exp,i^2`` on D0 with i.i.d. uniform scores.

    ``sum f_i^2 = sum e^{2u_i} / (sum e^{u_i})^2 -> E[e^{2u}] / (n E[e^u]^2)`` for ``u``
    uniform on ``[lo ln n, hi ln n]``; about ``0.2 ln n / n`` for the paper's range, far below
    the ``n^{-0.2}`` that the proof of Lemma 4.1 Part 2 uses.
    """
    n = check_int(n, "n", minimum=2)
    lo, hi = check_positive(lo, "lo"), check_positive(hi, "hi")
    if hi <= lo:
        raise ValueError(f"hi must exceed lo, got hi={hi}, lo={lo}")
    ell = math.log(n)
    w = (hi - lo) * ell

    def moment(k: float) -> float:  # E[e^{k u}] = (n^{k hi} - n^{k lo}) / (k w)
        return (n ** (k * hi) - n ** (k * lo)) / (k * w)

    return moment(2.0) / (n * moment(1.0) ** 2)


def network_outputs(C: np.ndarray, Y: np.ndarray, tau: float) -> np.ndarray:
    """Values ``F = sum_{j0, l} phi_tau(<c_{j0}, y_l>)`` of the four-layer network per trial.

    ``Y`` has shape ``(T, d, m)``. Identical rows of ``C`` are grouped with their
    multiplicities, which is exact and keeps the cost at O(T u d m) for ``u`` distinct rows.
    """
    Ca = check_array(C, "C")
    Ya = check_array(Y, "Y", ndim=3)
    if Ya.shape[1] != Ca.shape[1]:
        raise ValueError(f"Y must have shape (T, {Ca.shape[1]}, m), got {Ya.shape}")
    tau = _check_real(tau, "tau")
    U, _, counts = _unique_rows(Ca)
    Z = np.maximum(np.matmul(U, Ya) - tau, 0.0)
    return np.einsum("n,tnm->t", counts.astype(np.float64), Z)
