"""Package helpers of the Explore sections converted on branch ex16-A (issue 16)."""

from __future__ import annotations

import numpy as np
import pytest

from lowrank_nb.core.norms import svd_eps_rank
from lowrank_nb.core.sampling import sample_ball
from lowrank_nb.papers.budzinskiy.svd_error_profile import (
    eps_rank_from_profile,
    svd_max_error_profile,
)


def _exp_matrix(seed: int = 3, n: int = 60, m: int = 4, M: float = 1.5) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.exp(M * sample_ball(n, m, rng=rng) @ sample_ball(n, m, rng=rng).T)


def test_profile_matches_explicit_truncations():
    F = _exp_matrix()
    prof = svd_max_error_profile(F)
    U, s, Vt = np.linalg.svd(F, full_matrices=False)
    top = np.abs(F).max()
    for k in (0, 1, 3, 7, 20):  # independent: build F_k from the SVD factors directly
        Fk = (U[:, :k] * s[:k]) @ Vt[:k]
        assert prof[k] == pytest.approx(np.abs(F - Fk).max() / top, rel=1e-9, abs=1e-15)
    assert prof.size == s.size + 1 and prof[0] == 1.0


@pytest.mark.parametrize("eps", [0.3, 1e-2, 1e-4, 1e-7, 1e-10])
def test_eps_rank_from_profile_agrees_with_svd_eps_rank(eps):
    F = _exp_matrix(seed=5)
    prof = svd_max_error_profile(F, floor=1e-10)
    assert eps_rank_from_profile(prof, eps) == svd_eps_rank(F, eps)


def test_floor_stops_early_and_keeps_the_ranks_above_it():
    F = _exp_matrix(seed=7)
    full, short = svd_max_error_profile(F), svd_max_error_profile(F, floor=1e-3)
    assert short.size < full.size and short[-1] <= 1e-3 < short[-2]
    np.testing.assert_allclose(short, full[: short.size], rtol=1e-12)


def test_profile_bad_input():
    with pytest.raises(ValueError, match="floor"):
        svd_max_error_profile(np.eye(3), floor=1.0)
    with pytest.raises(ValueError, match="zero"):
        svd_max_error_profile(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="F"):
        svd_max_error_profile(np.ones(3))
    with pytest.raises(ValueError, match="eps"):
        eps_rank_from_profile(np.array([1.0, 0.1]), 0.0)
    with pytest.raises(ValueError, match="profile"):
        eps_rank_from_profile(np.array([]), 0.1)
