"""Tests for lowrank_nb.features (random Fourier features, Section 5)."""

from __future__ import annotations

import numpy as np
import pytest

from lowrank_nb.features import (
    hoeffding_rff_bound,
    kernel_matrix,
    kernel_profile,
    rff_factors,
    spectral_sample,
)


@pytest.mark.parametrize("kernel", ["gaussian", "exponential", "cauchy"])
@pytest.mark.parametrize("m", [1, 3, 20])
def test_spectral_law_is_unbiased(kernel: str, m: int) -> None:
    rng = np.random.default_rng(10 + m)
    Omega = spectral_sample(kernel, m, 200_000, rng)
    v = rng.standard_normal(m)
    v *= 0.8 / np.linalg.norm(v)
    est = np.mean(np.cos(v @ Omega))
    exact = kernel_profile(kernel, np.array(v @ v))
    # 5 standard errors of a mean of 2e5 terms bounded by 1.
    assert abs(est - exact) < 5 / np.sqrt(200_000)


def test_kernel_matrix_oracle() -> None:
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((5, 4)), rng.standard_normal((3, 4))
    D = ((X[:, None, :] - Y[None]) ** 2).sum(-1)
    assert np.allclose(kernel_matrix(X, Y, "gaussian"), np.exp(-D))
    assert np.allclose(kernel_matrix(X, Y, "exponential"), np.exp(-np.sqrt(D)))
    assert np.allclose(kernel_matrix(X, Y, "cauchy"), 1 / (1 + D))


def test_rff_rows_have_unit_norm_and_converge() -> None:
    rng = np.random.default_rng(1)
    X, Y = rng.standard_normal((30, 6)) * 0.3, rng.standard_normal((20, 6)) * 0.3
    A, B = rff_factors(X, Y, 4000, "exponential", rng)
    assert A.shape == (30, 8000) and B.shape == (20, 8000)
    assert np.allclose(np.linalg.norm(A, axis=1), 1, atol=1e-12)
    assert np.allclose(np.linalg.norm(B, axis=1), 1, atol=1e-12)
    err = np.max(np.abs(A @ B.T - kernel_matrix(X, Y, "exponential")))
    assert err <= hoeffding_rff_bound(30, 20, 4000, 1e-3)


def test_hoeffding_formula() -> None:
    assert hoeffding_rff_bound(10, 10, 50, 0.5) == pytest.approx(np.sqrt(2 * np.log(400) / 50))


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="kernel"):
        spectral_sample("laplace", 2, 3, 0)
    with pytest.raises(ValueError, match="rho"):
        spectral_sample("gaussian", 2, 0, 0)
    with pytest.raises(TypeError, match="m must be an integer"):
        spectral_sample("gaussian", 2.5, 3, 0)
    with pytest.raises(ValueError, match="X and Y"):
        rff_factors(np.ones((2, 3)), np.ones((2, 4)), 3, "gaussian", 0)
    with pytest.raises(ValueError, match="delta"):
        hoeffding_rff_bound(3, 3, 3, 1.5)
    with pytest.raises(ValueError, match="D must contain only finite"):
        kernel_profile("gaussian", np.array([np.nan]))


def test_kernel_matrix_fast_path_matches_exact() -> None:
    from lowrank_nb.generated import sqdist

    rng = np.random.default_rng(5)
    X, Y = rng.standard_normal((20, 100)) / 10, rng.standard_normal((15, 100)) / 10
    assert np.allclose(kernel_matrix(X, Y, "exponential"), np.exp(-np.sqrt(sqdist(X, Y))),
                       atol=1e-12)
    K = kernel_matrix(X, X, "exponential")
    assert np.all(np.diag(K) == 1.0)
