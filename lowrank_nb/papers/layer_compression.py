"""Part VI: one ReLU layer compressed by the four papers' methods, losses at every rank at once.

The Explore section of Part VI's chapter on compressing a ReLU layer draws, for each method, a
loss against the rank ``r``. Recomputing each compression at each rank (as
:func:`lowrank_nb.papers.views.compress_layer` does, one rank per call) is too slow for a
slider, so this module computes the weight-only compressions once per weight matrix (cached)
and the data-driven one from one pair of SVDs for all ranks.

References
----------
K. Vodrahalli et al. (2022), Problem 3.1 and Algorithm 3 (ReLU SVD); X. Zhang and R. Saab,
Theorem 3.1 (data-driven); S. Budzinskiy, Theorem 1.3 (random embedding).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from lowrank_nb.core.norms import max_norm
from lowrank_nb.core.validate import check_array, check_int, check_rng
from lowrank_nb.papers.budzinskiy.embeddings.jl import jl_sketch
from lowrank_nb.papers.vodrahalli.relu import nlra_objective, relu_svd
from lowrank_nb.papers.zhangsaab.compression import data_driven_lowrank_ranks

__all__ = ["COMPRESSION_LOSSES", "COMPRESSION_METHODS", "compression_loss_curves"]

COMPRESSION_METHODS = ("spectral", "ReLU SVD (rescaled top-r)", "ReLU SVD (greedy)",
                       "data-driven", "random embedding")
COMPRESSION_LOSSES = ("weights (Frobenius)", "function, Gaussian x", "function, data",
                      "pre-activations, max norm", "pre-activations on data (Frobenius)")
_WEIGHT_ONLY = ("spectral", "ReLU SVD (rescaled top-r)", "ReLU SVD (greedy)", "random embedding")
_W_STORE: dict[str, np.ndarray] = {}


def _w_losses(ys: Sequence[np.ndarray], W: np.ndarray) -> dict[str, np.ndarray]:
    """The two data-free losses (weights, Gaussian function) of each compression in ``ys``."""
    w_norm, r_zero = np.linalg.norm(W), nlra_objective(np.zeros_like(W), W)
    return {"weights (Frobenius)": np.array([np.linalg.norm(W - Y) / w_norm for Y in ys]),
            "function, Gaussian x": np.array([nlra_objective(Y, W) / r_zero for Y in ys])}


@lru_cache(maxsize=64)
def _weight_only(key: str, ranks: tuple[int, ...], seed: int) -> dict[str, tuple]:
    W = _W_STORE[key]
    U, s, Vt = np.linalg.svd(W, full_matrices=False)
    out: dict[str, list[np.ndarray]] = {name: [] for name in _WEIGHT_ONLY}
    for r in ranks:
        out["spectral"].append((U[:, :r] * s[:r]) @ Vt[:r])
        out["ReLU SVD (rescaled top-r)"].append(relu_svd(W, r, subspace="topr").Y)
        out["ReLU SVD (greedy)"].append(relu_svd(W, r, subspace="greedy").Y)
        R = jl_sketch(W.shape[0], r, np.random.default_rng(seed), "gaussian")
        out["random embedding"].append(R @ R.T @ W / r)
    res = {}
    for name, ys in out.items():
        stack = np.concatenate(ys, axis=1)  # (d, m * len(ranks)): one product with X per method
        stack.setflags(write=False)
        losses = _w_losses(ys, W)
        for v in losses.values():
            v.setflags(write=False)
        res[name] = (stack, losses)
    return res


def compression_loss_curves(W: np.ndarray, X: np.ndarray, ranks: Sequence[int], *,
                            rng: int, losses: Sequence[str] | None = None
                            ) -> dict[str, dict[str, np.ndarray]]:
    """Relative losses of the five rank-``r`` compressions of ``relu(x W)``, for every rank.

    The methods and losses are those of :func:`lowrank_nb.papers.views.compress_layer` and
    :func:`lowrank_nb.papers.views.compression_losses` (the same numbers, to rounding, as
    calling those two at each rank with the same seed): the truncated SVD, the ReLU SVD with
    the top-``r`` and the greedy subspace, the data-driven estimator of Zhang and Saab's
    Theorem 3.1 (regressor ``X``, ``rcond = 1e-10``) and the random embedding ``R R^T W / r``
    with ``R = jl_sketch(d, r, default_rng(rng), "gaussian")``. The four weight-only
    compressions are cached per ``(W, ranks, rng)``, so calls that change only ``X`` pay for
    the data-driven SVDs and the losses alone.

    Parameters
    ----------
    W : ndarray (d, m)
        The layer's weight (columns are neurons).
    X : ndarray (n, d)
        Data (rows are inputs).
    ranks : sequence of int in [1, min(d, m)]
    rng : int
        Seed of the random embedding's sketch, one fresh generator per rank (required; an int
        so that the weight-only part can be cached).
    losses : sequence of str, optional
        A subset of ``COMPRESSION_LOSSES`` (default: all five).

    Returns
    -------
    dict
        ``{loss: {method: ndarray (len(ranks),)}}``.

    References
    ----------
    Eckart--Young (weights); K. Vodrahalli et al. (2022), Problem 3.1 (the Gaussian function
    loss ``R(Y) / R(0)``) and Algorithm 3; X. Zhang and R. Saab, Theorem 3.1; S. Budzinskiy,
    Theorem 1.3 (the max-norm error of the random embedding).
    """
    Wa = check_array(W, "W", ndim=2)
    Xa = check_array(X, "X", ndim=2)
    if Xa.shape[1] != Wa.shape[0]:
        raise ValueError(f"X must have {Wa.shape[0]} columns (the rows of W), got {Xa.shape[1]}")
    rs = tuple(check_int(r, "ranks", maximum=min(Wa.shape)) for r in np.ravel(ranks))
    if np.ndim(ranks) != 1 or not rs:
        raise ValueError("ranks must be a non-empty 1-d sequence of ints")
    if not isinstance(rng, (int, np.integer)) or isinstance(rng, bool):
        raise TypeError(f"rng must be an int seed, got {type(rng).__name__}")
    seed = int(rng)
    check_rng(seed)  # a negative seed raises
    names = COMPRESSION_LOSSES if losses is None else tuple(losses)
    bad = [name for name in names if name not in COMPRESSION_LOSSES]
    if bad or not names:
        raise ValueError(f"losses must be a non-empty subset of {COMPRESSION_LOSSES}, got {bad}")
    Wc = np.ascontiguousarray(Wa, dtype=float)
    key = hashlib.sha1(Wc.tobytes() + str(Wc.shape).encode()).hexdigest()
    if key not in _W_STORE:
        if len(_W_STORE) >= 64:  # bounded: the cache below holds at most 64 entries too
            _W_STORE.clear()
            _weight_only.cache_clear()
        _W_STORE[key] = Wc.copy()
    parts = dict(_weight_only(key, rs, seed))
    # data-driven at every rank from one SVD of X and one of U^T X W
    dd = [A @ B for A, B in data_driven_lowrank_ranks(Xa, Wc, rs, rcond=1e-10)]
    XW = Xa @ Wc
    parts["data-driven"] = (np.concatenate(dd, axis=1), _w_losses(dd, Wc))
    n, m = XW.shape
    relu_xw = np.maximum(XW, 0.0)
    relu_norm, xw_norm, xw_max = np.linalg.norm(relu_xw), np.linalg.norm(XW), max_norm(XW)
    out: dict[str, dict[str, np.ndarray]] = {name: {} for name in names}
    done: list[tuple[np.ndarray, dict[str, np.ndarray]]] = []
    for method in COMPRESSION_METHODS:
        stack, free = parts[method]
        same = next((vals for prev, vals in done if np.array_equal(prev, stack)), None)
        if same is not None:  # e.g. greedy ReLU SVD picking the top-r subspace at every rank
            for name in names:
                out[name][method] = same[name].copy()
            continue
        XY = (Xa @ stack).reshape(n, len(rs), m) if any(k not in free for k in names) else None
        for name in names:
            if name in free:
                v = np.array(free[name])
            elif name == "function, data":
                err = np.maximum(XY, 0.0)
                err -= relu_xw[:, None, :]
                err *= err
                v = np.sqrt(err.sum(axis=(0, 2))) / relu_norm
            else:
                diff = XY - XW[:, None, :]
                if name == "pre-activations, max norm":
                    v = np.abs(diff).max(axis=(0, 2)) / xw_max
                else:
                    diff *= diff
                    v = np.sqrt(diff.sum(axis=(0, 2))) / xw_norm
            out[name][method] = v
        done.append((stack, {name: out[name][method] for name in names}))
    return out
