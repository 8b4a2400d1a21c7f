"""Independent oracles for the ReLU-NLRA chapters: quadrature, certified grids, restricted fits.

Each function here computes a quantity of Vodrahalli et al. by a route that does not share code
with the closed forms of :mod:`lowrank_nb.papers.vodrahalli.relu`, so that the book's checks
compare two computations rather than one formula with itself.

References
----------
K. Vodrahalli et al., "Nonlinear initialization methods for low-rank neural networks" (2022),
Definition 3.2, Theorem 3.3 / A.12, Corollary 3.7, Figure 1.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import integrate, stats
from scipy.optimize import minimize_scalar

from lowrank_nb.core.validate import check_array, check_int, check_real
from lowrank_nb.papers.vodrahalli.relu import nlra_angle_profile, nlra_grad, nlra_objective

__all__ = [
    "certify_line_optimum",
    "nlra_subspace_fun",
    "relu_pair_moment_quad",
    "rho_svd_at_ranks",
]


def relu_pair_moment_quad(rho: float) -> float:
    """``E[relu(g1) relu(g2)]`` for standard normals with correlation ``rho``, by quadrature.

    Conditions on ``g1 = a``: ``E[relu(g2) | a] = rho a Phi(rho a / s) + s phi(rho a / s)`` with
    ``s = sqrt(1 - rho^2)``, then integrates ``a phi(a) E[relu(g2) | a]`` over ``a > 0`` with
    ``scipy.integrate.quad`` (tolerances 1e-13). Independent of the arc-cosine closed form.

    Parameters
    ----------
    rho : float in (-1, 1)
        Correlation (the end points make ``s = 0``; use the closed form there).

    Returns
    -------
    float
        Equals ``kappa(rho) / 2`` (Definition 3.2's normalised kernel, halved).

    References
    ----------
    Vodrahalli et al. (2022), Definition 3.2 and Lemma A.15 (the pair moment of ReLU).
    """
    rho = check_real(rho, "rho", -1.0, 1.0)
    if abs(rho) == 1.0:
        raise ValueError("rho must lie in the open interval (-1, 1)")
    s = math.sqrt(1 - rho * rho)

    def inner(a: float) -> float:
        return rho * a * stats.norm.cdf(rho * a / s) + s * stats.norm.pdf(rho * a / s)

    return float(integrate.quad(lambda a: a * stats.norm.pdf(a) * inner(a), 0, np.inf,
                                epsabs=1e-13, epsrel=1e-13)[0])


def nlra_subspace_fun(b: np.ndarray, Q: np.ndarray, W: np.ndarray) -> tuple[float, np.ndarray]:
    """NLRA objective and gradient restricted to ``Y = Q B``, for ``scipy.optimize.minimize``.

    Parameters
    ----------
    b : ndarray, size r * m
        ``B`` flattened row-major (shape (r, m)).
    Q : ndarray (d, r)
        Basis of the subspace (orthonormal columns for the usual use; not required).
    W : ndarray (d, m)
        Target.

    Returns
    -------
    (float, ndarray of size r * m)
        ``R(Q B)`` and ``(Q^T grad R(Q B))`` flattened; use with ``jac=True``.

    References
    ----------
    Vodrahalli et al. (2022), Theorem 3.3 / A.12 (the optimal ``B`` for a fixed subspace is the
    per-column rescaled projection), Problem 3.1 (objective).
    """
    Qa = check_array(Q, "Q")
    Wa = check_array(W, "W")
    if Qa.shape[0] != Wa.shape[0]:
        raise ValueError(f"Q must have {Wa.shape[0]} rows like W, got {Qa.shape[0]}")
    ba = check_array(b, "b", ndim=(1, 2))
    if ba.size != Qa.shape[1] * Wa.shape[1]:
        raise ValueError(f"b must have r * m = {Qa.shape[1] * Wa.shape[1]} entries, got {ba.size}")
    B = ba.reshape(Qa.shape[1], -1)
    Y = Qa @ B
    return nlra_objective(Y, Wa), (Qa.T @ nlra_grad(Y, Wa)).ravel()


def certify_line_optimum(W: np.ndarray, n_grid: int = 200_000) -> tuple[float, float, float]:
    """Certified global rank-1 NLRA optimum of a 2 x m matrix by a grid over all lines.

    Evaluates the optimal-lift objective ``R(phi)`` on ``n_grid`` equispaced angles of
    ``[0, pi)``, refines the best cell with a bounded scalar search, and returns a certified
    lower bound ``min_grid R - (h / 2) |W|_F^2``: ``R`` is ``|W|_F^2``-Lipschitz in ``phi``
    (``|kappa|, |kappa'| <= 1`` and ``|d rho_i / d phi| <= 1``), so no angle can beat the grid
    minimum by more.

    Parameters
    ----------
    W : ndarray (2, m), finite
    n_grid : int >= 16
        Number of grid angles.

    Returns
    -------
    (phi, R_opt, lower) : tuple of float
        Angle in ``[0, pi)`` of the best line, the objective there, and the certified lower
        bound on the global optimum.

    References
    ----------
    Vodrahalli et al. (2022), Theorem 3.3 and Algorithm 3 (the book's counterexamples need the
    true optimum, which this certifies for d = 2, r = 1).
    """
    Wa = check_array(W, "W")
    if Wa.shape[0] != 2:
        raise ValueError(f"W must have 2 rows (d = 2), got {Wa.shape[0]}")
    n_grid = check_int(n_grid, "n_grid", minimum=16)
    phis = np.linspace(0, np.pi, n_grid, endpoint=False)
    vals = nlra_angle_profile(Wa, phis)
    k = int(np.argmin(vals))
    h_step = phis[1] - phis[0]
    local = minimize_scalar(lambda p: float(nlra_angle_profile(Wa, np.array([p]))[0]),
                            bounds=(phis[k] - h_step, phis[k] + h_step), method="bounded",
                            options={"xatol": 1e-12})
    lower = vals.min() - 0.5 * h_step * np.sum(Wa**2)
    return float(local.x % np.pi), float(local.fun), float(lower)


def rho_svd_at_ranks(W: np.ndarray, ranks) -> dict[int, np.ndarray]:
    """``rho_SVD(i) = |P_r W_i|`` for unit columns at several ranks, from one ``eigh`` of ``W W^T``.

    Only the top ``max(ranks)`` eigenvectors are applied to ``W`` (memory ``max(ranks) x m``
    instead of ``d x m``), which is what lets Figure 1's widest matrices fit. The SVD-based
    :func:`~lowrank_nb.papers.vodrahalli.relu.rho_svd_table` is the independent reference.

    Parameters
    ----------
    W : ndarray (d, m), finite, columns of unit norm (to 1e-8)
    ranks : iterable of int in [1, d]

    Returns
    -------
    dict
        ``{r: ndarray (m,)}``, each clipped to ``[0, 1]`` from above.

    References
    ----------
    Vodrahalli et al. (2022), Theorem 3.5, Corollary 3.7 and Figure 1 (the correlations
    ``rho_SVD``, unit Gaussian columns).
    """
    Wa = check_array(W, "W")
    d = Wa.shape[0]
    rs = [check_int(r, "ranks", minimum=1, maximum=d) for r in ranks]
    if not rs:
        raise ValueError("ranks must not be empty")
    if np.max(np.abs(np.linalg.norm(Wa, axis=0) - 1.0)) > 1e-8:
        raise ValueError("W must have unit-norm columns (to 1e-8)")
    _, evecs = np.linalg.eigh(Wa @ Wa.T)
    Ut = evecs[:, ::-1][:, :max(rs)].T
    cum = np.cumsum((Ut @ Wa) ** 2, axis=0)
    return {r: np.minimum(np.sqrt(cum[r - 1]), 1.0) for r in rs}
