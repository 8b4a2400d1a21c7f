"""Function-generated matrices and tensors, ``F(i, j) = f(x_i, y_j)``.

Squared distances are computed from the differences ``x - y`` directly. The Gram identity
``|x|^2 + |y|^2 - 2 x.y`` cancels catastrophically near zero distance: with symmetric sampling
it perturbs ``exp(-sqrt(d))`` on the diagonal by about 2e-8, larger than the errors the book
certifies at high rank.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lowrank_nb.core.kernels import (
    _check_points,
    _check_weight,
    sqdist,
)
from lowrank_nb.core.validate import check_array, check_int

__all__ = [
    "f1_matrix",
    "f2_matrix",
    "f3_tensor",
    "h_f1",
    "h_f2",
    "inner_product_matrix",
    "multilinear_tensor",
    "sqdist",
    "sqdist_matrix",
]


def _apply(h: Callable[[np.ndarray], np.ndarray], arg: np.ndarray, name: str) -> np.ndarray:
    if not callable(h):
        raise TypeError(f"{name} must be callable, got {type(h).__name__}")
    with np.errstate(all="ignore"):
        F = np.asarray(h(arg), dtype=np.float64)
    if F.shape != arg.shape:
        raise ValueError(f"{name} must act entrywise: got shape {F.shape} for input {arg.shape}")
    if not np.all(np.isfinite(F)):
        raise ValueError(f"{name} produced NaN or inf on its arguments (range "
                         f"[{arg.min():.3g}, {arg.max():.3g}]); check its domain")
    return F


def inner_product_matrix(
    h: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    W: np.ndarray | None = None,
) -> np.ndarray:
    """Return ``F(i, j) = h(x_i^T W y_j)`` (``W = I`` when omitted).

    Parameters
    ----------
    h : callable
        Vectorised scalar function.
    X : ndarray (n1, m)
    Y : ndarray (n2, m)
    W : ndarray (m, m), optional

    Returns
    -------
    ndarray (n1, n2)

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §3 (functions of the inner
    product), Theorem 3.8.
    """
    Xa, Ya = _check_points(X, Y)
    Wa = _check_weight(W, Xa.shape[1], spd=False)
    G = Xa @ Ya.T if Wa is None else Xa @ Wa @ Ya.T
    return _apply(h, G, "h")


def sqdist_matrix(
    h: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    W: np.ndarray | None = None,
) -> np.ndarray:
    """Return ``F(i, j) = h(|x_i - y_j|_W^2)``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §4, Theorem 4.5.
    """
    return _apply(h, sqdist(X, Y, W), "h")


def h_f1(D: np.ndarray) -> np.ndarray:
    """``h(u) = exp(-sqrt(u))``, so that ``h(|x - y|^2) = f1(x, y) = exp(-|x - y|)``."""
    return np.exp(-np.sqrt(np.maximum(D, 0.0)))


def h_f2(D: np.ndarray) -> np.ndarray:
    """``h(u) = exp(-u^2)``, so that ``h(|x - y|^2) = f2(x, y) = exp(-|x - y|^4)``."""
    return np.exp(-np.square(D))


def f1_matrix(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """The test function ``f1(x, y) = exp(-|x - y|_2)`` of §7 (exponential kernel).

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7, Figures 1-3.
    """
    return sqdist_matrix(h_f1, X, Y)


def f2_matrix(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """The test function ``f2(x, y) = exp(-|x - y|_2^4)`` of §7.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7, Figures 1-3.
    """
    return sqdist_matrix(h_f2, X, Y)


def multilinear_tensor(
    h: Callable[[np.ndarray], np.ndarray], *Xs: np.ndarray, max_entries: int = 2**26
) -> np.ndarray:
    """Return ``F(i_1, ..., i_d) = h(<x^(1)_{i_1}, ..., x^(d)_{i_d}>)`` as a dense tensor.

    ``<x^(1), ..., x^(d)> = sum_a prod_j x^(j)_a`` is the multilinear product of Eq. (4), i.e.
    the CP tensor ``[[X_1, ..., X_d]]``.

    Parameters
    ----------
    h : callable
    *Xs : ndarrays (n_j, m), at least two, with a common m
    max_entries : int, default 2**26
        Memory guard: refuse tensors with more entries (2**26 doubles = 512 MB).

    Returns
    -------
    ndarray of shape (n_1, ..., n_d)

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §6, Eq. (4) and Theorem 6.5.
    """
    if len(Xs) < 2:
        raise ValueError(f"multilinear_tensor needs at least 2 factor matrices, got {len(Xs)}")
    if len(Xs) > 20:
        raise ValueError(f"at most 20 factor matrices are supported, got {len(Xs)}")
    max_entries = check_int(max_entries, "max_entries")
    arrays = [check_array(X, f"Xs[{j}]") for j, X in enumerate(Xs)]
    m = arrays[0].shape[1]
    for j, X in enumerate(arrays):
        if X.shape[1] != m:
            raise ValueError(f"Xs[{j}] has {X.shape[1]} columns; all factors need m = {m}")
    size = int(np.prod([X.shape[0] for X in arrays], dtype=object))
    if size > max_entries:
        raise ValueError(f"the tensor would have {size} entries > max_entries = {max_entries}")
    letters = "abcdefghijklmnopqrst"
    spec = ",".join(f"{letters[j]}z" for j in range(len(arrays)))
    P = np.einsum(f"{spec}->{letters[: len(arrays)]}", *arrays)
    return _apply(h, P, "h")


def f3_tensor(X: np.ndarray, Y: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """The test tensor ``f3(x, y, z) = sinh(<x, y, z>)`` of §7.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7, Figures 1-3.
    """
    return multilinear_tensor(np.sinh, X, Y, Z)
