"""Correlations rho_SVD of unit Gaussian columns, and the losses they determine, at every rank.

For a weight ``W`` with unit columns, the truncated SVD ``Y_SVD = [W]_r`` and the rescaled
spectral solution ``Y(rho_SVD)`` (the optimal lift onto the same top-``r`` subspace) both have
closed-form NLRA objectives in the correlations ``rho_i = |P_r W_i|`` alone:

* ``R(0)           = m / 2``,
* ``R(Y_SVD)       = 1/2 sum_i (1 + rho_i^2 - 2 rho_i kappa(rho_i))``,
* ``R(Y(rho_SVD))  = 1/2 sum_i (1 - kappa(rho_i)^2)``,

so one eigen-decomposition of ``W W^T`` gives both at every rank. Used by the Explore sections
of Part III's chapters on spectral initialisation and on Theorem 3.5 (dense grids over ``d``,
``m`` and ``r``); results for an int seed are cached, so the sliders of one ``(d, m)`` share
one decomposition.

References
----------
K. Vodrahalli, R. Shivanna, M. Sathiamoorthy, S. Jain, E. Chi, "Nonlinear initialization
methods for low-rank neural networks" (2022), Definition 2.1, Problem 3.1, Theorem 3.5,
Corollaries A.20 and 3.7, Figures 1 and 4.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from lowrank_nb.core.sampling import unit_gaussian_columns
from lowrank_nb.core.validate import check_int, check_rng
from lowrank_nb.papers.vodrahalli.relu import kappa, rho_svd_table

__all__ = ["spectral_function_ratios", "svd_gap_terms", "unit_gaussian_rho_table"]


@lru_cache(maxsize=512)
def _table_cached(d: int, m: int, seed: int) -> np.ndarray:
    tab = rho_svd_table(unit_gaussian_columns(d, m, rng=np.random.default_rng(seed)))
    tab.setflags(write=False)
    return tab


def unit_gaussian_rho_table(d: int, m: int, *, rng: np.random.Generator | int) -> np.ndarray:
    """``rho_SVD`` at every rank for a ``d x m`` matrix of unit Gaussian columns.

    ``W = unit_gaussian_columns(d, m, rng=...)`` and row ``r - 1`` of the result holds
    ``rho_i = |P_r W_i|`` (:func:`~lowrank_nb.papers.vodrahalli.relu.rho_svd_table`).

    Parameters
    ----------
    d, m : int >= 1
        Rows (input dimension) and columns (neurons).
    rng : numpy.random.Generator or int seed
        Required. With an int seed the matrix is ``default_rng(seed)``'s and the result is
        cached (read-only), so repeated calls with the same ``(d, m, seed)`` cost nothing.

    Returns
    -------
    ndarray (min(d, m), m)

    References
    ----------
    Vodrahalli et al. (2022), Theorem 3.5 (``rho_SVD``), Corollary 3.7 and Figures 1 and 4
    (unit Gaussian columns).
    """
    d = check_int(d, "d")
    m = check_int(m, "m")
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        check_rng(rng)  # negative seeds raise
        return _table_cached(d, m, int(rng))
    g = check_rng(rng)
    return rho_svd_table(unit_gaussian_columns(d, m, rng=g))


def _check_ranks(ranks: Sequence[int], d: int, m: int) -> np.ndarray:
    rs = [check_int(r, "ranks", maximum=min(d, m)) for r in np.ravel(ranks)]
    if np.ndim(ranks) != 1 or not rs:
        raise ValueError("ranks must be a non-empty 1-d sequence of ints")
    return np.array(rs)


def spectral_function_ratios(d: int, m: int, ranks: Sequence[int], *,
                             rng: np.random.Generator | int) -> tuple[np.ndarray, np.ndarray]:
    """``R(Y) / R(0)`` of spectral initialisation and of its rescaled version, at each rank.

    ``W`` has unit Gaussian columns (:func:`unit_gaussian_rho_table`); ``Y`` is the truncated
    SVD ``[W]_r`` (the product of the spectral factors of Definition 2.1) or the rescaled
    spectral solution ``Y(rho_SVD)`` (columns ``kappa(rho_i) P_r W_i / rho_i``), and ``R`` is
    the exact NLRA objective of Problem 3.1 for ``x ~ N(0, I_d)``.

    Parameters
    ----------
    d, m : int >= 1
    ranks : sequence of int in [1, min(d, m)]
    rng : numpy.random.Generator or int seed
        Required; an int seed is cached (see :func:`unit_gaussian_rho_table`).

    Returns
    -------
    (spectral, rescaled) : tuple of ndarray
        One ratio in ``[0, 1]`` per rank.

    References
    ----------
    Vodrahalli et al. (2022), Definition 2.1 (spectral initialisation), Problem 3.1 (the NLRA
    objective), Theorem 3.5 (the rescaled spectral solution ``Y(rho_SVD)``).
    """
    d = check_int(d, "d")
    m = check_int(m, "m")
    rs = _check_ranks(ranks, d, m)
    rho = unit_gaussian_rho_table(d, m, rng=rng)[rs - 1]
    k = kappa(rho)
    r_zero = 0.5 * m  # R(0) = 1/2 sum |W_i|^2 for unit columns
    spectral = 0.5 * np.sum(1 + rho**2 - 2 * rho * k, axis=1) / r_zero
    rescaled = 0.5 * np.sum(1 - k**2, axis=1) / r_zero
    return spectral, rescaled


def svd_gap_terms(d: int, m: int, r: int, *,
                  rng: np.random.Generator | int) -> tuple[float, float]:
    """The rescaling gain ``R(Y_SVD) - R(Y(rho_SVD))`` and ``R(Y_SVD)`` for unit Gaussian columns.

    The gain is the corrected Theorem 3.5 identity ``1/2 sum (kappa(rho_i) - rho_i)^2``; the
    caller divides it by ``d`` (the paper's Figure 1), by ``m`` or by ``R(Y_SVD)``.

    Parameters
    ----------
    d, m : int >= 1
    r : int in [1, min(d, m)]
    rng : numpy.random.Generator or int seed
        Required; an int seed is cached (see :func:`unit_gaussian_rho_table`).

    Returns
    -------
    (gap, r_svd) : tuple of float

    References
    ----------
    Vodrahalli et al. (2022), Theorem 3.5 / A.17 (as corrected in the book: an identity),
    Corollaries A.20 and 3.7, Figure 1.
    """
    d = check_int(d, "d")
    m = check_int(m, "m")
    r = check_int(r, "r", maximum=min(d, m))
    rho = unit_gaussian_rho_table(d, m, rng=rng)[r - 1]
    k = kappa(rho)
    return float(0.5 * np.sum((k - rho) ** 2)), float(0.5 * np.sum(1 + rho**2 - 2 * rho * k))
