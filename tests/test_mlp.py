"""Tests for lowrank_nb.mlp: gradients against finite differences, training, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from lowrank_nb.mlp import forward, init_dense, layer_matrix, loss_and_grads, predict, train_adam


def _net(rng, factored: bool):
    W = init_dense([4, 6, 5, 3], rng)
    if factored:
        A = rng.standard_normal((6, 2))
        B = rng.standard_normal((2, 5))
        W[1] = (A, B)
    return W


def test_init_dense_shapes_and_scale():
    rng = np.random.default_rng(0)
    W = init_dense([200, 300, 10], rng)
    assert [w.shape for w in W] == [(200, 300), (300, 10)]
    # He scaling: variance 2/d_in; 60000 samples give ~1% relative error, 5% band.
    assert abs(W[0].var() * 200 / 2 - 1) < 0.05


def test_forward_matches_manual():
    rng = np.random.default_rng(1)
    layers = _net(rng, True)
    X = rng.standard_normal((7, 4))
    acts = forward(layers, X)
    H1 = np.maximum(X @ layers[0], 0)
    H2 = np.maximum(H1 @ layers[1][0] @ layers[1][1], 0)
    out = H2 @ layers[2]
    assert len(acts) == 4
    np.testing.assert_allclose(acts[1], H1, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(acts[2], H2, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(acts[3], out, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(predict(layers, X), out, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer_matrix(layers[1]), layers[1][0] @ layers[1][1])


@pytest.mark.parametrize("factored", [False, True])
def test_gradients_match_finite_differences(factored):
    rng = np.random.default_rng(2)
    layers = _net(rng, factored)
    X = rng.standard_normal((9, 4))
    Y = rng.standard_normal((9, 3))
    _, grads = loss_and_grads(layers, X, Y)
    h = 1e-6
    for i, layer in enumerate(layers):
        parts = layer if isinstance(layer, tuple) else (layer,)
        gparts = grads[i] if isinstance(grads[i], tuple) else (grads[i],)
        for P, G in zip(parts, gparts):
            assert G.shape == P.shape
            for idx in [(0, 0), (P.shape[0] - 1, P.shape[1] - 1), (1, 0)]:
                old = P[idx]
                P[idx] = old + h
                fp = loss_and_grads(layers, X, Y)[0]
                P[idx] = old - h
                fm = loss_and_grads(layers, X, Y)[0]
                P[idx] = old
                fd = (fp - fm) / (2 * h)
                # central differences: O(h^2) truncation + O(eps/h) round-off ~ 1e-9
                assert abs(fd - G[idx]) < 1e-6 * max(1.0, abs(fd))


@pytest.mark.parametrize("batch", [None, 16])
def test_training_decreases_loss(batch):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((64, 5))
    Y = np.sin(X[:, :2])
    layers = init_dense([5, 16, 2], rng)
    loss0 = loss_and_grads(layers, X, Y)[0]
    trained, hist = train_adam(layers, X, Y, steps=300, lr=1e-2, rng=rng, batch_size=batch)
    loss1 = loss_and_grads(trained, X, Y)[0]
    assert len(hist) == 300
    # a 16-unit network fits sin on 64 points well; halving the loss is a loose bar
    assert loss1 < 0.5 * loss0
    # the input network is not modified
    assert loss_and_grads(layers, X, Y)[0] == loss0


def test_training_factored_layers():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((50, 4))
    Y = X @ rng.standard_normal((4, 3))
    layers = [(rng.standard_normal((4, 2)) * 0.5, rng.standard_normal((2, 3)) * 0.5)]
    trained, hist = train_adam(layers, X, Y, steps=200, lr=2e-2, rng=rng)
    assert isinstance(trained[0], tuple)
    assert hist[-1] < 0.5 * hist[0]  # loose bar: a linear rank-2 fit of a rank-3 target


def test_bad_input():
    rng = np.random.default_rng(5)
    layers = init_dense([3, 4, 2], rng)
    X = rng.standard_normal((5, 3))
    Y = rng.standard_normal((5, 2))
    with pytest.raises(ValueError, match="sizes"):
        init_dense([3], rng)
    with pytest.raises(ValueError, match=r"sizes\[1\]"):
        init_dense([3, 0], rng)
    with pytest.raises(TypeError, match="sizes"):
        init_dense("34", rng)
    with pytest.raises(ValueError, match="X must have 3 columns"):
        forward(layers, X[:, :2])
    with pytest.raises(ValueError, match="layers\\[1\\] has input width"):
        forward([layers[0], layers[0]], X)
    with pytest.raises(ValueError, match="Y must have shape"):
        loss_and_grads(layers, X, Y[:, :1])
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="X must contain only finite"):
        forward(layers, Xn)
    with pytest.raises(ValueError, match="A columns"):
        forward([(np.ones((3, 2)), np.ones((3, 2)))], X)
    with pytest.raises(ValueError, match="steps"):
        train_adam(layers, X, Y, steps=0, lr=0.1, rng=rng)
    with pytest.raises(ValueError, match="lr"):
        train_adam(layers, X, Y, steps=1, lr=-1.0, rng=rng)
    with pytest.raises(ValueError, match="batch_size"):
        train_adam(layers, X, Y, steps=1, lr=0.1, rng=rng, batch_size=6)
    with pytest.raises(ValueError, match="betas"):
        train_adam(layers, X, Y, steps=1, lr=0.1, rng=rng, betas=(1.0, 0.9))
    with pytest.raises(TypeError, match="layers"):
        forward(np.ones((3, 2)), X)
    with pytest.raises(ValueError, match="layers"):
        forward([], X)
