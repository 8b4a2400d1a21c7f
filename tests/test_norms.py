import numpy as np
import pytest

from lowrank_nb import norms
from lowrank_nb.generated import f1_matrix, f2_matrix, sqdist_matrix
from lowrank_nb.sampling import sample_ball, sample_sphere


def test_max_and_two_inf_norm() -> None:
    A = np.array([[3.0, -4.0], [1.0, 0.0]])
    assert norms.max_norm(A) == 4.0
    assert norms.two_inf_norm(A) == 5.0
    assert norms.factor_norm(A, np.eye(2)) == 5.0


@pytest.mark.parametrize("kernel", ["f1", "f2", "gaussian"])
@pytest.mark.parametrize("symmetric", [False, True])
def test_fused_residual_matches_numpy_and_dense(kernel: str, symmetric: bool) -> None:
    rng = np.random.default_rng(0)
    X = sample_ball(60, 5, rng=rng)
    Y = X if symmetric else sample_ball(50, 5, rng=rng)
    U = rng.standard_normal((60, 4)) * 0.3
    V = rng.standard_normal((Y.shape[0], 4)) * 0.3
    fused = norms.generated_residual_max(kernel, X, Y, U, V)
    ref = norms.generated_residual_max(kernel, X, Y, U, V, method="numpy")
    h = {"f1": f1_matrix, "f2": f2_matrix,
         "gaussian": lambda X, Y: sqdist_matrix(lambda d: np.exp(-d), X, Y)}[kernel]
    dense = np.abs(h(X, Y) - U @ V.T).max()
    # Tolerance: the two paths sum m + r products in different orders (a few ulps of O(1)).
    assert fused == pytest.approx(ref, abs=1e-13)
    assert fused == pytest.approx(dense, abs=1e-13)


def test_symmetric_diagonal_is_exact() -> None:
    # With Y is X, the fused kernel must see exact zero distances on the diagonal: f1 = 1 there,
    # so the residual of the rank-0 approximation is exactly 1.
    X = sample_sphere(30, 4, rng=1)
    zero = np.zeros((30, 1))
    assert norms.generated_residual_max("f1", X, X, zero, zero) == 1.0


def test_gamma2_bounds_psd_is_exact() -> None:
    X = sample_ball(80, 10, rng=2)
    F = sqdist_matrix(lambda d: np.exp(-d), X, X)
    lo, hi = norms.gamma2_bounds(F)
    # Gaussian kernel matrices are PSD with unit diagonal: gamma_2 = 1 (round-off of an eig).
    assert lo == pytest.approx(1.0, abs=1e-10)
    assert hi == pytest.approx(1.0, abs=1e-10)


def test_gamma2_bounds_general_order() -> None:
    F = np.random.default_rng(3).standard_normal((20, 30))
    lo, hi = norms.gamma2_bounds(F)
    assert norms.max_norm(F) <= lo <= hi
    assert lo >= np.linalg.norm(F, "nuc") / np.sqrt(600) - 1e-12


def test_norms_bad_input() -> None:
    with pytest.raises(ValueError, match="A must contain only finite"):
        norms.max_norm(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="same number of columns"):
        norms.factor_norm(np.ones((2, 3)), np.ones((2, 2)))
    X = np.ones((3, 2))
    with pytest.raises(ValueError, match="kernel must be one of"):
        norms.generated_residual_max("cosine", X, X, X, X)
    with pytest.raises(ValueError, match="U must have 3 rows"):
        norms.generated_residual_max("f1", X, X, np.ones((4, 2)), X)
    with pytest.raises(ValueError, match="method"):
        norms.generated_residual_max("f1", X, X, X, X, method="torch")
    with pytest.raises(ValueError, match="V must contain only finite"):
        norms.generated_residual_max("f1", X, X, X, np.full((3, 2), np.nan))


def test_svd_eps_rank() -> None:
    rng = np.random.default_rng(5)
    A, B = rng.standard_normal((40, 3)), rng.standard_normal((30, 3))
    F = A @ B.T
    assert norms.svd_eps_rank(F, 1e-9) == 3  # exact rank 3 (round-off ~1e-14 relative)
    X = sample_ball(100, 4, rng=rng)
    G = f1_matrix(X, X)
    r = norms.svd_eps_rank(G, 0.05)
    U, s, Vt = np.linalg.svd(G)
    assert np.abs(G - (U[:, :r] * s[:r]) @ Vt[:r]).max() <= 0.05 * np.abs(G).max()
    assert np.abs(G - (U[:, : r - 1] * s[: r - 1]) @ Vt[: r - 1]).max() > 0.05 * np.abs(G).max()
    with pytest.raises(ValueError, match="F is zero"):
        norms.svd_eps_rank(np.zeros((3, 3)), 0.1)
    with pytest.raises(ValueError, match="eps must lie"):
        norms.svd_eps_rank(F, 0.0)
