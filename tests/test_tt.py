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


def test_tt_svd_truncation_is_quasi_optimal() -> None:
    T = np.random.default_rng(2).standard_normal((6, 6, 6))
    full = tt.tt_full(tt.tt_svd(T, 36))
    np.testing.assert_allclose(full, T, atol=1e-12)
    small = tt.tt_full(tt.tt_svd(T, 2))
    assert np.linalg.norm(small - T) < np.linalg.norm(T)


def test_tt_bad_input() -> None:
    with pytest.raises(ValueError, match="ranks must have d - 1"):
        tt.tt_svd(np.ones((2, 2, 2)), [1])
    with pytest.raises(ValueError, match="ranks must lie"):
        tt.tt_svd(np.ones((2, 2, 2)), 0)
    with pytest.raises(ValueError, match="mismatched TT rank"):
        tt.tt_full([np.ones((1, 2, 2)), np.ones((3, 2, 1))])
    with pytest.raises(ValueError, match="T must contain only finite"):
        tt.tt_svd(np.full((2, 2), np.nan), 1)
