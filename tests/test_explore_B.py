"""Tests for the package code behind the Explore sections of Part II (issue 16, helper B)."""

from __future__ import annotations

import numpy as np
import pytest

from lowrank_nb.core.norms import svd_delta_rank
from lowrank_nb.core.sampling import sample_ball
from lowrank_nb.papers.budzinskiy.eps_rank_scan import (
    EpsRankProfile,
    eps_rank_profile,
    eps_rank_scan,
)
from lowrank_nb.papers.budzinskiy.refutation import counterexample_matrix, counterexample_points


def test_eps_rank_scan_many_deltas_equal_single_tolerance_ranks() -> None:
    # one SVD pass serves every tolerance: the ranks must equal svd_delta_rank one at a time,
    # exactly (the same SVD and downdates), for unsorted deltas including 0 and a huge one
    n, M, ms = 20, 2.0, (1, 4, 64)
    deltas = (0.3, 0.0, 0.05, 5.0, 0.1, 0.02, 0.2)
    scan = eps_rank_scan(n, M, ms, deltas, rng=11)
    g = np.random.default_rng(11)  # replay the scan's draws
    for i, m in enumerate(ms):
        X, Y = counterexample_points(n, m, g)
        F = counterexample_matrix(X, Y, M)
        sample_ball(n, m, rng=g), sample_ball(n, m, rng=g)  # the control's points
        for j, d in enumerate(deltas):
            assert scan["cx_ub"][i, j] == svd_delta_rank(F, d), (m, d)
    assert np.all(scan["cx_ub"][:, 3] == 0)  # delta = 5 exceeds ||F||_max = 1: the zero matrix
    assert np.all(scan["cx_ub"][:, 1] >= scan["cx_ub"][:, 2])  # delta = 0 needs the most rank


def test_eps_rank_profile_reproduces_the_scan_bit_for_bit() -> None:
    n, M, ms = 18, 1.5, (1, 2, 16, 128)
    deltas = (0.0, 0.01, 0.07, 0.1, 0.35, 2.0)
    scan = eps_rank_scan(n, M, ms, deltas, rng=3)
    prof = eps_rank_profile(n, M, ms, rng=3)
    assert isinstance(prof, EpsRankProfile) and prof.svd_errors.shape == (len(ms), n)
    for j, d in enumerate(deltas):
        got = prof.at(d)
        for key in ("cx_lb", "cx_ub", "ip_lb"):
            assert np.array_equal(got[key], scan[key][:, j]), (key, d)
    # independent oracle for one profile row: errors of the truncated SVD formed explicitly
    g = np.random.default_rng(3)
    X, Y = counterexample_points(n, ms[0], g)
    F = counterexample_matrix(X, Y, M)
    U, s, Vt = np.linalg.svd(F)
    direct = [np.abs(F - (U[:, :r] * s[:r]) @ Vt[:r]).max() for r in range(n)]
    assert np.allclose(prof.svd_errors[0], direct, rtol=0, atol=1e-12)  # rounding of n terms


def test_eps_rank_profile_bad_input() -> None:
    with pytest.raises(TypeError, match="rng"):
        eps_rank_profile(8, 2.0, (2,), rng=None)
    with pytest.raises(ValueError, match="m_values"):
        eps_rank_profile(8, 2.0, [], rng=0)
    with pytest.raises(ValueError, match="M must"):
        eps_rank_profile(8, -1.0, (2,), rng=0)
    with pytest.raises(ValueError, match="delta"):
        eps_rank_profile(8, 2.0, (2,), rng=0).at(-0.1)
