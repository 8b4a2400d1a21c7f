"""Training curves of Algorithms 1 and 2 measured by the exact relative excess over the optimum.

Used by the Explore section of Part III's LFAI chapter: both algorithms are run by
:func:`lfai_adam` on one layer, and every recorded objective is turned into
``eps = R / opt - 1`` with ``opt`` a reference optimum supplied by the caller.

References
----------
K. Vodrahalli et al., "Nonlinear initialization methods for low-rank neural networks" (2022),
Algorithms 1 and 2 (LFAI-Gradient from a random start and from spectral init), Section 4.1.2.
"""

from __future__ import annotations

import numpy as np

from lowrank_nb.core.validate import check_positive, check_rng
from lowrank_nb.papers.vodrahalli.relu import lfai_adam, nlra_objective, relu_svd, spectral_init

__all__ = ["lfai_excess_curves"]


def lfai_excess_curves(W: np.ndarray, r: int, R_opt: float, *, lr: float, batch: int = 256,
                       steps_per_epoch: int = 32, epochs: int = 6,
                       rng: np.random.Generator) -> dict:
    """Relative excess ``R / R_opt - 1`` along Adam runs of Algorithms 2 and 1, and two starts.

    Runs :func:`lfai_adam` from spectral init (Algorithm 2) and then, with the same generator,
    from the random baseline start (Algorithm 1), both on fresh samples, and records the exact
    objective after every block of ``steps_per_epoch`` steps. Also returns the excess of the
    truncated SVD (where Algorithm 2 starts) and of the rescaled top-``r`` solution (the
    closed-form lift of Part III's ReLU SVD chapter) as references.

    Parameters
    ----------
    W : ndarray, shape (d, m), finite
        The layer.
    r : int
        Rank, ``1 <= r <= min(d, m)``.
    R_opt : float
        Reference optimum of the rank-``r`` NLRA objective, ``> 0`` (e.g. from ``nlra_refine``).
    lr : float
        Adam learning rate, ``> 0``.
    batch, steps_per_epoch, epochs : int
        Adam batch size, steps per recorded block and number of blocks (as in ``lfai_adam``).
    rng : numpy.random.Generator
        Source of the samples and of Algorithm 1's random start (required).

    Returns
    -------
    dict
        ``spectral`` and ``baseline``: arrays of ``epochs + 1`` excesses (before the first step,
        then after each block); ``svd`` and ``rescaled``: floats. Multiply by 100 for percent.

    References
    ----------
    Vodrahalli et al. (2022), Algorithms 1 and 2 and Section 4.1.2 (Adam settings); the
    rescaled top-``r`` solution is Theorem 3.3's lift on the top singular subspace.
    """
    R_opt = check_positive(R_opt, "R_opt")
    rng = check_rng(rng)
    out = {}
    for init in ("spectral", "baseline"):
        hist = lfai_adam(W, r, init, lr=lr, batch=batch, steps_per_epoch=steps_per_epoch,
                         epochs=epochs, rng=rng).history
        out[init] = np.asarray(hist) / R_opt - 1
    U, V = spectral_init(W, r)
    out["svd"] = nlra_objective(U @ V.T, W) / R_opt - 1
    out["rescaled"] = nlra_objective(relu_svd(W, r, "topr").Y, W) / R_opt - 1
    return out
