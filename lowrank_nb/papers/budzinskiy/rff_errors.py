"""Repeated random-Fourier-feature factorisations of a kernel matrix (Theorem 5.2).

Theorem 5.2 rests on two facts about the factors ``A, B`` of random Fourier features: their
rows have norm exactly one, and ``||F - A B^T||_max`` is small for any points, whatever the
dimension. :func:`rff_max_errors` repeats the factorisation and returns both quantities per
trial, so that a chapter can assert them and take medians.
"""

from __future__ import annotations

import numpy as np

from lowrank_nb.core.kernels import KERNELS, kernel_matrix, rff_factors
from lowrank_nb.core.norms import two_inf_norm
from lowrank_nb.core.validate import check_array, check_int, check_rng, check_same_width

__all__ = ["rff_max_errors"]


def rff_max_errors(
    X: np.ndarray,
    Y: np.ndarray,
    rho: int,
    kernel: str,
    trials: int,
    *,
    rng: np.random.Generator | int,
) -> tuple[np.ndarray, float]:
    """Max-norm errors of ``trials`` independent RFF factorisations, and their row norms.

    Each trial draws ``(A, B) = rff_factors(X, Y, rho, kernel, rng)`` and records
    ``||F - A B^T||_max`` with ``F = kernel_matrix(X, Y, kernel)``.

    Parameters
    ----------
    X : ndarray (n1, m)
    Y : ndarray (n2, m)
    rho : int >= 1
        Number of frequencies (the factors have ``2 rho`` columns).
    kernel : {"gaussian", "exponential", "cauchy"}
    trials : int >= 1
    rng : numpy.random.Generator or int (required keyword)

    Returns
    -------
    errors : ndarray of shape (trials,)
        ``||F - A B^T||_max`` per trial.
    row_norm_deviation : float
        ``max`` over trials of ``| ||A||_{2,inf} - 1 |`` and ``| ||B||_{2,inf} - 1 |`` (zero in
        exact arithmetic, since ``cos^2 + sin^2 = 1``).

    Raises
    ------
    TypeError
        If ``rng`` is missing or an argument has the wrong type.
    ValueError
        If ``X`` and ``Y`` have different widths, ``rho`` or ``trials`` is below 1, or
        ``kernel`` is unknown.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank, or entrywise approximation of certain
    function-generated matrices", Theorem 5.1 (random Fourier features) and the proof of
    Theorem 5.2 (unit-norm factors); A. Rahimi and B. Recht (2007).
    """
    Xa, Ya = check_array(X, "X"), check_array(Y, "Y")
    check_same_width(Xa, Ya, "X", "Y")
    rho = check_int(rho, "rho")
    trials = check_int(trials, "trials")
    if kernel not in KERNELS:
        raise ValueError(f"kernel must be one of {KERNELS}, got {kernel!r}")
    if rng is None:
        raise TypeError("rng must be a numpy.random.Generator or a non-negative int seed, "
                        "got None (results must be reproducible)")
    gen = check_rng(rng)
    F = kernel_matrix(Xa, Ya, kernel)
    errs, dev = [], 0.0
    for _ in range(trials):
        A, B = rff_factors(Xa, Ya, rho, kernel, gen)
        dev = max(dev, abs(two_inf_norm(A) - 1), abs(two_inf_norm(B) - 1))
        errs.append(float(np.max(np.abs(F - A @ B.T))))
    return np.array(errs), dev
