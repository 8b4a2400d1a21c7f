"""The rank-1 NLRA landscape over all lines of the plane (d = 2), against Algorithm 3.

For ``d = 2`` and ``r = 1`` every candidate subspace of Theorem 3.3 is a line at an angle
``phi`` in ``[0, pi)``, so the whole Grassmannian is one curve ``R(phi)`` (the optimal-lift
objective on that line). Used by the Explore section of Part III's ReLU SVD chapter, which
draws this curve next to the values of plain SVD, of Algorithm 3 and of the certified optimum.

References
----------
K. Vodrahalli et al., "Nonlinear initialization methods for low-rank neural networks" (2022),
Theorem 3.3 / A.12 and Algorithm 3.
"""

from __future__ import annotations

import math

import numpy as np

from lowrank_nb.core.validate import check_array, check_int, check_positive, check_real
from lowrank_nb.papers.vodrahalli.oracles import certify_line_optimum
from lowrank_nb.papers.vodrahalli.relu import (
    nlra_angle_profile,
    nlra_objective,
    relu_svd,
    spectral_init,
)

__all__ = ["line_landscape", "two_row_layer"]


def two_row_layer(t: float, psi_deg: float, pairs: int = 2) -> np.ndarray:
    """The book's ``2 x (2 + 2 pairs)`` test layer ``[diag(1, t) | unit columns at +-psi]``.

    The first two columns are ``(1, 0)`` and ``(0, t)``; then ``pairs`` times the two unit
    columns ``(cos psi, sin psi)`` and ``(cos psi, -sin psi)``. With ``pairs = 0`` and
    ``t = 1/2`` this is the chapter's counterexample B, ``diag(2, 1)`` scaled by 1/2.

    Parameters
    ----------
    t : float
        Norm of the second coordinate column, ``t > 0``.
    psi_deg : float
        Angle of the extra columns in degrees, ``0 <= psi_deg <= 90``.
    pairs : int, default 2
        Number of ``+-psi`` column pairs, ``>= 0``.

    Returns
    -------
    numpy.ndarray, shape (2, 2 + 2 pairs)

    References
    ----------
    Vodrahalli et al. (2022), Theorem 3.3 (the book's two-row counterexamples to it).
    """
    t = check_positive(t, "t")
    psi = math.radians(check_real(psi_deg, "psi_deg", 0.0, 90.0))
    pairs = check_int(pairs, "pairs", minimum=0)
    extra = np.array([[math.cos(psi), s * math.sin(psi)] for _ in range(pairs) for s in (1, -1)])
    return np.hstack([np.diag([1.0, t]), extra.reshape(-1, 2).T])


def line_landscape(W: np.ndarray, angles: np.ndarray, *, n_grid: int = 5000) -> dict:
    """``R`` on the lines at ``angles`` and the values of plain SVD, Algorithm 3 and the optimum.

    ``R(phi) = 1/2 sum_i |W_i|^2 (1 - kappa(rho_i)^2)`` with ``rho_i = |<u(phi), W_i>| / |W_i|``
    is the best objective with columns on the line ``u(phi) = (cos phi, sin phi)`` (the
    corrected part of Theorem 3.3). Algorithm 3 chooses the better of the two singular
    directions; the optimum is certified by :func:`certify_line_optimum` on ``n_grid`` lines.

    Parameters
    ----------
    W : ndarray, shape (2, m), finite, not zero
        The layer (``d = 2``).
    angles : ndarray, 1-d, finite
        Line angles in radians.
    n_grid : int, default 5000
        Grid size of the certified optimum, ``>= 16``.

    Returns
    -------
    dict
        ``profile`` (``R`` at each angle), ``svd`` (``R`` of the truncated SVD, no rescaling),
        ``alg3`` and ``alg3_angle`` (Algorithm 3's value and its line, in ``[0, pi)``), ``opt``
        and ``opt_angle`` (the certified optimum and its line).

    References
    ----------
    Vodrahalli et al. (2022), Theorem 3.3 / A.12 (as printed: the optimum is a singular
    direction; corrected: the lift on a fixed line) and Algorithm 3.
    """
    Wa = check_array(W, "W")
    if Wa.shape[0] != 2:
        raise ValueError(f"W must have 2 rows (d = 2), got {Wa.shape[0]}")
    if not np.any(Wa):
        raise ValueError("W must not be zero")
    phi = check_array(angles, "angles", ndim=1)
    n_grid = check_int(n_grid, "n_grid", minimum=16)
    Us, Vs = spectral_init(Wa, 1)
    res = relu_svd(Wa, 1, method="numpy")
    u = np.linalg.svd(Wa)[0][:, int(res.Lambda[0])]
    opt_angle, opt, _ = certify_line_optimum(Wa, n_grid)
    return {"profile": nlra_angle_profile(Wa, phi),
            "svd": nlra_objective(Us @ Vs.T, Wa),
            "alg3": nlra_objective(res.Y, Wa),
            "alg3_angle": math.atan2(u[1], u[0]) % math.pi,
            "opt": opt, "opt_angle": opt_angle}
