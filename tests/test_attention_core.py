import numpy as np
import pytest

from lowrank_nb import attention as att


def test_softmax_never_overflows() -> None:
    S = np.array([[800.0, 0.0, -800.0], [1e4, 1e4, 0.0]])
    P = att.softmax_rows(S)
    assert np.all(np.isfinite(P))
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    assert P[1, 0] == pytest.approx(0.5)


def test_attention_matches_definition() -> None:
    rng = np.random.default_rng(0)
    Q, K, V = rng.standard_normal((5, 4)), rng.standard_normal((6, 4)), rng.standard_normal((6, 3))
    A = np.exp(Q @ K.T / 2.0)
    expected = (A / A.sum(axis=1, keepdims=True)) @ V
    np.testing.assert_allclose(att.attention(Q, K, V), expected, rtol=1e-12)


def test_linear_attention_and_features() -> None:
    rng = np.random.default_rng(1)
    Q, K, V = rng.standard_normal((5, 4)), rng.standard_normal((6, 4)), rng.standard_normal((6, 3))
    pq, pk = att.elu_plus_one(Q), att.elu_plus_one(K)
    S = pq @ pk.T
    np.testing.assert_allclose(att.linear_attention(pq, pk, V),
                               (S / S.sum(1, keepdims=True)) @ V, rtol=1e-12)
    T = att.trig_random_features(Q, rng.standard_normal((4, 8)))
    np.testing.assert_allclose(np.linalg.norm(T, axis=1), 1.0)


def test_attention_bad_input() -> None:
    with pytest.raises(ValueError, match="positive row sums"):
        att.linear_attention(-np.ones((2, 2)), np.ones((3, 2)), np.ones((3, 1)))
    with pytest.raises(ValueError, match="Q and K must have the same width"):
        att.attention(np.ones((2, 3)), np.ones((2, 4)), np.ones((2, 1)))
    with pytest.raises(ValueError, match="S must contain only finite"):
        att.softmax_rows(np.array([[np.inf, 0.0]]))
