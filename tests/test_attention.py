"""Tests for the Performer additions to lowrank_nb.attention."""

import numpy as np
import pytest

from lowrank_nb.attention import gaussian_features, performer_attention, softmax_rows


def test_gaussian_features_shapes_and_orthogonality():
    rng = np.random.default_rng(0)
    assert gaussian_features(4, 10, rng).shape == (4, 10)
    Om = gaussian_features(4, 8, rng, orthogonal=True)
    B = Om[:, :4]
    G = B.T @ B
    assert np.allclose(G - np.diag(np.diag(G)), 0, atol=1e-10)  # orthogonal within a block
    with pytest.raises(ValueError, match="num_features"):
        gaussian_features(4, 0, rng)


def test_performer_converges_to_softmax():
    rng = np.random.default_rng(1)
    Q, K = 0.3 * rng.standard_normal((20, 4)), 0.3 * rng.standard_normal((30, 4))
    V = rng.standard_normal((30, 2))
    exact = softmax_rows(Q @ K.T)
    errs = []
    for R in (16, 4096):
        _, P = performer_attention(Q, K, V, R, np.random.default_rng(2), return_matrix=True)
        errs.append(np.abs(P - exact).max() / exact.max())
    assert errs[1] < 0.1 and errs[1] < errs[0]  # Monte-Carlo error ~ 1/sqrt(R)


def test_performer_never_overflows():
    rng = np.random.default_rng(3)
    Q = 30.0 * rng.standard_normal((5, 3))  # logits |q.k| up to ~ 3000 >> 709
    K = 30.0 * rng.standard_normal((6, 3))
    assert np.abs(Q @ K.T).max() > 700
    out = performer_attention(Q, K, np.eye(6), 64, rng)
    assert np.all(np.isfinite(out))
    assert np.allclose(out.sum(axis=1), 1.0)


def test_performer_bad_input():
    rng = np.random.default_rng(4)
    with pytest.raises(ValueError, match="same width"):
        performer_attention(np.ones((2, 3)), np.ones((2, 4)), np.ones((2, 1)), 8, rng)
    with pytest.raises(ValueError, match="scale"):
        performer_attention(np.ones((2, 3)), np.ones((2, 3)), np.ones((2, 1)), 8, rng, scale=0)


def test_orthogonal_features_are_haar_directions():
    # the first column of QR(G) without sign fixing has a biased first coordinate
    rng = np.random.default_rng(5)
    first = np.array([gaussian_features(3, 3, rng, orthogonal=True)[0, 0] for _ in range(4000)])
    assert abs(first.mean()) < 4 * first.std() / np.sqrt(len(first))  # symmetric, 4 SE
