import numpy as np
import pytest

from lowrank_nb import tt


def test_tt_svd_exact_on_cp_tensor() -> None:
    rng = np.random.default_rng(0)
    Xs = [rng.standard_normal((7, 5)) for _ in range(3)]
    T = np.einsum("ia,ja,ka->ijk", *Xs)
    cores = tt.tt_svd(T, 5)
    assert tt.tt_ranks(cores) == (5, 5)
    # A CP-rank-5 tensor has TT ranks <= 5: reconstruction to round-off.
    assert np.abs(tt.tt_full(cores) - T).max() < 1e-12 * np.abs(T).max()


def test_tt_add_and_random() -> None:
    rng = np.random.default_rng(1)
    a = tt.tt_random((4, 5, 6), (2, 3), rng)
    b = tt.tt_random((4, 5, 6), 2, rng)
    s = tt.tt_add(a, b)
    assert tt.tt_ranks(s) == (4, 5)
    np.testing.assert_allclose(tt.tt_full(s), tt.tt_full(a) + tt.tt_full(b), atol=1e-13)


def _unfolding_tail(T: np.ndarray, k: int, r: int) -> float:
    """Best rank-r Frobenius error of the k-th unfolding (modes 1..k as rows)."""
    s = np.linalg.svd(T.reshape(int(np.prod(T.shape[:k])), -1), compute_uv=False)
    return float(np.sqrt(np.sum(s[r:] ** 2)))


@pytest.mark.parametrize("noise", [0.01, 1.0])
@pytest.mark.parametrize("ranks", [(2, 3, 2), (1, 4, 3), (3, 6, 4)])
def test_tt_svd_truncation_is_quasi_optimal(ranks, noise) -> None:
    # Oseledets (2011), Theorem 2.2: TT-SVD with ranks r_k gives
    # ||T - T_r||_F <= sqrt(sum_k eps_k^2), eps_k the best rank-r_k error of unfolding k; and
    # no TT tensor with these ranks beats max_k eps_k (its k-th unfolding has rank <= r_k).
    # T = a TT tensor of these ranks + noise: small noise makes the bound tight and telling.
    rng = np.random.default_rng(2)
    shape = (4, 5, 6, 5)
    T = tt.tt_full(tt.tt_random(shape, list(ranks), rng)) + noise * rng.standard_normal(shape)
    cores = tt.tt_svd(T, list(ranks))
    assert tt.tt_ranks(cores) == ranks
    err = np.linalg.norm(tt.tt_full(cores) - T)
    eps = [_unfolding_tail(T, k + 1, r) for k, r in enumerate(ranks)]
    bound = np.sqrt(np.sum(np.square(eps)))
    assert max(eps) <= err * (1 + 1e-12)  # rounding only
    assert err <= bound * (1 + 1e-12)
    if noise < 0.1:  # the bound is far below what the planted tensor's scale allows
        assert bound < 0.1 * np.linalg.norm(T)


def test_tt_svd_full_rank_is_exact() -> None:
    T = np.random.default_rng(2).standard_normal((6, 6, 6))
    np.testing.assert_allclose(tt.tt_full(tt.tt_svd(T, 36)), T, atol=1e-12)


def test_tt_bad_input() -> None:
    with pytest.raises(ValueError, match="ranks must have d - 1"):
        tt.tt_svd(np.ones((2, 2, 2)), [1])
    with pytest.raises(ValueError, match="ranks must lie"):
        tt.tt_svd(np.ones((2, 2, 2)), 0)
    with pytest.raises(ValueError, match="mismatched TT rank"):
        tt.tt_full([np.ones((1, 2, 2)), np.ones((3, 2, 1))])
    with pytest.raises(ValueError, match="T must contain only finite"):
        tt.tt_svd(np.full((2, 2), np.nan), 1)
