"""Repeated random-Fourier-feature factorisations of a kernel matrix (Theorem 5.2).

Theorem 5.2 rests on two facts about the factors ``A, B`` of random Fourier features: their
rows have norm exactly one, and ``||F - A B^T||_max`` is small for any points, whatever the
dimension. :func:`rff_max_errors` repeats the factorisation and returns both quantities per
trial, so that a chapter can assert them and take medians.
"""

from __future__ import annotations

import numpy as np

from lowrank_nb.core.kernels import KERNELS, kernel_matrix, rff_factors, spectral_sample
from lowrank_nb.core.norms import two_inf_norm
from lowrank_nb.core.sampling import sample_ball
from lowrank_nb.core.validate import check_array, check_int, check_rng, check_same_width

__all__ = ["nested_rff_error", "nested_rff_tables", "rff_max_errors"]


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
    gen = check_rng(rng)
    F = kernel_matrix(Xa, Ya, kernel)
    errs, dev = [], 0.0
    for _ in range(trials):
        A, B = rff_factors(Xa, Ya, rho, kernel, gen)
        dev = max(dev, abs(two_inf_norm(A) - 1), abs(two_inf_norm(B) - 1))
        errs.append(float(np.max(np.abs(F - A @ B.T))))
    return np.array(errs), dev


def nested_rff_tables(n_max: int, m: int, rho_max: int, kernel: str, *,
                      rng: np.random.Generator | int) -> dict[str, np.ndarray]:
    """Kernel matrix and RFF feature tables of ball points, for nested sizes and ranks.

    Draws ``X, Y`` (``n_max`` points each, independent and uniform in the unit ball of
    ``R^m``) and ``rho_max`` frequencies ``Omega`` from the kernel's spectral law. The first
    ``n`` points and the first ``rho`` frequencies are again such a sample, so one draw serves
    every ``n <= n_max`` and ``rho <= rho_max`` (:func:`nested_rff_error`), and the errors
    change smoothly as ``n`` and ``rho`` grow.

    Parameters
    ----------
    n_max : int >= 1
        Number of points in ``X`` and in ``Y``.
    m : int >= 1
        Dimension.
    rho_max : int >= 1
        Number of frequencies.
    kernel : {"gaussian", "exponential", "cauchy"}
    rng : numpy.random.Generator or int (required keyword)

    Returns
    -------
    dict
        ``"F"``: the kernel matrix ``(n_max, n_max)``; ``"cx", "sx", "cy", "sy"``: ``cos`` and
        ``sin`` of ``X Omega`` and ``Y Omega``, each ``(n_max, rho_max)``, in float32.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank, or entrywise approximation of certain
    function-generated matrices", Theorem 5.1 (random Fourier features) and Theorem 5.2.
    """
    n_max = check_int(n_max, "n_max")
    m = check_int(m, "m")
    rho_max = check_int(rho_max, "rho_max")
    if kernel not in KERNELS:
        raise ValueError(f"kernel must be one of {KERNELS}, got {kernel!r}")
    gen = check_rng(rng)
    X, Y = sample_ball(n_max, m, rng=gen), sample_ball(n_max, m, rng=gen)
    Omega = spectral_sample(kernel, m, rho_max, gen)
    PX, PY = X @ Omega, Y @ Omega
    f32 = np.float32
    return {"F": kernel_matrix(X, Y, kernel).astype(f32),
            "cx": np.cos(PX).astype(f32), "sx": np.sin(PX).astype(f32),
            "cy": np.cos(PY).astype(f32), "sy": np.sin(PY).astype(f32)}


def nested_rff_error(tables: dict[str, np.ndarray], n: int, rho: int) -> float:
    """``||F - A B^T||_max`` for the first ``n`` points and the first ``rho`` frequencies.

    ``(A B^T)(i, j) = (1/rho) sum_k cos(omega_k^T (x_i - y_j))`` (the RFF factors of rank
    ``2 rho``), computed from the tables of :func:`nested_rff_tables` in float32 (about
    ``1e-6`` absolute, far below the errors of interest).

    Parameters
    ----------
    tables : dict
        Output of :func:`nested_rff_tables`.
    n : int, ``1 <= n <= n_max``
    rho : int, ``1 <= rho <= rho_max``

    Returns
    -------
    float

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 5.1 and the proof of
    Theorem 5.2.
    """
    if not isinstance(tables, dict) or not {"F", "cx", "sx", "cy", "sy"} <= set(tables):
        raise TypeError("tables must be the dict returned by nested_rff_tables")
    n_max, rho_max = tables["cx"].shape
    n = check_int(n, "n", maximum=n_max)
    rho = check_int(rho, "rho", maximum=rho_max)
    G = tables["cx"][:n, :rho] @ tables["cy"][:n, :rho].T
    G += tables["sx"][:n, :rho] @ tables["sy"][:n, :rho].T
    return float(np.max(np.abs(tables["F"][:n, :n] - G / np.float32(rho))))
