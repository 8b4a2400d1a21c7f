import numpy as np
import pytest

from lowrank_nb import generated as g
from lowrank_nb.sampling import sample_ball


def test_sqdist_matches_direct_and_has_zero_diagonal() -> None:
    rng = np.random.default_rng(0)
    X = sample_ball(40, 6, rng=rng)
    Y = sample_ball(30, 6, rng=rng)
    direct = ((X[:, None, :] - Y[None, :, :]) ** 2).sum(-1)
    np.testing.assert_allclose(g.sqdist(X, Y), direct, rtol=1e-14, atol=0)
    D = g.sqdist(X, X)
    assert np.all(np.diag(D) == 0.0)
    np.testing.assert_array_equal(D, D.T)


def test_sqdist_weighted() -> None:
    rng = np.random.default_rng(1)
    X, Y = rng.standard_normal((5, 3)), rng.standard_normal((4, 3))
    L = rng.standard_normal((3, 3))
    Wm = L @ L.T + np.eye(3)
    diff = X[:, None, :] - Y[None, :, :]
    expected = np.einsum("ija,ab,ijb->ij", diff, Wm, diff)
    np.testing.assert_allclose(g.sqdist(X, Y, Wm), expected, rtol=1e-12)


def test_sphere_identity_gaussian_is_inner_product_function() -> None:
    # On the unit sphere exp(-|x-y|^2) = exp(-2 + 2 x.y) (Budzinskiy §3).
    rng = np.random.default_rng(2)
    X = rng.standard_normal((50, 20))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    a = g.sqdist_matrix(lambda d: np.exp(-d), X, X)
    b = g.inner_product_matrix(lambda u: np.exp(2 * u - 2), X, X)
    np.testing.assert_allclose(a, b, atol=1e-13)


def test_multilinear_tensor_matches_loop() -> None:
    rng = np.random.default_rng(3)
    Xs = [rng.standard_normal((4, 3)) for _ in range(3)]
    T = g.multilinear_tensor(lambda p: p, *Xs)
    i, j, k = 1, 2, 3
    assert T[i, j, k] == pytest.approx(np.sum(Xs[0][i] * Xs[1][j] * Xs[2][k]))
    np.testing.assert_allclose(g.f3_tensor(*Xs), np.sinh(T))


def test_generated_bad_input() -> None:
    X = np.ones((3, 2))
    with pytest.raises(ValueError, match="same dimension m"):
        g.sqdist(X, np.ones((3, 4)))
    with pytest.raises(ValueError, match="W must have shape"):
        g.sqdist(X, X, np.eye(3))
    with pytest.raises(ValueError, match="positive-definite"):
        g.sqdist(X, X, -np.eye(2))
    with pytest.raises(ValueError, match="h produced NaN"):
        g.inner_product_matrix(np.log, -X, X)
    with pytest.raises(TypeError, match="h must be callable"):
        g.inner_product_matrix(3.0, X, X)
    with pytest.raises(ValueError, match="max_entries"):
        g.multilinear_tensor(np.sin, np.ones((100, 2)), np.ones((100, 2)), max_entries=100)
    with pytest.raises(ValueError, match="at least 2"):
        g.multilinear_tensor(np.sin, X)
