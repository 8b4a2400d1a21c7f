"""Entrywise (max-norm) low-rank approximation by alternating projections (AP).

The method of §7.1 alternates two Euclidean projections: onto the max-norm ball
``B_eps(F) = {Psi : |F - Psi|_max <= eps}`` (an entrywise clip of the residual) and onto the
set of rank-``r`` matrices (a truncated SVD), inside a bisection-like search on ``eps``.
``method="reference"`` is a step-for-step port of the author's published ``lrma_ap`` with a
full SVD per step; ``method="fast"`` replaces that SVD by a randomized range finder that is
warm-started from the previous iterate's row space (not the paper's algorithm);
``method="numba"`` runs the same sketch without forming the clipped matrix: after the clip,
``F + clip(U V^T - F) = U V^T - S`` with ``S`` nonzero only where the residual exceeds eps
(a few percent of the entries), so the sketch costs O(nnz(S) k) on top of the one dense
residual pass every step needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sps

from lowrank_nb.core.norms import _ball_excess_csr, _residual_excess_csr
from lowrank_nb.core.validate import check_array, check_int, check_positive, check_rng

__all__ = [
    "AP_PARAMS",
    "APResult",
    "bracket_gaps",
    "lrma_ap",
    "project_ball",
    "project_rank",
    "robust_svd",
    "svd_maxerr",
]

#: (c1, c2, c3, c4) of the author's published experiments (``ap_params`` in the Julia code).
AP_PARAMS: tuple[float, float, float, float] = (1e-2, 1e-3, 2.0 / 3.0, 2e-2)

_METHODS = ("reference", "fast", "numba")

#: Above this fraction of clipped entries the "numba" method clips densely (BLAS GEMMs win).
SPARSE_FRACTION = 0.125
_STARTS = ("random", "svd")


@dataclass
class APResult:
    """What :func:`lrma_ap` (and :func:`lowrank_nb.papers.budzinskiy.tt.lrta_qap`) return.

    Attributes
    ----------
    U, V : ndarray
        Factors of the best iterate seen, ``F ~ U @ V.T`` (for the TT version, ``U`` holds the
        list of TT cores and ``V`` is None).
    error : float
        ``max |F - U V^T|`` of the best iterate (the final upper bracket ``eps2``).
    rel_error : float
        ``error / max |F|``, the quantity plotted in the paper's figures.
    steps : int
        Number of projection steps (one rank projection each).
    levels : int
        Number of bisection levels ``eps`` visited (outer passes).
    converged : bool
        True when the bracket closed (``eps2 - eps1 < c1 eps2``), False when ``max_steps`` hit.
    trace : dict of ndarray or None
        Per step: ``eps`` (the level), ``err`` (max error of the iterate), ``eps1``, ``eps2``.
    """

    U: object
    V: np.ndarray | None
    error: float
    rel_error: float
    steps: int
    levels: int
    converged: bool
    method: str
    trace: dict[str, np.ndarray] | None = field(default=None, repr=False)


def robust_svd(C: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Thin SVD that never fails to converge: LAPACK ``gesdd``, falling back to ``gesvd``.

    ``gesdd`` (divide and conquer) is fast but does not converge on some AP iterates (seen on
    the 256 x 256 identity at rank 8); ``gesvd`` (QR iteration) is slower but robust. A last
    resort perturbs the matrix by a relative 1e-14, which changes no printed digit.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7.1 (the rank projection).
    """
    return _svd(check_array(C, "C", ndim=2))


def _svd(C: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # No input checks: this runs once per AP step, where the wrappers' overhead dominated the
    # cost of small SVDs. numpy's svd is LAPACK gesdd with a thinner wrapper than scipy's.
    try:
        return np.linalg.svd(C, full_matrices=False)
    except np.linalg.LinAlgError:
        pass
    try:
        return sla.svd(C, full_matrices=False, lapack_driver="gesvd", check_finite=False)
    except (np.linalg.LinAlgError, ValueError):
        scale = 1e-14 * max(float(np.max(np.abs(C))), 1e-300)
        noise = np.random.default_rng(0).standard_normal(C.shape) * scale
        return sla.svd(C + noise, full_matrices=False, lapack_driver="gesvd", check_finite=False)


def svd_maxerr(F: np.ndarray, ranks) -> np.ndarray:
    """Max-norm errors ``max|F - F_r|`` of the truncated SVD for several ranks, from one SVD.

    Parameters
    ----------
    F : ndarray, shape (n1, n2)
    ranks : int or sequence of int in [0, min(n1, n2)]

    Returns
    -------
    ndarray of float, one absolute error per rank (divide by ``max|F|`` for relative errors).

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7.2 (the SVD baseline, used by
    Udell and Townsend); Eckart and Young (1936) for its Frobenius optimality.
    """
    F = check_array(F, "F", ndim=2)
    scalar = np.isscalar(ranks)
    rs = [check_int(r, "ranks", minimum=0, maximum=min(F.shape)) for r in np.atleast_1d(ranks)]
    W, s, Zt = robust_svd(F)
    out = np.empty(len(rs))
    for k, r in enumerate(rs):
        out[k] = np.max(np.abs(F - (W[:, :r] * s[:r]) @ Zt[:r]))
    return out[0] if scalar else out


def project_ball(Phi: np.ndarray, F: np.ndarray, eps: float) -> np.ndarray:
    """Euclidean (Frobenius) projection of ``Phi`` onto ``B_eps(F) = {|Psi - F|_max <= eps}``.

    The problem separates over entries, and each entry is projected onto the interval
    ``[F_ij - eps, F_ij + eps]``: ``F + clip(Phi - F, -eps, eps)``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7.1.
    """
    Phi = check_array(Phi, "Phi", ndim=2)
    F = check_array(F, "F", ndim=2)
    if Phi.shape != F.shape:
        raise ValueError(f"Phi and F must have the same shape, got {Phi.shape} and {F.shape}")
    eps = check_positive(eps, "eps", allow_zero=True)
    return F + np.clip(Phi - F, -eps, eps)


def project_rank(C: np.ndarray, r: int) -> np.ndarray:
    """Euclidean projection of ``C`` onto matrices of rank <= ``r`` (truncated SVD).

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7.1; Eckart and Young (1936).
    """
    C = check_array(C, "C", ndim=2)
    r = check_int(r, "r", minimum=0, maximum=min(C.shape))
    W, s, Zt = robust_svd(C)
    return (W[:, :r] * s[:r]) @ Zt[:r]


def bracket_gaps(trace: dict[str, np.ndarray]) -> np.ndarray:
    """Gap ``eps2 - eps1`` at the end of each bisection level of an AP trace.

    Levels are the maximal runs of equal ``eps`` in the trace (consecutive levels always
    differ, because each one is the midpoint of a strictly narrower bracket).

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7.1 (the bisection on eps).
    """
    if not isinstance(trace, dict) or not {"eps", "eps1", "eps2"} <= set(trace):
        raise ValueError("trace must be the dict recorded by lrma_ap(..., trace=True)")
    eps = np.asarray(trace["eps"])
    if eps.size == 0:
        return np.empty(0)
    ends = np.flatnonzero(np.append(eps[1:] != eps[:-1], True))
    return np.asarray(trace["eps2"])[ends] - np.asarray(trace["eps1"])[ends]


def check_ap_params(c: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    if len(c) != 4:
        raise ValueError(f"c must have 4 entries (c1, c2, c3, c4), got {len(c)}")
    c1, c2, c3, c4 = (float(x) for x in c)
    for name, val in (("c1", c1), ("c2", c2), ("c3", c3), ("c4", c4)):
        if not (0.0 < val < 1.0):
            raise ValueError(f"c ({name}) must lie in the open interval (0, 1), got {val}")
    return c1, c2, c3, c4


class _FastProjector:
    """Rank-r projection by a randomized range finder warm-started from the last row space.

    Each call does ``power`` steps of subspace iteration on ``C`` started from the previous
    right basis (oversampled by ``p`` columns), then one small SVD: O(n1 n2 (r + p)) flops
    instead of the O(n1 n2 min(n1, n2)) of a full SVD. Because consecutive AP iterates differ
    little, the warm start makes the subspace iteration continue across steps.
    """

    def __init__(self, n2: int, r: int, rng: np.random.Generator, p: int, power: int):
        self.k = min(r + p, n2)
        self.r = r
        self.power = power
        self.basis = np.linalg.qr(rng.standard_normal((n2, self.k)))[0]

    def __call__(self, C: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        Z = self.basis
        for _ in range(self.power):
            Q = np.linalg.qr(C @ Z)[0]
            Z = np.linalg.qr(C.T @ Q)[0]
        Q = np.linalg.qr(C @ Z)[0]
        B = Q.T @ C
        W, s, Zt = _svd(B)
        self.basis = Zt.T  # all k right vectors: the oversampled warm start for the next call
        return (Q @ W[:, : self.r]) * s[: self.r], Zt[: self.r].T


    def implicit(self, U: np.ndarray, V: np.ndarray, S: tuple) -> tuple[np.ndarray, np.ndarray]:
        """The same sketch for ``C = U V^T - S`` (S sparse, CSR), never forming C.

        ``C @ Z = U (V^T Z) - S Z`` and ``C^T Q = V (U^T Q) - S^T Q``, each O((n1 + n2) r k +
        nnz(S) k); equal to :meth:`__call__` on the dense C up to rounding. ``S`` is a
        ``scipy.sparse`` CSR matrix.
        """
        Z = self.basis
        for _ in range(self.power):
            Q = np.linalg.qr(_op(U, V, S, Z, False))[0]
            Z = np.linalg.qr(_op(V, U, S, Q, True))[0]
        Q = np.linalg.qr(_op(U, V, S, Z, False))[0]
        B = _op(V, U, S, Q, True).T  # Q^T C
        W, s, Zt = _svd(B)
        self.basis = Zt.T
        return (Q @ W[:, : self.r]) * s[: self.r], Zt[: self.r].T


def _op(A: np.ndarray, B: np.ndarray, S, X: np.ndarray, transpose: bool) -> np.ndarray:
    # (A B^T - S) X, or (A B^T - S)^T X with transpose=True (then A, B come swapped): the
    # low-rank part by two thin GEMMs, the sparse part by scipy.sparse (a Numba scatter was
    # measured no faster, benchmarks/bench_altproj.py).
    out = A @ (B.T @ X)
    out -= (S.T if transpose else S) @ X
    return out


def _csr(indptr, indices, values, nnz: int, shape: tuple[int, int]):
    # The CSR arrays of a Numba extraction as a scipy matrix (no copies, no checks: the kernel
    # writes sorted, in-range column indices); None when the cap was exceeded.
    if nnz < 0:
        return None
    return sps.csr_matrix((values[:nnz], indices[:nnz], indptr), shape=shape, copy=False)


def _full_projector(r: int):
    def project(C: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        W, s, Zt = _svd(C)
        return W[:, :r] * s[:r], Zt[:r].T

    return project


def lrma_ap(
    F: np.ndarray,
    r: int,
    *,
    rng: np.random.Generator | int | None,
    method: str = "reference",
    max_steps: int = 20000,
    trace: bool = False,
    c: tuple[float, float, float, float] = AP_PARAMS,
    oversampling: int = 10,
    power: int = 1,
    start: str = "random",
    guard: bool = False,
) -> APResult:
    """Max-norm rank-``r`` approximation by alternating projections with a bracket on eps.

    The inner loop projects onto ``B_eps(F)`` (clip the residual to ``[-eps, eps]``) and onto
    rank ``r`` until the max error stops decreasing by a relative ``c2``; the outer loop
    bisects the bracket ``[eps1, eps2]``, where ``eps2`` is the best error seen and ``eps1`` a
    heuristic lower level, until ``eps2 - eps1 < c1 eps2``. A stalled level far above ``eps1``
    raises ``eps1`` by ``c4`` of the gap. ``err_pre`` is carried over between levels, as in the
    published code.

    Parameters
    ----------
    F : ndarray, shape (n1, n2), finite
    r : int in [1, min(n1, n2)]
    rng : numpy Generator or int seed
        Drives the Gaussian start ``randn / sqrt(r)`` (and the sketch of "fast" and "numba").
    method : {"reference", "fast", "numba"}
        "reference": full SVD per step, the published algorithm step for step.
        "fast": warm-started randomized range finder (``oversampling``, ``power``); not the
        paper's algorithm, but the same bracket and stopping rule.
        "numba": the "fast" method with the clipped matrix kept implicit, ``U V^T - S`` with
        ``S`` the sparse part of the residual beyond eps (extracted by Numba kernels of
        :mod:`lowrank_nb.core.norms`, applied by ``scipy.sparse``); the same iterates as
        "fast" up to rounding. When more
        than ``SPARSE_FRACTION`` of the entries are clipped, that step is the dense "fast" one.
    max_steps : int >= 1
        Cap on projection steps (the original has none); the best iterate is returned.
    trace : bool
        Record ``eps``, ``err``, ``eps1``, ``eps2`` per step.
    c : (c1, c2, c3, c4)
        Hyperparameters, default (1e-2, 1e-3, 2/3, 2e-2) as published.
    start : {"random", "svd"}
        "random" (default): the published Gaussian start ``randn / sqrt(r)``. "svd": start from
        the rank-``r`` truncated SVD of ``F`` (one full SVD), so the upper bracket begins at the
        SVD error and the result can never be worse than it. Beyond the paper; only with
        "fast" and "numba" (the reference method keeps the published start).
    guard : bool
        Beyond the paper, only with "fast" and "numba": if the search ends worse than the
        truncated SVD or the zero matrix, return the better of those instead (``steps`` and
        ``levels`` still count the search).

    Returns
    -------
    APResult
        Best factors ``U`` (n1 x r), ``V`` (n2 x r), their ``error`` and ``rel_error``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7.1 and footnote 6 (code
    ``src/lrma_max.jl``); S. Budzinskiy, "Quasioptimal alternating projections ..." [7], §7.5.
    """
    F = check_array(F, "F", ndim=2)
    n1, n2 = F.shape
    r = check_int(r, "r", minimum=1, maximum=min(n1, n2))
    rng = check_rng(rng)
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
    max_steps = check_int(max_steps, "max_steps", minimum=1)
    check_int(oversampling, "oversampling", minimum=0)
    check_int(power, "power", minimum=0)
    c1, c2, c3, c4 = check_ap_params(c)
    if start not in _STARTS:
        raise ValueError(f"start must be one of {_STARTS}, got {start!r}")
    if method == "reference" and (start != "random" or guard):
        raise ValueError("the reference method keeps the published random start and no guard")

    U = rng.standard_normal((n1, r)) / np.sqrt(r)
    V = rng.standard_normal((n2, r)) / np.sqrt(r)
    if method == "reference":
        project = _full_projector(r)
    else:
        project = _FastProjector(n2, r, rng, oversampling, power)
    svd_uv = None
    if start == "svd" or guard:
        W, s, Zt = _svd(F)
        svd_uv = (W[:, :r] * s[:r], Zt[:r].T)
    if start == "svd":
        U, V = svd_uv
        project.basis = np.linalg.qr(Zt[: project.k].T)[0]  # warm start from F's row space

    def step(C: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
        U, V = project(C)
        # C is not needed once projected: U V^T overwrites it (no n1 x n2 temporary; the same
        # GEMM as ``U @ V.T``, so the same bits).
        return (U, V), np.matmul(U, V.T, out=C)

    # The residual U V^T - F is formed once per step and serves both the max error of the
    # iterate and the clip of the next step (the two GEMMs of the original coincide).
    ball_step = None
    if method == "numba":
        cap = int(SPARSE_FRACTION * n1 * n2)
        # The factors whose residual R holds, and the excess S of R beyond the level eps,
        # extracted by the previous step's residual pass (reused when the level is kept).
        state = {"uv": (U, V), "eps": None, "S": None}

        def ball_step(R: np.ndarray, eps: float) -> tuple[tuple[np.ndarray, np.ndarray],
                                                          float]:
            if state["eps"] == eps:
                S = state["S"]
            else:
                indptr, indices, values, nnz = _ball_excess_csr(R, eps, cap)
                S = _csr(indptr, indices, values, nnz, R.shape)
            if S is None:  # too many clipped entries: the dense NumPy step of method="fast"
                np.clip(R, -eps, eps, out=R)
                R += F
                state["uv"], _ = step(R)
            else:
                state["uv"] = project.implicit(*state["uv"], S)
                np.matmul(state["uv"][0], state["uv"][1].T, out=R)
            err, indptr, indices, values, nnz = _residual_excess_csr(R, F, eps, cap)
            state["eps"] = eps
            state["S"] = _csr(indptr, indices, values, nnz, R.shape)
            return state["uv"], float(err)

    best, search = bracket_search(F, (U, V), U @ V.T - F, step, max_steps=max_steps,
                                  c=(c1, c2, c3, c4), trace=trace, ball_step=ball_step)
    if guard:
        fmax = float(np.max(np.abs(F)))
        err_svd = float(np.max(np.abs(F - svd_uv[0] @ svd_uv[1].T)))
        for err, uv in ((err_svd, svd_uv), (fmax, (np.zeros((n1, r)), np.zeros((n2, r))))):
            if err < search["error"]:
                best = uv
                search["error"], search["rel_error"] = err, (err / fmax if fmax > 0 else 0.0)
    return APResult(U=best[0], V=best[1], method=method, **search)


def _max_abs(R: np.ndarray) -> float:
    # max|R| without the n1 x n2 temporary of np.abs: two vectorised reductions, and exactly
    # the same value (negation and max are exact; a NaN propagates through both).
    return max(float(R.max()), -float(R.min()))


def _residual_max(full: np.ndarray, F: np.ndarray, R: np.ndarray) -> float:
    # R <- full - F in place (``full`` may be R itself) and return max|R|: the dense residual
    # pass of one step, with no temporaries.
    np.subtract(full, F, out=R)
    return _max_abs(R)


def bracket_search(
    F: np.ndarray,
    start: object,
    R: np.ndarray,
    step,
    *,
    max_steps: int,
    c: tuple[float, float, float, float],
    trace: bool,
    ball_step=None,
) -> tuple[object, dict]:
    """The published bisection-like bracket on eps, shared by matrix AP and tensor-train QAP.

    ``start`` is the initial iterate (factors or TT cores) and ``R`` its residual
    ``approximation - F``, a buffer that the search overwrites. ``step(C)`` projects ``C``
    onto the low-rank set and returns the new iterate and its full approximation (which may
    be written into ``C`` itself). ``ball_step(R, eps)``, if given, replaces both projections
    and the residual pass: it overwrites ``R`` with the new residual and returns the new
    iterate and its max error.
    Returns the best iterate and the fields of
    :class:`APResult` other than the factors and the method.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7.1 (``src/lrma_max.jl`` and
    ``src/lrta_max.jl``).
    """
    c1, c2, c3, c4 = c
    err_pre = _max_abs(R)
    eps1, eps2 = 0.0, err_pre
    best = start
    rec: dict[str, list[float]] = {"eps": [], "err": [], "eps1": [], "eps2": []}
    steps = levels = 0
    converged = False
    while steps < max_steps:
        gap = eps2 - eps1
        if gap < c1 * eps2 or eps2 == 0.0:  # eps2 == 0: F is exactly of low rank
            converged = True
            break
        eps = 0.5 * (eps1 + eps2)
        levels += 1
        while steps < max_steps:
            if ball_step is None:
                np.clip(R, -eps, eps, out=R)
                R += F  # C = F + clip(approximation - F): the projection onto B_eps(F)
                iterate, full = step(R)
                err = _residual_max(full, F, R)
            else:  # the same two projections and the residual pass, fused by the caller
                iterate, err = ball_step(R, eps)
            steps += 1
            if err < eps2:
                eps2, best = err, iterate
            stalled = err > err_pre * (1.0 - c2)  # relative decrease below c2
            if stalled and err > eps1 + c3 * gap:  # stalled far above the lower bracket
                eps1 += c4 * gap
            if trace:  # recorded after both bracket updates of this step
                for key, val in (("eps", eps), ("err", err), ("eps1", eps1), ("eps2", eps2)):
                    rec[key].append(val)
            if stalled or eps2 == 0.0:
                break
            err_pre = err
    fmax = float(np.max(np.abs(F)))
    return best, {
        "error": eps2,
        "rel_error": eps2 / fmax if fmax > 0 else 0.0,
        "steps": steps,
        "levels": levels,
        "converged": converged,
        "trace": {k: np.asarray(v) for k, v in rec.items()} if trace else None,
    }
