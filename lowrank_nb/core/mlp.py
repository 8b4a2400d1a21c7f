"""A tiny NumPy multilayer perceptron (no biases) with dense or factored layers.

A layer is either a dense weight ``W`` of shape ``(d_in, d_out)`` or a pair ``(A, B)`` standing
for ``W = A @ B`` (a rank-``r`` factorisation with ``A`` of shape ``(d_in, r)`` and ``B`` of
shape ``(r, d_out)``). Rows of ``X`` are samples, so a layer maps ``H -> H @ W``. ReLU sits
between layers and the last layer is linear. The loss is the mean squared error
``mean((f(X) - Y)**2)`` over all entries.

This is the network used by the data-driven compression chapters (Part IV) and shared with
other parts of the book; it is deliberately small and dependency free.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from lowrank_nb.core.validate import check_array, check_int, check_positive, check_rng

__all__ = [
    "Layer",
    "forward",
    "init_dense",
    "layer_matrix",
    "loss_and_grads",
    "predict",
    "train_adam",
]

Layer = np.ndarray | tuple[np.ndarray, np.ndarray]


def init_dense(sizes: Sequence[int], rng: np.random.Generator | int | None) -> list[np.ndarray]:
    """He-initialised dense weights for a bias-free MLP.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths ``[d_0, d_1, ..., d_L]`` (at least two entries, each >= 1).
    rng : numpy.random.Generator or int
        Source of randomness.

    Returns
    -------
    list of ndarray
        ``L`` weights, the ``l``-th of shape ``(d_{l-1}, d_l)`` with iid
        ``N(0, 2 / d_{l-1})`` entries (He scaling, which keeps ReLU activations of order one).

    References
    ----------
    Used in X. Zhang and R. Saab, "Theoretical guarantees for low-rank compression of deep
    neural networks", Section 2 (the L-layer network being compressed).
    """
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError(f"sizes must be a sequence of integers, got {type(sizes).__name__}")
    if len(sizes) < 2:
        raise ValueError(f"sizes must have at least 2 entries, got {len(sizes)}")
    dims = [check_int(s, f"sizes[{i}]") for i, s in enumerate(sizes)]
    rng = check_rng(rng)
    return [
        rng.standard_normal((d_in, d_out)) * np.sqrt(2.0 / d_in)
        for d_in, d_out in pairwise(dims)
    ]


def _check_layers(layers: Any) -> list[Layer]:
    """Validate a list of layers and that consecutive shapes chain."""
    if isinstance(layers, np.ndarray) or not isinstance(layers, (list, tuple)):
        raise TypeError(f"layers must be a list of arrays or (A, B) tuples, got {type(layers)}")
    if len(layers) == 0:
        raise ValueError("layers must contain at least 1 layer, got 0")
    out: list[Layer] = []
    prev = None
    for i, layer in enumerate(layers):
        if isinstance(layer, tuple):
            if len(layer) != 2:
                raise ValueError(f"layers[{i}] as a tuple must be (A, B), got length {len(layer)}")
            A = check_array(layer[0], f"layers[{i}][0]")
            B = check_array(layer[1], f"layers[{i}][1]")
            if A.shape[1] != B.shape[0]:
                raise ValueError(
                    f"layers[{i}]: A columns ({A.shape[1]}) must equal B rows ({B.shape[0]})"
                )
            d_in, d_out = A.shape[0], B.shape[1]
            out.append((A, B))
        else:
            W = check_array(layer, f"layers[{i}]")
            d_in, d_out = W.shape
            out.append(W)
        if prev is not None and d_in != prev:
            raise ValueError(
                f"layers[{i}] has input width {d_in} but the previous output is {prev}"
            )
        prev = d_out
    return out


def layer_matrix(layer: Layer) -> np.ndarray:
    """Return the dense weight of a layer (``A @ B`` for a factored one).

    Parameters
    ----------
    layer : ndarray or tuple of ndarray
        Dense ``W`` or factors ``(A, B)``.

    Returns
    -------
    ndarray
        The ``(d_in, d_out)`` weight.
    """
    checked = _check_layers([layer])[0]
    if isinstance(checked, tuple):
        return checked[0] @ checked[1]
    return checked


def _apply(layer: Layer, H: np.ndarray) -> np.ndarray:
    # Multiplying H by A first keeps the cost at n r (d_in + d_out) for a factored layer.
    if isinstance(layer, tuple):
        return (H @ layer[0]) @ layer[1]
    return H @ layer


def _forward_unchecked(layers: list[Layer], X: np.ndarray) -> tuple[list, list]:
    acts = [X]
    pre = []
    H = X
    for i, layer in enumerate(layers):
        Z = _apply(layer, H)
        pre.append(Z)
        H = np.maximum(Z, 0.0) if i < len(layers) - 1 else Z
        acts.append(H)
    return acts, pre


def _check_X(layers: list[Layer], X: Any) -> np.ndarray:
    X = check_array(X, "X")
    first = layers[0]
    d_in = first[0].shape[0] if isinstance(first, tuple) else first.shape[0]
    if X.shape[1] != d_in:
        raise ValueError(f"X must have {d_in} columns (the first layer's input), got {X.shape[1]}")
    return X


def forward(layers: Sequence[Layer], X: np.ndarray) -> list[np.ndarray]:
    """Run the network and return every activation.

    Parameters
    ----------
    layers : list of ndarray or (A, B)
        Dense weights ``(d_in, d_out)`` or factor pairs with ``W = A @ B``.
    X : ndarray (n, d_0)
        Inputs, one sample per row.

    Returns
    -------
    list of ndarray
        ``[X, H_1, ..., H_{L-1}, output]`` where ``H_l = ReLU(H_{l-1} W_l)`` and the output is
        ``H_{L-1} W_L`` (no ReLU on the last layer).

    References
    ----------
    X. Zhang and R. Saab, "Theoretical guarantees for low-rank compression of deep neural
    networks", Section 2, eq. (1) (with the data stored row-wise).
    """
    checked = _check_layers(layers)
    X = _check_X(checked, X)
    return _forward_unchecked(checked, X)[0]


def predict(layers: Sequence[Layer], X: np.ndarray) -> np.ndarray:
    """Return the network output ``f(X)`` (the last entry of :func:`forward`)."""
    return forward(layers, X)[-1]


def _check_Y(X: np.ndarray, Y: Any, d_out: int) -> np.ndarray:
    Y = check_array(Y, "Y")
    if Y.shape != (X.shape[0], d_out):
        raise ValueError(f"Y must have shape {(X.shape[0], d_out)}, got {Y.shape}")
    return Y


def _out_width(layer: Layer) -> int:
    return layer[1].shape[1] if isinstance(layer, tuple) else layer.shape[1]


def _loss_grads_unchecked(layers: list[Layer], X: np.ndarray, Y: np.ndarray) -> tuple:
    acts, pre = _forward_unchecked(layers, X)
    R = acts[-1] - Y
    mse = float(np.mean(R * R))
    G = (2.0 / R.size) * R  # d mse / d output
    grads: list[Any] = [None] * len(layers)
    for i in range(len(layers) - 1, -1, -1):
        if i < len(layers) - 1:
            G = G * (pre[i] > 0)  # ReLU derivative (0 at the kink)
        H = acts[i]
        layer = layers[i]
        if isinstance(layer, tuple):
            A, B = layer
            HA = H @ A
            dB = HA.T @ G
            GBt = G @ B.T
            dA = H.T @ GBt
            grads[i] = (dA, dB)
            G = GBt @ A.T
        else:
            grads[i] = H.T @ G
            G = G @ layer.T
    return mse, grads


def loss_and_grads(
    layers: Sequence[Layer], X: np.ndarray, Y: np.ndarray
) -> tuple[float, list[Layer]]:
    """Mean squared error and its gradient with respect to every weight.

    Parameters
    ----------
    layers : list of ndarray or (A, B)
        The network (see :func:`forward`).
    X : ndarray (n, d_0)
        Inputs.
    Y : ndarray (n, d_L)
        Targets.

    Returns
    -------
    mse : float
        ``mean((f(X) - Y)**2)`` over all ``n * d_L`` entries.
    grads : list
        Structured like ``layers``: an array for a dense layer, ``(dA, dB)`` for a factored one.

    References
    ----------
    X. Zhang and R. Saab, "Theoretical guarantees for low-rank compression of deep neural
    networks", Section 2 (network model); backpropagation is standard.
    """
    checked = _check_layers(layers)
    X = _check_X(checked, X)
    Y = _check_Y(X, Y, _out_width(checked[-1]))
    return _loss_grads_unchecked(checked, X, Y)


def _flatten(layers: list[Layer]) -> list[np.ndarray]:
    flat: list[np.ndarray] = []
    for layer in layers:
        flat.extend(layer if isinstance(layer, tuple) else (layer,))
    return flat


def _unflatten(template: list[Layer], flat: list[np.ndarray]) -> list[Layer]:
    out: list[Layer] = []
    k = 0
    for layer in template:
        if isinstance(layer, tuple):
            out.append((flat[k], flat[k + 1]))
            k += 2
        else:
            out.append(flat[k])
            k += 1
    return out


def train_adam(
    layers: Sequence[Layer],
    X: np.ndarray,
    Y: np.ndarray,
    *,
    steps: int,
    lr: float,
    rng: np.random.Generator | int | None,
    batch_size: int | None = None,
    betas: tuple[float, float] = (0.9, 0.999),
) -> tuple[list[Layer], list[float]]:
    """Train the network on the mean squared error with Adam.

    Parameters
    ----------
    layers : list of ndarray or (A, B)
        Initial network; it is not modified (copies are trained).
    X : ndarray (n, d_0)
        Inputs.
    Y : ndarray (n, d_L)
        Targets.
    steps : int >= 1
        Number of Adam updates.
    lr : float > 0
        Step size.
    rng : numpy.random.Generator or int
        Draws the mini-batches (unused when ``batch_size`` is None).
    batch_size : int in [1, n] or None
        Mini-batch size; None uses the full batch.
    betas : (float, float) in [0, 1)
        Adam's moment decay rates.

    Returns
    -------
    layers : list
        The trained network, structured like the input.
    history : list of float
        The (mini-batch) loss before each update, ``steps`` values.

    References
    ----------
    D. P. Kingma and J. Ba, "Adam: a method for stochastic optimization" (2015). Used to
    produce the pretrained networks compressed in Zhang and Saab's setting (Section 2).
    """
    checked = _check_layers(layers)
    X = _check_X(checked, X)
    Y = _check_Y(X, Y, _out_width(checked[-1]))
    steps = check_int(steps, "steps")
    lr = check_positive(lr, "lr")
    rng = check_rng(rng)
    n = X.shape[0]
    if batch_size is not None:
        batch_size = check_int(batch_size, "batch_size", maximum=n)
    if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
        raise TypeError("betas must be a pair of floats in [0, 1)")
    b1, b2 = (float(b) for b in betas)
    if not (0.0 <= b1 < 1.0 and 0.0 <= b2 < 1.0):
        raise ValueError(f"betas must lie in [0, 1), got {betas}")
    params = [p.copy() for p in _flatten(checked)]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    history: list[float] = []
    eps = 1e-8  # Adam's usual denominator guard
    for t in range(1, steps + 1):
        if batch_size is None:
            Xb, Yb = X, Y
        else:
            idx = rng.choice(n, size=batch_size, replace=False)
            Xb, Yb = X[idx], Y[idx]
        loss, grads = _loss_grads_unchecked(_unflatten(checked, params), Xb, Yb)
        if not np.isfinite(loss):
            raise ValueError(f"training diverged at step {t} (loss {loss}); lower lr={lr}")
        history.append(loss)
        for j, g in enumerate(_flatten(grads)):
            m[j] = b1 * m[j] + (1 - b1) * g
            v[j] = b2 * v[j] + (1 - b2) * g * g
            mhat = m[j] / (1 - b1**t)
            vhat = v[j] / (1 - b2**t)
            params[j] -= lr * mhat / (np.sqrt(vhat) + eps)
    return _unflatten(checked, params), history
