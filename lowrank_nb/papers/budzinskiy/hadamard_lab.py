"""Repeated embeddings of Hadamard powers (Lemma 3.1) and the data of the Taylor/JL lab.

:func:`hadamard_power_errors` repeats one embedding of ``(X Y^T)^{*s}`` and returns the
max-norm error of every trial, so that a chapter can take medians; :func:`sphere_sketch_lab`
draws the sphere points and the Hadamard-power sketches that the Explore lab of the
inner-product chapter reuses for every Taylor degree.
"""

from __future__ import annotations

import numpy as np

from lowrank_nb.core.sampling import sample_sphere
from lowrank_nb.core.validate import check_array, check_int, check_rng, check_same_width
from lowrank_nb.papers.budzinskiy.embeddings.hadamard import (
    hadamard_power_factors,
    hadamard_power_sketches,
)

__all__ = ["hadamard_power_errors", "sphere_sketch_lab"]



def hadamard_power_errors(
    X: np.ndarray,
    Y: np.ndarray,
    s: int,
    k: int,
    trials: int,
    *,
    rng: np.random.Generator | int,
    method: str = "gram",
) -> np.ndarray:
    """Absolute max-norm errors ``||(X Y^T)^{*s} - U V^T||_max`` of independent embeddings.

    Each trial calls
    :func:`~lowrank_nb.papers.budzinskiy.embeddings.hadamard.hadamard_power_factors` once
    with the same generator. The errors are absolute: divide by
    ``(||X||_{2,inf} ||Y||_{2,inf})^s`` for the relative error of Lemma 3.1 (on the unit
    sphere that factor is 1).

    Parameters
    ----------
    X : ndarray (n1, m)
    Y : ndarray (n2, m)
    s : int >= 1
        Hadamard power.
    k : int >= 1
        Sketch width (rank of ``U V^T``).
    trials : int >= 1
        Number of independent embeddings.
    rng : numpy.random.Generator or int (required keyword)
    method : {"gram", "literal", "kron"}, default "gram"
        The embedding (see :mod:`lowrank_nb.papers.budzinskiy.embeddings.hadamard`).

    Returns
    -------
    ndarray of shape (trials,)

    Raises
    ------
    TypeError
        If ``rng`` is missing or an argument has the wrong type.
    ValueError
        If ``X`` and ``Y`` have different widths, ``s``, ``k`` or ``trials`` is below 1, or
        ``method`` is unknown.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank, or entrywise approximation of certain
    function-generated matrices", Lemma 3.1 (embedding of Hadamard products) and Theorem 1.3.
    """
    Xa, Ya = check_array(X, "X"), check_array(Y, "Y")
    check_same_width(Xa, Ya, "X", "Y")
    s = check_int(s, "s")
    k = check_int(k, "k")
    trials = check_int(trials, "trials")
    if method not in ("gram", "literal", "kron"):
        raise ValueError(f"method must be 'gram', 'literal' or 'kron', got {method!r}")
    gen = check_rng(rng)
    P = Xa @ Ya.T
    errs = []
    for _ in range(trials):
        U, V = hadamard_power_factors(Xa, Ya, s, k, gen, method)
        errs.append(np.max(np.abs(P**s - U @ V.T)))
    return np.array(errs)


def sphere_sketch_lab(
    n: int, m: int, k: int, s_max: int, *, rng: np.random.Generator | int
) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    """Sphere points ``X, Y`` and Gram sketches of ``(X Y^T)^{*s}``, ``s = 1..s_max``.

    Draw order: ``X``, ``Y`` (uniform on the unit sphere of ``R^m``), then the sketches of
    :func:`~lowrank_nb.papers.budzinskiy.embeddings.hadamard.hadamard_power_sketches`. Passing
    the sketches to ``taylor_inner_product(..., sketches=...)`` evaluates the construction of
    Lemma 3.3 for every degree ``t <= s_max + 1`` with the same embeddings.

    Parameters
    ----------
    n : int >= 1
        Number of points on each side.
    m : int >= 1
        Dimension.
    k : int >= 1
        Sketch width per power.
    s_max : int >= 1
        Highest Hadamard power.
    rng : numpy.random.Generator or int (required keyword)

    Returns
    -------
    (X, Y, sketches)
        ``X, Y`` of shape ``(n, m)`` and a list of ``s_max`` pairs ``(U_s, V_s)`` of shape
        ``(n, k)``.

    Raises
    ------
    TypeError
        If ``rng`` is missing or an argument has the wrong type.
    ValueError
        If ``n``, ``m``, ``k`` or ``s_max`` is below 1.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Lemma 3.1, Lemma 3.3 and
    Theorem 3.8 (the Gaussian kernel on the sphere as a function of the inner product).
    """
    n = check_int(n, "n")
    m = check_int(m, "m")
    k = check_int(k, "k")
    s_max = check_int(s_max, "s_max")
    gen = check_rng(rng)
    X, Y = sample_sphere(n, m, rng=gen), sample_sphere(n, m, rng=gen)
    return X, Y, hadamard_power_sketches(X, Y, s_max, k, gen)
