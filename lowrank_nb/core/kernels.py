"""Random Fourier features for shift-invariant positive-definite kernels (Section 5).

Bochner's theorem writes a continuous positive-definite ``kappa`` with ``kappa(0) = 1`` as
``kappa(z) = E cos(omega^T z)`` for a probability law of ``omega`` (the spectral law). For the
three radial kernels of the paper, as functions of ``z = x - y`` in ``R^m``:

* ``gaussian``: ``exp(-|z|^2)``, ``omega ~ N(0, 2 I)``;
* ``exponential``: ``exp(-|z|)``, ``omega`` multivariate Cauchy: ``omega = g / |u|``, with
  ``g ~ N(0, I_m)`` and ``u ~ N(0, 1)`` (a Gaussian scale mixture with ``1/u^2 ~ Levy``);
* ``cauchy``: ``1 / (1 + |z|^2)``, ``omega = sqrt(2 t) g`` with ``t ~ Exp(1)``, because
  ``1/(1 + s) = E_t exp(-t s)``; the law of ``omega`` is a multivariate symmetric Laplace law.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

from lowrank_nb.core.bounds import hoeffding_rff_bound
from lowrank_nb.core.softmax import trig_random_features
from lowrank_nb.core.validate import check_array, check_int, check_rng

__all__ = [
    "KERNELS",
    "hoeffding_rff_bound",
    "kernel_matrix",
    "kernel_profile",
    "rff_factors",
    "spectral_sample",
    "sqdist",
]

Kernel = Literal["gaussian", "exponential", "cauchy"]
KERNELS: tuple[str, ...] = ("gaussian", "exponential", "cauchy")


def _check_kernel(kernel: str) -> str:
    if kernel not in KERNELS:
        raise ValueError(f"kernel must be one of {KERNELS}, got {kernel!r}")
    return kernel


def kernel_profile(kernel: Kernel, D: np.ndarray) -> np.ndarray:
    """The kernel as a function of the squared distance ``D = |x - y|^2``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Section 5.
    """
    kernel = _check_kernel(kernel)
    D = check_array(D, "D", ndim=(0, 1, 2))
    if kernel == "gaussian":
        return np.exp(-D)
    if kernel == "exponential":
        return np.exp(-np.sqrt(np.maximum(D, 0.0)))
    return 1.0 / (1.0 + D)


def kernel_matrix(X: np.ndarray, Y: np.ndarray, kernel: Kernel) -> np.ndarray:
    """Exact kernel matrix ``F(i, j) = kappa(x_i - y_j)``.

    Parameters
    ----------
    X : ndarray (n1, m)
    Y : ndarray (n2, m)
    kernel : {"gaussian", "exponential", "cauchy"}

    Returns
    -------
    ndarray (n1, n2)

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Section 5 (Gaussian, Cauchy and
    exponential kernels).
    """
    kernel = _check_kernel(kernel)
    Xa, Ya = check_array(X, "X"), check_array(Y, "Y")
    if Xa.shape[1] != Ya.shape[1]:
        raise ValueError(f"X and Y must have the same width, got {Xa.shape[1]} and {Ya.shape[1]}")
    if Y is X or Xa.shape[1] <= 64:
        D = sqdist(Xa, Xa if Y is X else Ya)  # exact differences: zero diagonal, no cancellation
    else:
        # Gram formula: 10x faster for large m; absolute error <~ 4u(|x|^2 + |y|^2), harmless
        # away from zero distance (the exact path above handles Y is X).
        D = (Xa**2).sum(1)[:, None] + (Ya**2).sum(1)[None, :] - 2.0 * (Xa @ Ya.T)
        np.maximum(D, 0.0, out=D)
    return kernel_profile(kernel, D)


def spectral_sample(
    kernel: Kernel, m: int, rho: int, rng: np.random.Generator | int | None
) -> np.ndarray:
    """Draw ``rho`` frequencies from the spectral law of ``kernel`` in ``R^m``.

    Parameters
    ----------
    kernel : {"gaussian", "exponential", "cauchy"}
    m : int >= 1
        Dimension.
    rho : int >= 1
        Number of frequencies.
    rng : numpy.random.Generator or int

    Returns
    -------
    Omega : ndarray (m, rho)
        One frequency per column, so that ``E cos(omega^T z) = kappa(z)``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 5.1;
    A. Rahimi and B. Recht, "Random features for large-scale kernel machines" (2007).
    """
    kernel = _check_kernel(kernel)
    m = check_int(m, "m")
    rho = check_int(rho, "rho")
    gen = check_rng(rng)
    G = gen.standard_normal((m, rho))
    if kernel == "gaussian":
        return math.sqrt(2.0) * G
    if kernel == "exponential":
        u = gen.standard_normal(rho)
        # u = 0 has probability zero; guard anyway so that no inf can appear.
        u = np.where(u == 0.0, np.finfo(np.float64).tiny, u)
        return G / np.abs(u)
    t = gen.standard_exponential(rho)
    return G * np.sqrt(2.0 * t)


def rff_factors(
    X: np.ndarray,
    Y: np.ndarray,
    rho: int,
    kernel: Kernel = "gaussian",
    rng: np.random.Generator | int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Random Fourier factors ``(A, B)``, ``A B^T ~ F``, with rows of norm exactly one.

    ``A(i, :) = [cos(Omega^T x_i), sin(Omega^T x_i)] / sqrt(rho)``, so
    ``(A B^T)(i, j) = (1/rho) sum_k cos(omega_k^T (x_i - y_j))``, an unbiased estimate of
    ``kappa(x_i - y_j)`` of rank at most ``2 rho``.

    Parameters
    ----------
    X : ndarray (n1, m)
    Y : ndarray (n2, m)
    rho : int >= 1
        Number of frequencies (the factors have ``2 rho`` columns).
    kernel : {"gaussian", "exponential", "cauchy"}
    rng : numpy.random.Generator or int

    Returns
    -------
    A : ndarray (n1, 2 rho)
    B : ndarray (n2, 2 rho)

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 5.1 and the proof of
    Theorem 5.2 (``||A||_{2,inf} = ||B||_{2,inf} = 1``).
    """
    Xa = check_array(X, "X")
    Ya = check_array(Y, "Y")
    if Xa.shape[1] != Ya.shape[1]:
        raise ValueError(f"X and Y must have the same width, got {Xa.shape[1]} and {Ya.shape[1]}")
    Omega = spectral_sample(kernel, Xa.shape[1], rho, rng)
    return trig_random_features(Xa, Omega), trig_random_features(Ya, Omega)


def sqdist(X: np.ndarray, Y: np.ndarray, W: np.ndarray | None = None) -> np.ndarray:
    """Exact squared distances ``D(i, j) = (x_i - y_j)^T W (x_i - y_j)``.

    Differences are formed directly (in row blocks to bound memory), so ``D`` has an exactly
    zero diagonal when ``Y is X`` and no cancellation near zero distance.

    Parameters
    ----------
    X : ndarray (n1, m)
    Y : ndarray (n2, m)
    W : ndarray (m, m), optional
        Symmetric positive-definite weight.

    Returns
    -------
    ndarray (n1, n2)

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §4 (functions of the squared
    distance), Theorem 4.5.
    """
    Xa, Ya = _check_points(X, Y)
    Wa = _check_weight(W, Xa.shape[1], spd=True)
    if Wa is not None:
        # |x - y|_W^2 = |L^T (x - y)|^2 with W = L L^T keeps the direct-difference form.
        L = np.linalg.cholesky(Wa)
        Xa, Ya = Xa @ L, (Xa @ L if Y is X else Ya @ L)
    n1, m = Xa.shape
    n2 = Ya.shape[0]
    block = max(1, _BLOCK_BYTES // (8 * max(1, n2 * m)))
    D = np.empty((n1, n2))
    for start in range(0, n1, block):
        diff = Xa[start : start + block, None, :] - Ya[None, :, :]
        D[start : start + block] = np.einsum("ijk,ijk->ij", diff, diff)
    if Y is X:
        np.fill_diagonal(D, 0.0)
    return D


# Rows per block when forming distances: keeps the (block, n, m) difference array near 32 MB.
_BLOCK_BYTES = 32 * 2**20


def _check_points(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    Xa = check_array(X, "X")
    Ya = Xa if Y is X else check_array(Y, "Y")
    if Xa.shape[1] != Ya.shape[1]:
        raise ValueError(
            f"X and Y must have the same dimension m (columns), got {Xa.shape[1]} and {Ya.shape[1]}"
        )
    return Xa, Ya


def _check_weight(W: np.ndarray | None, m: int, *, spd: bool) -> np.ndarray | None:
    if W is None:
        return None
    Wa = check_array(W, "W")
    if Wa.shape != (m, m):
        raise ValueError(f"W must have shape ({m}, {m}), got {Wa.shape}")
    if spd:
        if not np.allclose(Wa, Wa.T, rtol=0, atol=1e-12 * max(1.0, np.abs(Wa).max())):
            raise ValueError("W must be symmetric")
        if np.linalg.eigvalsh(Wa).min() <= 0:
            raise ValueError("W must be positive-definite (smallest eigenvalue <= 0)")
    return Wa
