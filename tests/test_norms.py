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


@pytest.mark.parametrize("method", ["numba", "numpy"])
def test_ball_excess_is_the_clipped_part(method: str) -> None:
    rng = np.random.default_rng(4)
    R = rng.standard_normal((30, 20))
    eps = 1.2
    indptr, indices, values = norms.ball_excess(R, eps, method=method)
    S = np.zeros_like(R)
    rows = np.repeat(np.arange(30), np.diff(indptr))
    S[rows, indices] = values
    # exact: the excess e -/+ eps is one rounding of the same subtraction as R - clip(R)
    assert np.array_equal(S, R - np.clip(R, -eps, eps))
    assert values.size == np.count_nonzero(np.abs(R) > eps)  # only the entries beyond eps
    assert np.all(np.diff(indptr) >= 0) and indptr[0] == 0
    # as scipy.sparse reads them (the way lrma_ap(method="numba") applies S)
    import scipy.sparse as sps

    assert np.array_equal(sps.csr_matrix((values, indices, indptr), shape=R.shape).toarray(), S)


def test_ball_excess_bad_input() -> None:
    R = np.ones((3, 2))
    with pytest.raises(ValueError, match="eps"):
        norms.ball_excess(R, -1.0)
    with pytest.raises(ValueError, match="R must contain only finite"):
        norms.ball_excess(np.full((2, 2), np.nan), 0.1)
    with pytest.raises(ValueError, match="method"):
        norms.ball_excess(R, 0.1, method="torch")


def test_fused_residual_excess_matches_numpy() -> None:
    from lowrank_nb.core.norms import _residual_excess_csr

    rng = np.random.default_rng(6)
    P, F = rng.standard_normal((2, 25, 18))
    eps = 1.5
    R = P.copy()
    err, indptr, indices, values, nnz = _residual_excess_csr(R, F, eps, R.size)
    # the same subtraction and an exact max: equal bit for bit to the NumPy path
    assert np.array_equal(R, P - F)
    assert err == np.max(np.abs(P - F))
    ref = norms.ball_excess(P - F, eps, method="numpy")
    assert nnz == ref[2].size
    assert np.array_equal(indptr, ref[0]) and np.array_equal(indices[:nnz], ref[1])
    assert np.array_equal(values[:nnz], ref[2])
    # a cap too small for S: nnz = -1, but the residual and its max are still complete
    R = P.copy()
    err2, *_, nnz2 = _residual_excess_csr(R, F, eps, 3)
    assert nnz2 == -1 and err2 == err and np.array_equal(R, P - F)


def test_svd_error_profile_matches_explicit_truncations_and_leaves_f_alone():
    from lowrank_nb.core.norms import svd_delta_rank, svd_delta_ranks, svd_error_profile

    rng = np.random.default_rng(3)
    F = np.asfortranarray(rng.standard_normal((9, 7)) @ rng.standard_normal((7, 11)))
    keep = F.copy()
    prof = svd_error_profile(F)
    U, s, Vt = np.linalg.svd(F, full_matrices=False)
    explicit = [np.abs(F - (U[:, :r] * s[:r]) @ Vt[:r]).max() for r in range(s.size + 1)]
    # independent reconstruction vs in-place downdates: round-off of an O(|F|) sum
    np.testing.assert_allclose(prof, explicit, atol=1e-12 * np.abs(F).max())
    np.testing.assert_array_equal(F, keep)  # dger worked on a copy (F is Fortran-ordered)
    assert svd_error_profile(F, max_rank=3).size == 4
    short = svd_error_profile(F, stop=prof[4])
    assert short.size == 5 and short[-1] <= prof[4]
    deltas = np.array([prof[2], prof[5], 0.0, 10 * prof[0]])
    got = svd_delta_ranks(F, deltas)
    assert got.tolist() == [svd_delta_rank(F, d) for d in deltas]
    with pytest.raises(ValueError, match="stop"):
        svd_error_profile(F, stop=-1.0)
    with pytest.raises(ValueError, match="max_rank"):
        svd_error_profile(F, max_rank=10)  # min(9, 11) = 9 is the largest rank
    with pytest.raises(ValueError, match="deltas"):
        svd_delta_ranks(F, np.array([-1.0]))
