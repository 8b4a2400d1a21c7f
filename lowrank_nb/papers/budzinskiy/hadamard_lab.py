"""Repeated embeddings of Hadamard powers (Lemma 3.1) and the data of the Taylor/JL lab.

:func:`hadamard_power_errors` repeats one embedding of ``(X Y^T)^{*s}`` and returns the
max-norm error of every trial, so that a chapter can take medians; :func:`sphere_sketch_lab`
draws the sphere points and the Hadamard-power sketches that the Explore lab of the
inner-product chapter reuses for every Taylor degree.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np

from lowrank_nb.core.sampling import sample_sphere
from lowrank_nb.core.validate import check_array, check_int, check_rng, check_same_width
from lowrank_nb.papers.budzinskiy.embeddings.hadamard import (
    hadamard_power_factors,
    hadamard_power_sketches,
    lemma33_rhs,
)

__all__ = ["hadamard_power_errors", "lemma33_profile", "sphere_sketch_lab"]



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


def lemma33_profile(F: np.ndarray, derivs0: Sequence[float], X: np.ndarray, Y: np.ndarray,
                    sketches: list[tuple[np.ndarray, np.ndarray]], ts: Sequence[int],
                    sup_ht: Sequence[float], k: int) -> dict[str, np.ndarray]:
    """Lemma 3.3 along the Taylor degree: realised error and both terms of the bound.

    For each ``t`` in ``ts`` the construction of Lemma 3.3,
    ``G_t = h(0) 1 1^T + sum_{s<t} h^(s)(0)/s! U_s V_s^T``, is formed from the first ``k``
    columns of each sketch (rescaled by ``sqrt(K / k)`` for sketches of width ``K``: for the
    Gram sketches of :func:`sphere_sketch_lab` this is exactly a width-``k`` sketch), and
    compared with ``F``; the partial sums are updated from one degree to the next.

    Parameters
    ----------
    F : ndarray (n1, n2)
        The matrix ``h(X Y^T)``.
    derivs0 : sequence of float
        ``h(0), h'(0), ...``, at least ``max(ts)`` entries.
    X : ndarray (n1, m)
    Y : ndarray (n2, m)
    sketches : list of (U_s, V_s)
        Sketches of ``(X Y^T)^{*s}``, ``s = 1..`` at least ``max(ts) - 1``, all of one width.
    ts : sequence of int
        Taylor degrees, strictly increasing, each ``>= 1``.
    sup_ht : sequence of float
        ``||h^(t)||_{L_inf(Omega)}`` for each ``t`` in ``ts``, each ``>= 0``.
    k : int
        Sketch width used, ``1 <= k <= K``.

    Returns
    -------
    dict
        ``"error"``: ``||F - G_t||_max``; ``"analytic"`` and ``"algebraic"``: the two terms of
        Lemma 3.3 (:func:`~lowrank_nb.papers.budzinskiy.embeddings.hadamard.lemma33_rhs`) with
        ``eps`` the largest realised relative error ``eps_hat_s``, ``s < t``; ``"eps"``: that
        ``eps`` (0 for ``t = 1``). One value per ``t``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank, or entrywise approximation of certain
    function-generated matrices", Lemma 3.1 and Lemma 3.3.
    """
    Xa, Ya = check_array(X, "X"), check_array(Y, "Y")
    check_same_width(Xa, Ya, "X", "Y")
    Fa = check_array(F, "F")
    n1, n2 = Xa.shape[0], Ya.shape[0]
    if Fa.shape != (n1, n2):
        raise ValueError(f"F must have shape {(n1, n2)}, got {Fa.shape}")
    t_arr = [check_int(t, "ts") for t in ts]
    if not t_arr or any(b <= a for a, b in itertools.pairwise(t_arr)):
        raise ValueError("ts must be a non-empty, strictly increasing sequence of degrees >= 1")
    c = check_array(np.asarray(derivs0, dtype=float), "derivs0", ndim=1)
    if c.size < t_arr[-1]:
        raise ValueError(f"derivs0 must have at least max(ts)={t_arr[-1]} entries, got {c.size}")
    sup = check_array(np.asarray(sup_ht, dtype=float), "sup_ht", ndim=1)
    if sup.size != len(t_arr) or np.any(sup < 0):
        raise ValueError("sup_ht must hold one value >= 0 per degree in ts")
    if len(sketches) < t_arr[-1] - 1:
        raise ValueError(f"sketches must hold at least max(ts)-1={t_arr[-1] - 1} powers, "
                         f"got {len(sketches)}")
    width = sketches[0][0].shape[1] if sketches else 1
    k = check_int(k, "k", maximum=width)
    P = Xa @ Ya.T
    na = float(np.max(np.linalg.norm(Xa, axis=1)))
    nb = float(np.max(np.linalg.norm(Ya, axis=1)))
    top = float(np.max(np.abs(P)))
    G = np.full((n1, n2), c[0])
    fac, eps_hat, done = math.sqrt(width / k), 0.0, 0
    out = {key: np.empty(len(t_arr)) for key in ("error", "analytic", "algebraic", "eps")}
    for i, t in enumerate(t_arr):
        while done < t - 1:
            s = done + 1
            U, V = sketches[s - 1]
            if U.shape != (n1, width) or V.shape != (n2, width):
                raise ValueError(f"sketch {s} has shapes {U.shape}, {V.shape}; expected "
                                 f"({n1}, {width}) and ({n2}, {width})")
            UV = (U[:, :k] @ V[:, :k].T) * fac**2
            eps_hat = max(eps_hat, float(np.max(np.abs(P**s - UV))) / (na * nb) ** s)
            G += c[s] / math.factorial(s) * UV
            done = s
        out["error"][i] = float(np.max(np.abs(Fa - G)))
        out["eps"][i] = eps_hat
        out["analytic"][i], out["algebraic"][i] = lemma33_rhs(c, top, na, nb, t, sup[i], eps_hat)
    return out
