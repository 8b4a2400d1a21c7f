"""Tests for lowrank_nb.papers.layer_compression against compress_layer + compression_losses."""

from __future__ import annotations

import numpy as np
import pytest

from lowrank_nb.papers.layer_compression import (
    COMPRESSION_LOSSES,
    COMPRESSION_METHODS,
    compression_loss_curves,
)
from lowrank_nb.papers.views import compress_layer, compression_losses, near_subspace_data


def _layer(seed: int) -> np.ndarray:
    g = np.random.default_rng(seed)
    U, _ = np.linalg.qr(g.standard_normal((12, 12)))
    V, _ = np.linalg.qr(g.standard_normal((18, 12)))
    return (U * np.arange(1, 13) ** -0.7) @ V.T


def test_curves_match_one_rank_at_a_time() -> None:
    W = _layer(1)
    X = near_subspace_data(80, 12, 3, 0.05, rng=2)
    ranks = [1, 2, 5, 9]
    curves = compression_loss_curves(W, X, ranks, rng=11)
    assert list(curves) == list(COMPRESSION_LOSSES)
    for i, r in enumerate(ranks):
        ref = {name: compression_losses(Y, W, X)
               for name, Y in compress_layer(W, X, r, rng=11).items()}
        assert set(ref) == set(COMPRESSION_METHODS)
        for loss in COMPRESSION_LOSSES:
            for method in COMPRESSION_METHODS:
                # 1e-10: the same estimators, the data-driven one and the losses computed for
                # all ranks at once (stacked products) instead of one call per rank
                assert curves[loss][method][i] == pytest.approx(ref[method][loss], abs=1e-10)


def test_subset_of_losses_and_cache_reuse() -> None:
    W = _layer(3)
    X1 = near_subspace_data(60, 12, 2, 0.1, rng=4)
    X2 = near_subspace_data(60, 12, 7, 0.1, rng=5)
    one = compression_loss_curves(W, X1, [1, 3], rng=7, losses=["function, data"])
    assert list(one) == ["function, data"]
    full = compression_loss_curves(W, X1, [1, 3], rng=7)
    for method in COMPRESSION_METHODS:
        np.testing.assert_allclose(one["function, data"][method],
                                   full["function, data"][method], atol=1e-14)
    other = compression_loss_curves(W, X2, [1, 3], rng=7)
    # the weight-only losses do not depend on the data; the data-driven ones do
    np.testing.assert_array_equal(other["weights (Frobenius)"]["spectral"],
                                  full["weights (Frobenius)"]["spectral"])
    assert not np.allclose(other["function, data"]["data-driven"],
                           full["function, data"]["data-driven"])
    other["function, data"]["spectral"][0] = -1.0  # results are fresh arrays, not cache views
    again = compression_loss_curves(W, X2, [1, 3], rng=7)
    assert again["function, data"]["spectral"][0] > 0


def test_bad_inputs() -> None:
    W = _layer(1)
    X = near_subspace_data(30, 12, 3, 0.05, rng=2)
    with pytest.raises(ValueError, match="ranks"):
        compression_loss_curves(W, X, [0, 2], rng=1)
    with pytest.raises(ValueError, match="ranks"):
        compression_loss_curves(W, X, [13], rng=1)
    with pytest.raises(ValueError, match="ranks"):
        compression_loss_curves(W, X, [], rng=1)
    with pytest.raises(ValueError, match="columns"):
        compression_loss_curves(W, X[:, :5], [1], rng=1)
    with pytest.raises(ValueError, match="losses"):
        compression_loss_curves(W, X, [1], rng=1, losses=["nope"])
    with pytest.raises(TypeError, match="rng"):
        compression_loss_curves(W, X, [1], rng=np.random.default_rng(1))
    with pytest.raises(ValueError, match="seed"):
        compression_loss_curves(W, X, [1], rng=-3)
