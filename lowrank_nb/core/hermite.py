"""Hermite expansions of activations in the Gaussian space, and their C-maps.

An activation ``phi`` with ``E phi(g)^2 < inf`` for ``g ~ N(0, 1)`` expands in the orthonormal
probabilists' Hermite basis ``h_l = He_l / sqrt(l!)`` of ``L2(N(0, 1))`` (Vodrahalli et al.,
Definitions A.1-A.2). For standard normals ``u, v`` with correlation ``rho``,
``E[phi(u) phi(v)] = sum_l c_l^2 rho^l`` (Lemma A.3), so the *C-map*

``C(rho) = E[phi(u) phi(v)] / E[phi(u)^2]``

is a power series with non-negative coefficients. For ReLU it is the normalised arc-cosine
kernel ``kappa = sqrt(h)`` of :mod:`lowrank_nb.papers.vodrahalli.relu`; Remark A.8 quotes Martens
et al. (2021)
for the convexity and monotonicity of such maps.

References
----------
K. Vodrahalli et al., "Nonlinear initialization methods for low-rank neural networks" (2022),
Definitions A.1-A.2, Lemma A.3, Lemma A.7, Remark A.8.
J. Martens et al., "Rapid training of deep neural networks without skip connections or
normalization layers using Deep Kernel Shaping" (2021).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from lowrank_nb.core.validate import check_int

__all__ = ["c_map", "hermite_coeffs", "hermite_eval", "orthonormal_hermite"]

Activation = Callable[[np.ndarray], np.ndarray]
MAX_NODES = 250


def orthonormal_hermite(K: int, x: np.ndarray) -> np.ndarray:
    """Values ``h_0(x), ..., h_K(x)`` of the orthonormal probabilists' Hermite functions.

    Uses the three-term recurrence ``h_{l+1} = (x h_l - sqrt(l) h_{l-1}) / sqrt(l + 1)``, which
    stays stable for degrees in the hundreds (the monomial form overflows).

    Parameters
    ----------
    K : int >= 0
        Highest degree.
    x : array_like, finite
        Points.

    Returns
    -------
    ndarray of shape (K + 1, *x.shape)

    References
    ----------
    Vodrahalli et al. (2022), Definition A.2 (orthonormal Hermite basis of L2(N(0, 1))).
    """
    K = check_int(K, "K", minimum=0, maximum=100_000)
    x = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(x)):
        raise ValueError("x must be finite")
    out = np.empty((K + 1, *x.shape))
    out[0] = 1.0
    if K >= 1:
        out[1] = x
    for ell in range(1, K):
        out[ell + 1] = (x * out[ell] - math.sqrt(ell) * out[ell - 1]) / math.sqrt(ell + 1)
    return out


def hermite_eval(ell: int, x: np.ndarray, *, derivative: bool = False) -> np.ndarray:
    """One orthonormal Hermite function ``h_ell = He_ell / sqrt(ell!)`` (or its derivative).

    Evaluated through :mod:`numpy.polynomial.hermite_e` (Clenshaw on the coefficient vector),
    a route independent of the recurrence in :func:`orthonormal_hermite`, so the two can check
    each other. Fine for degrees up to a few tens; use :func:`orthonormal_hermite` beyond.

    Parameters
    ----------
    ell : int in [0, 150]
        Degree.
    x : array_like, finite
        Points.
    derivative : bool, default False
        Return ``h_ell'`` (which equals ``sqrt(ell) h_{ell-1}``, Definition A.2) instead.

    Returns
    -------
    ndarray of x's shape

    References
    ----------
    Vodrahalli et al. (2022), Definition A.2 (orthonormal Hermite basis, recurrence and
    derivative identities).
    """
    ell = check_int(ell, "ell", minimum=0, maximum=150)
    if not isinstance(derivative, (bool, np.bool_)):
        raise TypeError(f"derivative must be a bool, got {type(derivative).__name__}")
    xa = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(xa)):
        raise ValueError("x must be finite")
    coef = np.eye(ell + 1)[ell]
    if derivative:
        coef = np.polynomial.hermite_e.hermeder(coef)
    return np.polynomial.hermite_e.hermeval(xa, coef) / math.sqrt(math.factorial(ell))


def _check_activation(activation: Activation) -> Activation:
    if not callable(activation):
        raise TypeError(f"activation must be callable, got {type(activation).__name__}")
    return activation


def hermite_coeffs(activation: Activation, K: int, n_nodes: int = 200) -> tuple[np.ndarray,
                                                                               float]:
    """Hermite coefficients ``c_0..c_K`` of ``activation`` and its second moment ``E phi(g)^2``.

    Gauss–Hermite quadrature with ``n_nodes`` nodes (exact for polynomials of degree up to
    ``2 n_nodes - 1``); for smooth activations the coefficients converge quickly in the number
    of nodes, for kinks (ReLU) slowly, so prefer closed forms there.

    Parameters
    ----------
    activation : callable
        Vectorised ``phi``, applied to an array of nodes; must return finite values.
    K : int >= 0
        Highest degree.
    n_nodes : int, 2 <= n_nodes <= 250, n_nodes > K
        Quadrature nodes (NumPy's Gauss–Hermite weights underflow beyond about 300).

    Returns
    -------
    (ndarray of shape (K + 1,), float)
        ``c`` and ``E phi(g)^2``, so that ``1 - sum(c**2) / E phi(g)^2`` is the relative
        truncation error of the expansion.

    References
    ----------
    Vodrahalli et al. (2022), Definitions A.1-A.2 and Lemma A.3.
    """
    _check_activation(activation)
    K = check_int(K, "K", minimum=0, maximum=249)
    n_nodes = check_int(n_nodes, "n_nodes", minimum=2, maximum=MAX_NODES)
    if n_nodes <= K:
        raise ValueError(f"n_nodes must exceed K (got n_nodes={n_nodes}, K={K})")
    nodes, weights = np.polynomial.hermite_e.hermegauss(n_nodes)
    weights = weights / math.sqrt(2.0 * math.pi)  # the rule is for exp(-x^2/2); make it N(0, 1)
    values = np.asarray(activation(nodes), dtype=np.float64)
    if values.shape != nodes.shape or not np.all(np.isfinite(values)):
        raise ValueError("activation must map an array to finite values of the same shape")
    coeffs = orthonormal_hermite(K, nodes) @ (weights * values)
    return coeffs, float(weights @ values**2)


def c_map(activation: Activation, rho: np.ndarray | float, K: int = 60,
          n_nodes: int = 200) -> np.ndarray:
    """C-map ``C(rho) = E[phi(u) phi(v)] / E[phi(u)^2]``, ``corr(u, v) = rho``, by its series.

    ``C(rho) = sum_{l <= K} c_l^2 rho^l / E phi^2``, truncated at degree ``K``; on ``[-1, 1]``
    the truncation error is at most the tail ``1 - sum c_l^2 / E phi^2`` that
    :func:`hermite_coeffs` reports.

    Parameters
    ----------
    activation : callable
        Vectorised, not almost-everywhere zero.
    rho : float or array_like in [-1, 1]
        Correlations.
    K : int >= 0
        Truncation degree.
    n_nodes : int, K < n_nodes <= 250
        Quadrature nodes for the coefficients.

    Returns
    -------
    ndarray shaped like ``rho``

    References
    ----------
    Vodrahalli et al. (2022), Lemma A.3 and Remark A.8; Martens et al. (2021).
    """
    r = np.asarray(rho, dtype=np.float64)
    if not np.all(np.isfinite(r)) or np.any(np.abs(r) > 1.0):
        raise ValueError("rho must lie in [-1, 1]")
    coeffs, second_moment = hermite_coeffs(activation, K, n_nodes)
    if second_moment <= 0.0:
        raise ValueError("activation is zero on the quadrature nodes; its C-map is undefined")
    # Horner in rho with the coefficients c_l^2 / E phi^2 (all >= 0)
    out = np.zeros_like(r)
    for a in (coeffs[::-1] ** 2) / second_moment:
        out = out * r + a
    return out
