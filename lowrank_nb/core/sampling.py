"""Sample points for function-generated matrices.

The entrywise paper (Budzinskiy, §7) samples points uniformly in the unit ball; its code
draws a Gaussian direction and a radius ``R * U**(1/m)`` with ``U ~ U(0, 1)``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from lowrank_nb.core.validate import check_int, check_positive, check_rng

__all__ = ["sample_ball", "sample_points", "sample_sphere", "unit_gaussian_columns"]


def sample_sphere(
    n: int, m: int, R: float = 1.0, rng: np.random.Generator | int | None = None
) -> np.ndarray:
    """Draw ``n`` points uniformly on the sphere of radius ``R`` in ``R^m``.

    Parameters
    ----------
    n, m : int
        Number of points and dimension, both >= 1.
    R : float, default 1.0
        Radius, > 0.
    rng : numpy.random.Generator or int (required: None raises TypeError)
        Source of randomness; never silently unseeded.

    Returns
    -------
    ndarray of shape (n, m)
        Rows of Euclidean norm exactly ``R`` up to round-off.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank, or entrywise approximation of
    certain function-generated matrices", §3 (points on the sphere) and §7.
    """
    n = check_int(n, "n")
    m = check_int(m, "m")
    R = check_positive(R, "R")
    rng = check_rng(rng)
    g = rng.standard_normal((n, m))
    norms = np.linalg.norm(g, axis=1, keepdims=True)
    # A Gaussian vector is zero with probability 0; redraw the (never seen) zero rows anyway
    # so that no NaN can come out of the division.
    while np.any(norms == 0.0):
        bad = norms[:, 0] == 0.0
        g[bad] = rng.standard_normal((int(bad.sum()), m))
        norms = np.linalg.norm(g, axis=1, keepdims=True)
    return R * g / norms


def sample_ball(
    n: int, m: int, R: float = 1.0, rng: np.random.Generator | int | None = None
) -> np.ndarray:
    """Draw ``n`` points uniformly in the closed ball of radius ``R`` in ``R^m``.

    A uniform direction is scaled by ``R * U**(1/m)``: the volume of the ball of radius
    ``s`` grows like ``s**m``, so ``P(|x| <= s) = (s/R)**m``.

    Parameters
    ----------
    n, m : int
        Number of points and dimension, both >= 1.
    R : float, default 1.0
        Radius, > 0.
    rng : numpy.random.Generator or int (required: None raises TypeError)
        Source of randomness; never silently unseeded.

    Returns
    -------
    ndarray of shape (n, m)

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7 (sampling in the unit ball).
    """
    n = check_int(n, "n")
    m = check_int(m, "m")
    R = check_positive(R, "R")
    rng = check_rng(rng)
    directions = sample_sphere(n, m, 1.0, rng)
    radii = R * rng.random(n) ** (1.0 / m)
    return directions * radii[:, None]


def sample_points(
    n: int,
    m: int,
    scheme: Literal["independent", "symmetric"] = "independent",
    domain: Literal["ball", "sphere"] = "ball",
    rng: np.random.Generator | int | None = None,
    R: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the two point sets ``(X, Y)`` that generate an ``n x n`` matrix.

    Parameters
    ----------
    n, m : int
        Number of points per set and dimension.
    scheme : {"independent", "symmetric"}
        ``"independent"`` draws X and Y separately; ``"symmetric"`` returns ``Y is X`` so that
        the generated matrix is symmetric with an exactly zero distance diagonal.
    domain : {"ball", "sphere"}
        Where the points live.
    rng : numpy.random.Generator or int (required: None raises TypeError)
    R : float, default 1.0

    Returns
    -------
    X, Y : ndarray of shape (n, m)

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7 (the two sampling schemes).
    """
    if scheme not in ("independent", "symmetric"):
        raise ValueError(f"scheme must be 'independent' or 'symmetric', got {scheme!r}")
    if domain not in ("ball", "sphere"):
        raise ValueError(f"domain must be 'ball' or 'sphere', got {domain!r}")
    rng = check_rng(rng)
    draw = sample_ball if domain == "ball" else sample_sphere
    X = draw(n, m, R, rng)
    Y = X if scheme == "symmetric" else draw(n, m, R, rng)
    return X, Y


def unit_gaussian_columns(d: int, m: int, *, rng: np.random.Generator) -> np.ndarray:
    """A ``d x m`` matrix of i.i.d. N(0, 1) entries with every column scaled to unit norm.

    The columns are uniform on the sphere ``S^{d-1}``. One ``rng.standard_normal((d, m))``
    draw, so a seeded generator gives the same matrix as that call followed by the division.

    Parameters
    ----------
    d, m : int >= 1
        Rows (dimension of the sphere's ambient space) and columns.
    rng : numpy.random.Generator
        Required source of randomness.

    Returns
    -------
    ndarray (d, m)

    References
    ----------
    K. Vodrahalli et al., "Nonlinear initialization methods for low-rank neural networks"
    (2022), Corollary 3.7 (spherical weights) and the captions of Figures 1 and 4 ("entries drawn
    from N(0, 1), then normalise each column").
    """
    d = check_int(d, "d")
    m = check_int(m, "m")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    W = rng.standard_normal((d, m))
    return W / np.linalg.norm(W, axis=0)
