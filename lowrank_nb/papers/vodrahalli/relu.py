"""ReLU function approximation at initialisation: exact NLRA objective and its solvers.

Everything rests on one closed form. For ``x ~ N(0, I_d)`` and standard normals with
correlation ``rho``, ``E[relu(g1) relu(g2)] = kappa(rho) / 2`` with the normalised first-order
arc-cosine kernel ``kappa``. Hence the Nonlinear Low-Rank Approximation objective of
Vodrahalli et al. (Problem 3.1) is computable exactly, column by column:

``R(Y) = 1/2 |W - Y|_F^2 - (1/pi) sum_i |W_i| |Y_i| (sin t_i - t_i cos t_i)``,

with ``t_i`` the angle between the columns ``W_i`` and ``Y_i``. We use this *angle form*
(no cancellation when ``R`` is small) and report ``eps = R / opt - 1`` rather than raw ``R``.

References
----------
K. Vodrahalli, R. Shivanna, M. Sathiamoorthy, S. Jain, E. Chi, "Nonlinear initialization
methods for low-rank neural networks" (2022), Problem 3.1, Definition 3.2, Theorem 3.3,
Algorithm 3, Theorem 3.5, Algorithms 1-2, Lemmas A.3-A.15.
"""

from __future__ import annotations

import itertools
import math
import warnings
from typing import NamedTuple

import numpy as np
from numba import njit
from scipy.optimize import minimize
from scipy.special import gammaln

from lowrank_nb.core.linalg import orthonormal_basis
from lowrank_nb.core.softmax import positive_random_features, softmax_rows
from lowrank_nb.core.validate import check_array, check_int, check_positive, check_rng

__all__ = [
    "LFAIResult",
    "ReluSVDResult",
    "factor_balanced",
    "fai_joint_adam",
    "gnorm_paper",
    "kappa",
    "kappa_gap",
    "kappa_prime",
    "lfai_adam",
    "lift_objective",
    "network_mse_mc",
    "nlra_angle_profile",
    "nlra_diff_mc",
    "nlra_grad",
    "nlra_objective",
    "nlra_objective_mc",
    "nlra_refine",
    "optimal_lift",
    "performer_lfai",
    "performer_matrix",
    "relu_hermite_coeffs",
    "relu_inner_mc",
    "relu_kernel_series",
    "relu_svd",
    "rho_svd",
    "rho_svd_table",
    "spectral_init",
    "subset_objective",
    "svd_gap_exact",
    "svd_gap_paper",
    "swish",
    "truncated_normal",
]

_RHO_SLACK = 1e-12  # rounding may push a computed correlation 1e-16 past +-1; more is an error
_SMALL_T = 1e-2  # below this angle the series of sin t - t cos t is exact to double precision


# --------------------------------------------------------------------------- kernel
def _check_rho(rho: np.ndarray | float) -> np.ndarray:
    arr = check_array(rho, "rho", ndim=(0, 1, 2))
    if np.any(np.abs(arr) > 1.0 + _RHO_SLACK):
        raise ValueError("rho must lie in [-1, 1] (a correlation)")
    # Clip before arccos: 1 + 1e-16 would give NaN.
    return np.clip(arr, -1.0, 1.0)


def _sin_minus_tcos(t: np.ndarray) -> np.ndarray:
    """``sin t - t cos t`` for t in [0, pi], with a series near 0 to avoid cancellation."""
    t = np.asarray(t, dtype=np.float64)
    t2 = t * t
    series = t * t2 * (1.0 / 3.0 - t2 / 30.0 + t2 * t2 / 840.0)
    return np.where(t < _SMALL_T, series, np.sin(t) - t * np.cos(t))


def kappa(rho: np.ndarray | float) -> np.ndarray:
    """Normalised first-order arc-cosine kernel ``kappa(rho) = sqrt(h)(rho)``.

    ``kappa(rho) = (sqrt(1 - rho^2) + (pi - arccos rho) rho) / pi = 2 E[relu(g1) relu(g2)]``
    for standard normals with correlation ``rho``.

    Parameters
    ----------
    rho : float or ndarray, values in [-1, 1]

    Returns
    -------
    ndarray of the same shape, values in [0, 1].

    Raises
    ------
    ValueError
        If some ``|rho| > 1`` (beyond rounding) or is not finite.

    References
    ----------
    Vodrahalli et al. (2022), Definition 3.2; Cho and Saul (2009).
    """
    r = _check_rho(rho)
    return (np.sqrt(1.0 - r * r) + (np.pi - np.arccos(r)) * r) / np.pi


def kappa_prime(rho: np.ndarray | float) -> np.ndarray:
    """Derivative ``kappa'(rho) = 1 - arccos(rho) / pi``.

    References
    ----------
    Vodrahalli et al. (2022), Lemma A.7 (where the printed series lacks a factor 1/pi).
    """
    return 1.0 - np.arccos(_check_rho(rho)) / np.pi


def kappa_gap(rho: np.ndarray | float) -> np.ndarray:
    """``kappa(rho) - rho = (sin t - t cos t) / pi`` with ``t = arccos rho`` (no cancellation).

    References
    ----------
    Vodrahalli et al. (2022), Theorem 3.5 and Corollary A.18.
    """
    return _sin_minus_tcos(np.arccos(_check_rho(rho))) / np.pi


def relu_hermite_coeffs(K: int, signed: bool = True) -> np.ndarray:
    """Hermite coefficients ``c_0..c_K`` of ReLU in the orthonormal probabilists' basis.

    ``c_0 = 1/sqrt(2 pi)``, ``c_1 = 1/2``, ``c_k = 0`` for odd ``k >= 3`` and
    ``c_{2m} = (-1)^{m+1} (2m-3)!! / sqrt(2 pi (2m)!)``. With ``signed=False`` the magnitudes
    are returned, which is what Lemma A.5 prints (it drops the signs).

    Parameters
    ----------
    K : int >= 0
        Highest degree.
    signed : bool
        Return the true signed coefficients (default) or their absolute values.

    Returns
    -------
    ndarray of shape (K + 1,)

    References
    ----------
    Vodrahalli et al. (2022), Lemmas A.4 and A.5.
    """
    K = check_int(K, "K", minimum=0, maximum=10_000_000)
    if not isinstance(signed, bool):
        raise TypeError(f"signed must be a bool, got {type(signed).__name__}")
    c = np.zeros(K + 1)
    c[0] = 1.0 / math.sqrt(2.0 * math.pi)
    if K >= 1:
        c[1] = 0.5
    m = np.arange(1, K // 2 + 1, dtype=np.float64)
    if m.size:
        # log (2m-3)!! = log (2m-2)! - (m-1) log 2 - log (m-1)!   (and (-1)!! = 1 at m = 1)
        log_df = gammaln(2 * m - 1) - (m - 1) * math.log(2.0) - gammaln(m)
        log_mag = log_df - 0.5 * (math.log(2.0 * math.pi) + gammaln(2 * m + 1))
        sign = np.where(m % 2 == 1, 1.0, -1.0) if signed else 1.0
        c[2 * m.astype(np.int64)] = sign * np.exp(log_mag)
    return c


def relu_kernel_series(rho: np.ndarray | float, L: int) -> np.ndarray:
    """Partial sum of Lemma A.6: ``(1/pi)(1 + pi rho / 2 + sum_{l<=L} a_l rho^{2l})``.

    ``a_l = binom(2l, l) / (4^l (2l - 1)^2)``; the full series equals ``kappa(rho)`` on [-1, 1].

    References
    ----------
    Vodrahalli et al. (2022), Lemma A.6.
    """
    r = _check_rho(rho)
    L = check_int(L, "L", minimum=0, maximum=10_000_000)
    ell = np.arange(1, L + 1, dtype=np.float64)
    log_a = gammaln(2 * ell + 1) - 2 * gammaln(ell + 1) - ell * math.log(4.0)
    a = np.exp(log_a) / (2 * ell - 1) ** 2
    powers = r[..., None] ** (2 * ell) if L else np.zeros((*r.shape, 0))
    return (1.0 + 0.5 * np.pi * r + powers @ a) / np.pi


# --------------------------------------------------------------------------- objective
def _check_pair(Y: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    Ya, Wa = check_array(Y, "Y"), check_array(W, "W")
    if Ya.shape != Wa.shape:
        raise ValueError(f"Y and W must have the same shape, got {Ya.shape} and {Wa.shape}")
    return Ya, Wa


def _angles(Y: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column norms and angles; angle via atan2 of |w^ - y^| and |w^ + y^| (accurate at 0)."""
    ny, nw = np.linalg.norm(Y, axis=0), np.linalg.norm(W, axis=0)
    safe_y, safe_w = np.where(ny > 0, ny, 1.0), np.where(nw > 0, nw, 1.0)
    uy, uw = Y / safe_y, W / safe_w
    t = 2.0 * np.arctan2(np.linalg.norm(uw - uy, axis=0), np.linalg.norm(uw + uy, axis=0))
    return ny, nw, t


def nlra_objective(Y: np.ndarray, W: np.ndarray) -> float:
    """Exact NLRA objective ``R(Y) = E_x |relu(x^T Y) - relu(x^T W)|^2``, ``x ~ N(0, I_d)``.

    Uses the angle form ``1/2 |W - Y|_F^2 - (1/pi) sum |W_i||Y_i| (sin t_i - t_i cos t_i)``.

    Parameters
    ----------
    Y, W : ndarray (d, m)
        Candidate and target weight matrices (columns are neurons).

    Returns
    -------
    float

    References
    ----------
    Vodrahalli et al. (2022), Problem 3.1, Theorem A.12 eq. (3), Lemmas A.14-A.15.
    """
    Ya, Wa = _check_pair(Y, W)
    ny, nw, t = _angles(Ya, Wa)
    return float(0.5 * np.sum((Wa - Ya) ** 2) - np.sum(ny * nw * _sin_minus_tcos(t)) / np.pi)


def nlra_grad(Y: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Exact gradient of :func:`nlra_objective` in ``Y``.

    ``grad_i = Y_i - ((pi - t_i) W_i + |W_i| sin t_i Y_i / |Y_i|) / pi``.

    Raises
    ------
    ValueError
        If a column ``Y_i`` is zero while ``W_i`` is not (a cone point: R is not
        differentiable there).

    References
    ----------
    Vodrahalli et al. (2022), Problem 3.1 (the gradient is our derivation; it matches
    Tian (2017)'s population gradient).
    """
    Ya, Wa = _check_pair(Y, W)
    ny, nw, t = _angles(Ya, Wa)
    if np.any((ny == 0) & (nw > 0)):
        raise ValueError("Y has a zero column where W does not: R is not differentiable there")
    safe_y = np.where(ny > 0, ny, 1.0)
    return Ya - ((np.pi - t) * Wa + nw * np.sin(t) * Ya / safe_y) / np.pi


def nlra_objective_mc(
    Y: np.ndarray, W: np.ndarray, n: int, rng: np.random.Generator, batch: int = 65536
) -> tuple[float, float]:
    """Monte Carlo estimate of ``R(Y)`` with its standard error.

    Returns
    -------
    (mean, se) : tuple of float

    References
    ----------
    Vodrahalli et al. (2022), Problem 3.1 (the sampled objective of Algorithms 1-2).
    """
    Ya, Wa = _check_pair(Y, W)
    return _mc_mean(lambda X: np.sum((_relu(X @ Ya) - _relu(X @ Wa)) ** 2, axis=1),
                    Ya.shape[0], n, rng, batch)


def nlra_diff_mc(
    Y1: np.ndarray, Y2: np.ndarray, W: np.ndarray, n: int, rng: np.random.Generator,
    batch: int = 65536,
) -> tuple[float, float]:
    """Common-random-numbers Monte Carlo estimate of ``R(Y1) - R(Y2)`` with its SE.

    References
    ----------
    Vodrahalli et al. (2022), Problem 3.1.
    """
    Y1a, Wa = _check_pair(Y1, W)
    Y2a, _ = _check_pair(Y2, W)

    def term(X: np.ndarray) -> np.ndarray:
        T = _relu(X @ Wa)
        return np.sum((_relu(X @ Y1a) - T) ** 2 - (_relu(X @ Y2a) - T) ** 2, axis=1)

    return _mc_mean(term, Wa.shape[0], n, rng, batch)


def relu_inner_mc(
    Y: np.ndarray, W: np.ndarray, n: int, rng: np.random.Generator, batch: int = 65536
) -> tuple[float, float]:
    """Monte Carlo estimate of ``E <relu(x^T Y), relu(x^T W)>`` with its standard error.

    References
    ----------
    Vodrahalli et al. (2022), Lemmas A.14 (``Y = W``) and A.15.
    """
    Ya, Wa = _check_pair(Y, W)
    return _mc_mean(lambda X: np.sum(_relu(X @ Ya) * _relu(X @ Wa), axis=1),
                    Ya.shape[0], n, rng, batch)


def _relu(Z: np.ndarray) -> np.ndarray:
    return np.maximum(Z, 0.0)


def _mc_mean(fn, d: int, n: int, rng: np.random.Generator, batch: int) -> tuple[float, float]:
    n = check_int(n, "n", minimum=2)
    batch = check_int(batch, "batch", minimum=1)
    rng = check_rng(rng)
    total, total_sq, done = 0.0, 0.0, 0
    while done < n:
        b = min(batch, n - done)
        v = fn(rng.standard_normal((b, d)))
        total += float(v.sum())
        total_sq += float((v * v).sum())
        done += b
    mean = total / n
    var = max(total_sq / n - mean * mean, 0.0) * n / (n - 1)
    return mean, math.sqrt(var / n)


# --------------------------------------------------------------------------- spectral side
def _check_rank(W: np.ndarray, r: int) -> tuple[np.ndarray, int]:
    Wa = check_array(W, "W")
    r = check_int(r, "r", minimum=1, maximum=min(Wa.shape))
    return Wa, r


def truncated_normal(
    shape: tuple[int, ...], std: float, rng: np.random.Generator, bound: float = 2.0
) -> np.ndarray:
    """Normal(0, std^2) samples resampled outside ``bound * std`` (TensorFlow semantics).

    References
    ----------
    Vodrahalli et al. (2022), Section 4.1 (full-rank init: truncated N(0, 1/d) at 2 std).
    """
    std = check_positive(std, "std")
    bound = check_positive(bound, "bound")
    rng = check_rng(rng)
    Z = rng.standard_normal(shape)
    bad = np.abs(Z) > bound
    while np.any(bad):
        Z[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(Z) > bound
    return std * Z


def spectral_init(W: np.ndarray, r: int) -> tuple[np.ndarray, np.ndarray]:
    """Spectral initialisation: ``U_r S_r^{1/2}`` (d x r) and ``V_r S_r^{1/2}`` (m x r).

    The product ``U_hat @ V_hat.T`` is the truncated SVD ``[W]_r``.

    References
    ----------
    Vodrahalli et al. (2022), Definition 2.1 (Khodak et al. 2021).
    """
    Wa, r = _check_rank(W, r)
    U, s, Vt = np.linalg.svd(Wa, full_matrices=False)
    root = np.sqrt(s[:r])
    return U[:, :r] * root, Vt[:r].T * root


def factor_balanced(Y: np.ndarray, r: int) -> tuple[np.ndarray, np.ndarray]:
    """Balanced rank-r factors of ``Y`` by thin SVD (Remark A.9).

    References
    ----------
    Vodrahalli et al. (2022), Remark A.9.
    """
    return spectral_init(Y, r)


def rho_svd_table(W: np.ndarray) -> np.ndarray:
    """All top-r correlations at once: row ``r - 1`` holds ``|P_r W_i| / |W_i|``.

    Returns an array of shape (min(d, m), m); zero columns of W get correlation 0.

    References
    ----------
    Vodrahalli et al. (2022), Theorem 3.5 (rho_SVD) and Figure 4.
    """
    Wa = check_array(W, "W")
    d, m = Wa.shape
    if m >= 4 * d:
        # Wide W: the left singular vectors from eigh(W W^T) cost O(d^2 m), ~15x less than a
        # thin SVD; only the subspaces are used, and eigh's vectors are orthonormal to rounding.
        evals, evecs = np.linalg.eigh(Wa @ Wa.T)
        U = evecs[:, np.argsort(evals)[::-1]]
    else:
        U = np.linalg.svd(Wa, full_matrices=False)[0]
    nw = np.linalg.norm(Wa, axis=0)
    cum = np.cumsum((U.T @ Wa) ** 2, axis=0)[: min(d, m)]
    safe = np.where(nw > 0, nw, 1.0)
    return np.clip(np.sqrt(cum) / safe, 0.0, 1.0) * (nw > 0)


def rho_svd(W: np.ndarray, r: int) -> np.ndarray:
    """Correlations ``rho_i = |P_r W_i| / |W_i|`` between the columns and the top-r subspace.

    References
    ----------
    Vodrahalli et al. (2022), Theorem 3.5 (rho*_SVD).
    """
    Wa, r = _check_rank(W, r)
    return rho_svd_table(Wa)[r - 1]


def _check_q(Q: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    Qa, Wa = check_array(Q, "Q"), check_array(W, "W")
    if Qa.shape[0] != Wa.shape[0]:
        raise ValueError(f"Q must have {Wa.shape[0]} rows (as W), got {Qa.shape[0]}")
    if Qa.shape[1] > Qa.shape[0]:
        raise ValueError(f"Q must have at most {Qa.shape[0]} columns, got {Qa.shape[1]}")
    # 1e-8: orthonormality is needed only to this precision for the lift to be optimal to 1e-8.
    if np.max(np.abs(Qa.T @ Qa - np.eye(Qa.shape[1]))) > 1e-8:
        raise ValueError("Q must have orthonormal columns (Q^T Q = I)")
    return Qa, Wa


def optimal_lift(Q: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Best NLRA matrix with columns in ``span(Q)`` (the corrected ``gnorm`` of Theorem 3.3).

    ``Y_i = |W_i| kappa(rho_i) P W_i / |P W_i|`` with ``rho_i = |Q^T W_i| / |W_i|``. A column
    orthogonal to the subspace still gets length ``|W_i| / pi`` along ``Q[:, 0]``: ReLU outputs
    have positive mean, so this lowers ``R`` by ``|W_i|^2 / (2 pi^2)``.

    Parameters
    ----------
    Q : ndarray (d, r) with orthonormal columns
    W : ndarray (d, m)

    Returns
    -------
    ndarray (d, m) of rank <= r

    References
    ----------
    Vodrahalli et al. (2022), Theorem 3.3 / A.12 (``beta_i* = |W_i| sqrt(h)(rho_i)``, eq. (4)).
    """
    Qa, Wa = _check_q(Q, W)
    C = Qa.T @ Wa
    nc, nw = np.linalg.norm(C, axis=0), np.linalg.norm(Wa, axis=0)
    safe_w = np.where(nw > 0, nw, 1.0)
    rho = np.clip(nc / safe_w, 0.0, 1.0)
    beta = nw * kappa(rho)
    # 1e-14 relative: below this the projected direction is rounding noise.
    has_dir = nc > 1e-14 * safe_w
    dirs = np.where(has_dir, C / np.where(has_dir, nc, 1.0), 0.0)
    dirs[0, ~has_dir] = 1.0
    return Qa @ (dirs * beta)


def lift_objective(Q: np.ndarray, W: np.ndarray) -> float:
    """``R`` of :func:`optimal_lift`: ``1/2 sum |W_i|^2 (1 - kappa(rho_i)^2)``.

    References
    ----------
    Vodrahalli et al. (2022), Theorem A.12, eq. (4).
    """
    Qa, Wa = _check_q(Q, W)
    nw2 = np.sum(Wa * Wa, axis=0)
    rho = np.sqrt(np.sum((Qa.T @ Wa) ** 2, axis=0) / np.where(nw2 > 0, nw2, 1.0))
    return float(0.5 * np.sum(nw2 * (1.0 - kappa(np.clip(rho, 0.0, 1.0)) ** 2)))


def nlra_angle_profile(W: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """For ``d = 2, r = 1``: the optimal-lift objective on the line at each angle (vectorised).

    ``R(phi) = 1/2 sum |W_i|^2 (1 - kappa(rho_i(phi))^2)``, ``rho_i = |<u(phi), W_i>| / |W_i|``,
    ``u(phi) = (cos phi, sin phi)``. A fine grid plus local refinement certifies the global NLRA
    optimum for 2 x m matrices (the derivative in phi is at most ``sum |W_i|^2``).

    References
    ----------
    Vodrahalli et al. (2022), Theorem 3.3 (counterexamples in the book).
    """
    Wa = check_array(W, "W")
    if Wa.shape[0] != 2:
        raise ValueError(f"W must have 2 rows (d = 2), got {Wa.shape[0]}")
    phi = check_array(angles, "angles", ndim=1)
    nw2 = np.sum(Wa * Wa, axis=0)
    keep = nw2 > 0
    proj = np.abs(np.cos(phi)[:, None] * Wa[0, keep] + np.sin(phi)[:, None] * Wa[1, keep])
    rho = np.clip(proj / np.sqrt(nw2[keep]), 0.0, 1.0)
    return 0.5 * (1.0 - kappa(rho) ** 2) @ nw2[keep]


def gnorm_paper(A: np.ndarray) -> np.ndarray:
    """The column rescaling exactly as printed in Theorem 3.3: ``A_i sqrt(h)(|A_i|) / |A_i|``.

    Kept for the errata: it is correct only for unit columns of W and is undefined when some
    ``|A_i| > 1`` (kappa needs a correlation).

    Raises
    ------
    ValueError
        If a column has norm above 1 or is zero (0/0 is unspecified in the paper).

    References
    ----------
    Vodrahalli et al. (2022), Theorem 3.3 (definition of gnorm).
    """
    Aa = check_array(A, "A")
    na = np.linalg.norm(Aa, axis=0)
    if np.any(na > 1.0 + _RHO_SLACK):
        raise ValueError("A must have columns of norm <= 1: gnorm evaluates sqrt(h) at |A_i|")
    if np.any(na == 0):
        raise ValueError("A must have non-zero columns: gnorm is 0/0 there")
    return Aa * kappa(np.minimum(na, 1.0)) / na


# --------------------------------------------------------------------------- Algorithm 3
class ReluSVDResult(NamedTuple):
    """Output of :func:`relu_svd`: the rank-r matrix and the chosen singular indices."""

    Y: np.ndarray
    Lambda: np.ndarray


def _subset_setup(Wa: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    U, s, Vt = np.linalg.svd(Wa, full_matrices=False)
    n2 = np.sum(Wa * Wa, axis=0)
    keep = n2 > 0  # zero columns contribute nothing to any subset
    P = (s[:, None] * Vt[:, keep]) ** 2 / n2[keep]
    return U, P, n2[keep]


def subset_objective(W: np.ndarray, Lambda: np.ndarray) -> float:
    """Theorem 3.3's subset score ``J = sum_i |W_i|^2 h(rho_i(Lambda))`` (to be maximised).

    References
    ----------
    Vodrahalli et al. (2022), Theorem 3.3.
    """
    Wa = check_array(W, "W")
    lam = np.asarray(Lambda, dtype=np.int64)
    if lam.ndim != 1 or lam.size == 0 or lam.min() < 0 or lam.max() >= min(Wa.shape):
        raise ValueError(f"Lambda must list indices in [0, {min(Wa.shape) - 1}]")
    _, P, n2 = _subset_setup(Wa)
    rho = np.sqrt(np.clip(P[lam].sum(axis=0), 0.0, 1.0))
    return float(np.sum(n2 * kappa(rho) ** 2))


def _enumerate_numpy(P: np.ndarray, n2: np.ndarray, r: int, chunk: int = 4096) -> np.ndarray:
    """Reference path: score every r-subset in chunks with NumPy; return the best subset."""
    best, best_val = None, -np.inf
    combos = itertools.combinations(range(P.shape[0]), r)
    while True:
        block = np.array(list(itertools.islice(combos, chunk)), dtype=np.int64)
        if block.size == 0:
            break
        rho = np.sqrt(np.clip(P[block].sum(axis=1), 0.0, 1.0))
        vals = (kappa(rho) ** 2) @ n2
        j = int(np.argmax(vals))
        if vals[j] > best_val:
            best_val, best = float(vals[j]), block[j]
    return np.asarray(best)


@njit(cache=True)
def _enumerate_numba(P: np.ndarray, n2: np.ndarray, r: int) -> np.ndarray:  # pragma: no cover
    """Lexicographic enumeration with prefix sums: depth-l partial sums are reused."""
    d, m = P.shape
    idx = np.arange(r)
    prefix = np.zeros((r + 1, m))
    best = idx.copy()
    best_val = -1.0
    start = 0  # lowest level whose prefix must be rebuilt
    while True:
        for lvl in range(start, r):
            for i in range(m):
                prefix[lvl + 1, i] = prefix[lvl, i] + P[idx[lvl], i]
        val = 0.0
        for i in range(m):
            rho = math.sqrt(min(max(prefix[r, i], 0.0), 1.0))
            k = (math.sqrt(1.0 - rho * rho) + (math.pi - math.acos(rho)) * rho) / math.pi
            val += n2[i] * k * k
        if val > best_val:
            best_val = val
            best[:] = idx
        # next combination in lexicographic order
        pos = r - 1
        while pos >= 0 and idx[pos] == d - r + pos:
            pos -= 1
        if pos < 0:
            break
        idx[pos] += 1
        for q in range(pos + 1, r):
            idx[q] = idx[q - 1] + 1
        start = pos
    return best


_SUBSPACES = ("enumerate", "greedy", "topr")
_METHODS = ("numba", "numpy")


def relu_svd(
    W: np.ndarray,
    r: int,
    subspace: str = "enumerate",
    *,
    method: str = "numba",
    max_subsets: int = 5_000_000,
    backend: str | None = None,
) -> ReluSVDResult:
    """Algorithm 3 ("ReLU SVD") with the corrected per-column rescaling.

    Chooses ``r`` left singular vectors of ``W`` and returns the optimal lift onto their span.

    Parameters
    ----------
    W : ndarray (d, m)
    r : int in [1, min(d, m)]
    subspace : {"enumerate", "greedy", "topr"}
        ``enumerate`` scores all ``binom(min(d, m), r)`` subsets (Algorithm 3); ``greedy``
        adds one singular direction at a time; ``topr`` takes the top r (rescaled spectral).
    method : {"numba", "numpy"}
        Enumeration kernel (the book-wide JIT switch); the NumPy path is the reference.
        For one release, ``method="enumerate" | "greedy" | "topr"`` (the old name of
        ``subspace``) is still accepted with a ``DeprecationWarning``.
    max_subsets : int
        Size guard for ``enumerate``.
    backend : {"numba", "numpy"}, optional
        Deprecated alias of ``method`` (one release; ``DeprecationWarning``).

    Returns
    -------
    ReluSVDResult(Y, Lambda)

    Notes
    -----
    The enumeration is exact only over coordinate subspaces of the singular basis; the NLRA
    optimum need not be one of them (see the book's counterexamples to Theorem 3.3).

    References
    ----------
    Vodrahalli et al. (2022), Theorem 3.3, Algorithm 3, Corollary 3.4.
    """
    Wa, r = _check_rank(W, r)
    if isinstance(method, str) and method in _SUBSPACES:  # the old meaning of method=
        warnings.warn("relu_svd(method=<subspace>) is deprecated; pass the subspace rule "
                      "positionally or as subspace=", DeprecationWarning, stacklevel=2)
        subspace, method = method, "numba"
    if backend is not None:
        warnings.warn("relu_svd(backend=...) is deprecated; use method=", DeprecationWarning,
                      stacklevel=2)
        method = backend
    if subspace not in _SUBSPACES:
        raise ValueError(f"subspace must be 'enumerate', 'greedy' or 'topr', got {subspace!r}")
    if method not in _METHODS:
        raise ValueError(f"method must be 'numba' or 'numpy', got {method!r}")
    max_subsets = check_int(max_subsets, "max_subsets", minimum=1)
    U, P, n2 = _subset_setup(Wa)
    k = P.shape[0]
    if subspace == "topr":
        lam = np.arange(r)
    elif subspace == "greedy":
        chosen: list[int] = []
        acc = np.zeros(P.shape[1])
        for _ in range(r):
            rest = [j for j in range(k) if j not in chosen]
            rho = np.sqrt(np.clip(acc[None, :] + P[rest], 0.0, 1.0))
            j = rest[int(np.argmax((kappa(rho) ** 2) @ n2))]
            chosen.append(j)
            acc += P[j]
        lam = np.array(sorted(chosen))
    else:
        count = math.comb(k, r)
        if count > max_subsets:
            raise ValueError(
                f"r gives binom({k}, {r}) = {count} subsets, above max_subsets = {max_subsets}"
            )
        if method == "numba":
            lam = _enumerate_numba(np.ascontiguousarray(P), n2, r)
        else:
            lam = _enumerate_numpy(P, n2, r)
    lam = np.sort(np.asarray(lam, dtype=np.int64))
    return ReluSVDResult(optimal_lift(U[:, lam], Wa), lam)


# --------------------------------------------------------------------------- refinement
def nlra_refine(
    W: np.ndarray,
    r: int,
    Y0: np.ndarray | None = None,
    *,
    maxiter: int = 3000,
    gtol: float = 1e-11,
    restarts: int = 0,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """Local NLRA optimum: L-BFGS on the exact ``R(U V^T)`` from a warm start.

    The default start is the rescaled spectral solution (``relu_svd(..., "topr")``); each
    restart begins at the optimal lift onto a random subspace. The best value is returned.
    With ``restarts = 0`` the result is deterministic and ``rng`` is not used; with
    ``restarts > 0`` the random subspaces make ``rng`` required (a seeded Generator; ``None``
    raises ``TypeError`` rather than silently drawing fresh entropy).

    Returns
    -------
    ndarray (d, m) of rank <= r, a stationary point of the true NLRA objective.

    References
    ----------
    Vodrahalli et al. (2022), Problem 3.1 (gradient: our derivation, Tian 2017).
    """
    Wa, r = _check_rank(W, r)
    restarts = check_int(restarts, "restarts", minimum=0)
    maxiter = check_int(maxiter, "maxiter", minimum=1)
    gtol = check_positive(gtol, "gtol")
    starts = [relu_svd(Wa, r, "topr").Y if Y0 is None else check_array(Y0, "Y0")]
    if starts[0].shape != Wa.shape:
        raise ValueError(f"Y0 must have shape {Wa.shape}, got {starts[0].shape}")
    if restarts:
        if rng is None:
            raise TypeError("nlra_refine: restarts > 0 draws random subspaces, so rng "
                            "(a numpy.random.Generator) is required")
        gen = check_rng(rng)
        starts += [optimal_lift(orthonormal_basis(gen.standard_normal((Wa.shape[0], r))), Wa)
                   for _ in range(restarts)]
    d, m = Wa.shape
    best, best_val = starts[0], nlra_objective(starts[0], Wa)

    def fun(z: np.ndarray) -> tuple[float, np.ndarray]:
        U, V = z[: d * r].reshape(d, r), z[d * r:].reshape(m, r)
        Y = U @ V.T
        ny = np.linalg.norm(Y, axis=0)
        if np.any(ny == 0):  # cone point; nudge away (measure-zero event)
            Y = Y + 1e-12 * (ny == 0)
        G = nlra_grad(Y, Wa)
        return nlra_objective(Y, Wa), np.concatenate([(G @ V).ravel(), (G.T @ U).ravel()])

    for Y_start in starts:
        U0, V0 = factor_balanced(Y_start, r)
        res = minimize(fun, np.concatenate([U0.ravel(), V0.ravel()]), jac=True,
                       method="L-BFGS-B",
                       options={"maxiter": maxiter, "gtol": gtol, "ftol": 1e-15, "maxcor": 30})
        z = res.x
        Y = z[: d * r].reshape(d, r) @ z[d * r:].reshape(m, r).T
        # Polishing: the lift onto the found column space can only lower R.
        full = np.linalg.matrix_rank(Y) >= r
        Q = orthonormal_basis(Y)[:, :r] if full else orthonormal_basis(Y[:, :r])
        Y_lift = optimal_lift(Q, Wa)
        val = nlra_objective(Y_lift, Wa)
        if val < best_val:
            best, best_val = Y_lift, val
    return best


def svd_gap_exact(W: np.ndarray, r: int) -> float:
    """``R(Y_SVD) - R(Y(rho_SVD)) = 1/2 sum |W_i|^2 (kappa(rho_i) - rho_i)^2`` (corrected Thm 3.5).

    References
    ----------
    Vodrahalli et al. (2022), Theorem 3.5 / A.17 (corrected: an identity, not a bound).
    """
    Wa, r = _check_rank(W, r)
    nw2 = np.sum(Wa * Wa, axis=0)
    return float(0.5 * np.sum(nw2 * kappa_gap(rho_svd(Wa, r)) ** 2))


def svd_gap_paper(W: np.ndarray, r: int) -> float:
    """The right-hand side of Theorem 3.5 as printed, times ``d``: ``1/2 |w * kappa(rho) - rho|^2``.

    References
    ----------
    Vodrahalli et al. (2022), Theorem 3.5 (printed form, kept for the erratum).
    """
    Wa, r = _check_rank(W, r)
    rho = rho_svd(Wa, r)
    w = np.linalg.norm(Wa, axis=0)
    return float(0.5 * np.sum((w * kappa(rho) - rho) ** 2))


# --------------------------------------------------------------------------- Algorithms 1-2
def swish(z: np.ndarray) -> np.ndarray:
    """Swish ``z * sigmoid(z)`` (EfficientNet's activation)."""
    return z / (1.0 + np.exp(-z))


def _swish_prime(z: np.ndarray) -> np.ndarray:
    s = 1.0 / (1.0 + np.exp(-z))
    return s * (1.0 + z * (1.0 - s))


class LFAIResult(NamedTuple):
    """Factors ``U`` (d x r), ``V`` (m x r) and the objective after each epoch (0 = start)."""

    U: np.ndarray
    V: np.ndarray
    history: np.ndarray


def lfai_adam(
    W: np.ndarray,
    r: int,
    init: str = "spectral",
    *,
    lr: float = 5e-3,
    batch: int = 512,
    steps_per_epoch: int = 128,
    epochs: int = 6,
    n_pool: int | None = None,
    activation: str = "relu",
    n_eval: int = 20000,
    rng: np.random.Generator,
) -> LFAIResult:
    """LFAI by Adam on Gaussian samples: Algorithm 1 (``init="baseline"``) or 2 (``"spectral"``).

    Adam with ``beta = (0.9, 0.999)``, ``eps = 1e-7`` (TensorFlow defaults; the paper gives only
    lr, batch and epochs) on ``mean_b |act(x_b^T U V^T) - act(x_b^T W)|^2``. Fresh samples each
    step unless ``n_pool`` fixes a pool (the over-fitting demonstration).

    Returns
    -------
    LFAIResult(U, V, history)
        ``history[e]`` is the exact ``R`` after ``e`` epochs for ReLU, and a Monte Carlo
        estimate on ``n_eval`` fixed samples for Swish.

    References
    ----------
    Vodrahalli et al. (2022), Algorithms 1 and 2, Section 4.1.2 (lr 5e-3, batch 512,
    128 steps per epoch, up to 6 epochs).
    """
    Wa, r = _check_rank(W, r)
    if init not in ("baseline", "spectral"):
        raise ValueError(f"init must be 'baseline' or 'spectral', got {init!r}")
    if activation not in ("relu", "swish"):
        raise ValueError(f"activation must be 'relu' or 'swish', got {activation!r}")
    lr = check_positive(lr, "lr")
    batch = check_int(batch, "batch", minimum=1)
    steps_per_epoch = check_int(steps_per_epoch, "steps_per_epoch", minimum=1)
    epochs = check_int(epochs, "epochs", minimum=0)
    rng = check_rng(rng)
    d, m = Wa.shape
    if init == "spectral":
        U, V = spectral_init(Wa, r)
    else:
        U = truncated_normal((d, r), 1.0 / math.sqrt(d), rng)
        V = truncated_normal((r, m), 1.0 / math.sqrt(r), rng).T
    act, dact = (_relu, lambda z: (z > 0).astype(np.float64)) if activation == "relu" \
        else (swish, _swish_prime)
    pool = None
    if n_pool is not None:
        pool = rng.standard_normal((check_int(n_pool, "n_pool", minimum=1), d))
    X_eval = rng.standard_normal((check_int(n_eval, "n_eval", minimum=1), d)) \
        if activation == "swish" else None
    T_eval = act(X_eval @ Wa) if X_eval is not None else None

    def measure() -> float:
        if X_eval is None:
            return nlra_objective(U @ V.T, Wa)
        return float(np.mean(np.sum((act(X_eval @ U @ V.T) - T_eval) ** 2, axis=1)))

    mU, vU, mV, vV = (np.zeros_like(U), np.zeros_like(U), np.zeros_like(V), np.zeros_like(V))
    b1, b2, eps = 0.9, 0.999, 1e-7
    history = [measure()]
    step = 0
    for _ in range(epochs):
        for _ in range(steps_per_epoch):
            step += 1
            if pool is None:
                X = rng.standard_normal((batch, d))
            else:
                X = pool[rng.integers(0, pool.shape[0], size=batch)]
            XU = X @ U
            Z = XU @ V.T
            G = (2.0 / batch) * (act(Z) - act(X @ Wa)) * dact(Z)
            gV, gU = G.T @ XU, X.T @ (G @ V)
            for p, g, mm, vv in ((U, gU, mU, vU), (V, gV, mV, vV)):
                mm *= b1
                mm += (1 - b1) * g
                vv *= b2
                vv += (1 - b2) * g * g
                p -= lr * (mm / (1 - b1**step)) / (np.sqrt(vv / (1 - b2**step)) + eps)
        history.append(measure())
    return LFAIResult(U, V, np.array(history))


# --------------------------------------------------------------------------- Definition 2.2
def _chain(layers: list[tuple[np.ndarray, np.ndarray] | np.ndarray]) -> list[np.ndarray]:
    return [L[0] @ L[1].T if isinstance(L, tuple) else L for L in layers]


def network_mse_mc(
    layers: list, Ws: list[np.ndarray], n: int, rng: np.random.Generator
) -> tuple[float, float]:
    """MC estimate of ``E |f_layers(x) - f_W(x)|^2`` for ReLU chains ``relu(...relu(x W1)...)``.

    ``layers`` holds dense matrices or factor pairs ``(U, V)`` meaning ``U @ V.T``.

    References
    ----------
    Vodrahalli et al. (2022), Definition 2.2.
    """
    mats = _chain(layers)
    targets = [check_array(W, "Ws") for W in Ws]
    if [M.shape for M in mats] != [T.shape for T in targets]:
        raise ValueError("layers and Ws must have matching shapes")

    def fn(X: np.ndarray) -> np.ndarray:
        H, T = X, X
        for M, Wt in zip(mats, targets):
            H, T = _relu(H @ M), _relu(T @ Wt)
        return np.sum((H - T) ** 2, axis=1)

    return _mc_mean(fn, targets[0].shape[0], n, rng, 65536)


def fai_joint_adam(
    Ws: list[np.ndarray],
    factors: list[tuple[np.ndarray, np.ndarray]],
    *,
    lr: float = 5e-3,
    batch: int = 512,
    steps: int = 768,
    rng: np.random.Generator,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Definition 2.2: fit all low-rank layers of a ReLU chain jointly by Adam on N(0, I) inputs.

    Returns the trained factor pairs ``(U, V)`` with ``W_l ~ U V^T``.

    References
    ----------
    Vodrahalli et al. (2022), Definition 2.2.
    """
    targets = [check_array(W, "Ws") for W in Ws]
    params = [[check_array(U, "factors").copy(), check_array(V, "factors").copy()]
              for U, V in factors]
    lr, batch = check_positive(lr, "lr"), check_int(batch, "batch", minimum=1)
    steps, rng = check_int(steps, "steps", minimum=0), check_rng(rng)
    flat = [p for pair in params for p in pair]
    mom = [np.zeros_like(p) for p in flat]
    var = [np.zeros_like(p) for p in flat]
    for t in range(1, steps + 1):
        X = rng.standard_normal((batch, targets[0].shape[0]))
        T = X
        for Wt in targets:
            T = _relu(T @ Wt)
        acts, pre = [X], []
        for U, V in params:
            Z = acts[-1] @ U @ V.T
            pre.append(Z)
            acts.append(_relu(Z))
        grad_out = (2.0 / batch) * (acts[-1] - T)
        grads: list[np.ndarray] = []
        for li in range(len(params) - 1, -1, -1):
            U, V = params[li]
            G = grad_out * (pre[li] > 0)
            XU = acts[li] @ U
            grads = [acts[li].T @ (G @ V), G.T @ XU, *grads]
            grad_out = (G @ V) @ U.T
        for i, (p, g) in enumerate(zip(flat, grads)):
            mom[i] = 0.9 * mom[i] + 0.1 * g
            var[i] = 0.999 * var[i] + 0.001 * g * g
            p -= lr * (mom[i] / (1 - 0.9**t)) / (np.sqrt(var[i] / (1 - 0.999**t)) + 1e-7)
    return [(U, V) for U, V in params]


# --------------------------------------------------------------------------- Appendix B
def _favor_features(X: np.ndarray, Omega: np.ndarray) -> np.ndarray:
    # softmax uses q.k / sqrt(d): scale both sides by d^(-1/4), then Performer's features
    return positive_random_features(X / X.shape[1] ** 0.25, Omega)


def performer_matrix(Q: np.ndarray, K: np.ndarray, Omega: np.ndarray) -> np.ndarray:
    """FAVOR+ attention matrix ``P_hat = D_hat^{-1} phi(Q) phi(K)^T`` (row-stochastic).

    ``phi(x) = exp(Omega^T x~ - |x~|^2 / 2) / sqrt(r)`` with ``x~ = x / d^(1/4)``; with
    ``Omega`` (d x r) iid N(0, 1), ``E[phi(q) . phi(k)] = exp(q . k / sqrt(d))``.

    References
    ----------
    Vodrahalli et al. (2022), Definition B.1; Choromanski et al. (2021).
    """
    Qa, Ka, Om = check_array(Q, "Q"), check_array(K, "K"), check_array(Omega, "Omega")
    if Qa.shape[1] != Ka.shape[1] or Om.shape[0] != Qa.shape[1]:
        raise ValueError("Q, K must have d columns and Omega d rows")
    A = _favor_features(Qa, Om) @ _favor_features(Ka, Om).T
    return A / A.sum(axis=1, keepdims=True)


def performer_lfai(
    Q: np.ndarray, K: np.ndarray, Omega0: np.ndarray, *, maxiter: int = 200
) -> np.ndarray:
    """Definition B.2 with ``g = id``: choose ``Omega`` to minimise ``|P - P_hat(Omega)|_F^2``.

    ``P = softmax(Q K^T / sqrt(d))``. L-BFGS with the analytic gradient, from ``Omega0``.
    For values ``V`` with iid N(0, s^2) entries,
    ``E |(P - P_hat) V|_F^2 = s^2 d_v |P - P_hat|_F^2``, so this is exactly the LFAI objective
    of the attention output.

    Returns
    -------
    ndarray, the optimised ``Omega`` (d x r).

    References
    ----------
    Vodrahalli et al. (2022), Definition B.2.
    """
    Qa, Ka, Om0 = check_array(Q, "Q"), check_array(K, "K"), check_array(Omega0, "Omega0")
    maxiter = check_int(maxiter, "maxiter", minimum=1)
    d = Qa.shape[1]
    if Ka.shape[1] != d or Om0.shape[0] != d:
        raise ValueError("Q, K must have d columns and Omega0 d rows")
    P = softmax_rows(Qa @ Ka.T / math.sqrt(d))
    Qs, Ks = Qa / d**0.25, Ka / d**0.25

    def fun(z: np.ndarray) -> tuple[float, np.ndarray]:
        Om = z.reshape(Om0.shape)
        Fq, Fk = _favor_features(Qa, Om), _favor_features(Ka, Om)
        A = Fq @ Fk.T
        s = A.sum(axis=1, keepdims=True)
        G = 2.0 * (A / s - P)
        GA = G / s - np.sum(G * A, axis=1, keepdims=True) / s**2
        gO = Qs.T @ ((GA @ Fk) * Fq) + Ks.T @ ((GA.T @ Fq) * Fk)
        return float(np.sum((A / s - P) ** 2)), gO.ravel()

    res = minimize(fun, Om0.ravel(), jac=True, method="L-BFGS-B", options={"maxiter": maxiter})
    return res.x.reshape(Om0.shape)
