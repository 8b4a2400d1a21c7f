"""core.linalg: one orthonormalisation and one truncated SVD for the whole package."""

from __future__ import annotations

import numpy as np
import pytest

from lowrank_nb.core.linalg import orthonormal_basis, truncated_svd


def test_orthonormal_basis_spans_the_columns() -> None:
    Z = np.random.default_rng(0).standard_normal((30, 4))
    Q = orthonormal_basis(Z)
    assert Q.shape == (30, 4)
    np.testing.assert_allclose(Q.T @ Q, np.eye(4), atol=1e-13)  # QR is backward stable
    # Z lies in range(Q): projecting onto it changes nothing (up to rounding)
    np.testing.assert_allclose(Q @ (Q.T @ Z), Z, atol=1e-12)


def test_orthonormal_basis_rejects_nan() -> None:
    with pytest.raises(ValueError, match="Z"):
        orthonormal_basis(np.array([[1.0, np.nan], [0.0, 1.0]]))


def test_truncated_svd_drops_the_small_singular_values() -> None:
    rng = np.random.default_rng(1)
    X = rng.standard_normal((20, 3)) @ rng.standard_normal((3, 10))  # rank 3
    U, s, Vt = truncated_svd(X, 1e-10)
    assert s.size == 3
    np.testing.assert_allclose(U @ np.diag(s) @ Vt, X, atol=1e-12)
    np.testing.assert_allclose(s, np.linalg.svd(X, compute_uv=False)[:3], rtol=1e-12)


def test_truncated_svd_bad_input() -> None:
    with pytest.raises(ValueError, match="zero matrix"):
        truncated_svd(np.zeros((3, 2)), 0.0)
    with pytest.raises(ValueError, match="rcond"):
        truncated_svd(np.eye(2), -1.0)
