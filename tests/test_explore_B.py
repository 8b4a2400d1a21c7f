"""Tests for the package code behind the Explore sections of Part II (issue 16, helper B)."""

from __future__ import annotations

import numpy as np
import pytest

from lowrank_nb.book.sweep import matrix_point
from lowrank_nb.core.norms import svd_delta_rank
from lowrank_nb.core.sampling import sample_ball, sample_sphere
from lowrank_nb.papers.budzinskiy.altproj import lrma_ap, svd_maxerr
from lowrank_nb.papers.budzinskiy.ap_residuals import ap_bracket_trace, ap_residual_profiles
from lowrank_nb.papers.budzinskiy.embeddings.cp_tt import cp_full, cp_to_tt, realised_tt_error
from lowrank_nb.papers.budzinskiy.embeddings.cp_tt_errors import cp_tt_rank_errors
from lowrank_nb.papers.budzinskiy.eps_rank_scan import (
    EpsRankProfile,
    eps_rank_profile,
    eps_rank_scan,
)
from lowrank_nb.papers.budzinskiy.refutation import counterexample_matrix, counterexample_points
from lowrank_nb.papers.budzinskiy.svd_baseline import svd_baseline_errors


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


def test_cp_tt_rank_errors_against_the_tt_cores() -> None:
    g = np.random.default_rng(4)
    As = [sample_sphere(n_j, 12, rng=g) for n_j in (5, 6, 7)]
    # one rank: the same draws as cp_to_tt, the error of the formed TT (rounding only)
    for r in (1, 3, 9):
        want = realised_tt_error(cp_to_tt(As, r, np.random.default_rng(8)), As)
        got = cp_tt_rank_errors(As, [r], rng=np.random.default_rng(8))
        assert abs(got[0] - want) <= 1e-12 * max(1.0, want)  # two summation orders
    # several ranks share R_1, R_2: rank r equals the TT built from their first r columns
    ranks = (8, 2, 5)
    got = cp_tt_rank_errors(As, ranks, rng=21)
    gen = np.random.default_rng(21)
    R1, R2 = gen.standard_normal((12, 8)), gen.standard_normal((12, 8))
    for r, e in zip(ranks, got):
        T = np.einsum("ia,ab,jb,bc,kc->ijk", As[0], R1[:, :r] @ R1[:, :r].T / r, As[1],
                      R2[:, :r] @ R2[:, :r].T / r, As[2])
        scale = np.prod([np.linalg.norm(A, axis=1).max() for A in As])
        assert abs(e - np.abs(cp_full(As) - T).max() / scale) <= 1e-12
    # huge rank: the embedding concentrates, error well below the r = 1 error of the same draw
    big = cp_tt_rank_errors(As, [1, 4000], rng=2)
    assert big[1] < 0.25 * big[0]


def test_cp_tt_rank_errors_bad_input() -> None:
    A = np.ones((4, 3))
    with pytest.raises(ValueError, match="three"):
        cp_tt_rank_errors([A, A], [2], rng=0)
    with pytest.raises(ValueError, match="columns"):
        cp_tt_rank_errors([A, A, np.ones((4, 2))], [2], rng=0)
    with pytest.raises(ValueError, match="ranks"):
        cp_tt_rank_errors([A, A, A], [], rng=0)
    with pytest.raises(ValueError, match="ranks"):
        cp_tt_rank_errors([A, A, A], [0], rng=0)
    with pytest.raises(ValueError, match="zero"):
        cp_tt_rank_errors([A, A, 0 * A], [2], rng=0)
    with pytest.raises(TypeError, match="rng"):
        cp_tt_rank_errors([A, A, A], [2], rng=None)


def test_ap_residual_profiles_ends_and_order() -> None:
    g = np.random.default_rng(6)
    F = np.exp(-np.abs(g.standard_normal((14, 1)) - g.standard_normal((1, 12))))
    q = np.linspace(0, 1, 13)
    ap, svd = ap_residual_profiles(F, 3, q, rng=5)
    top = np.abs(F).max()
    # left end: the relative max errors, recomputed independently
    assert abs(ap[0] - lrma_ap(F, 3, rng=5).rel_error) <= 1e-12  # same run, new GEMM
    assert abs(svd[0] - svd_maxerr(F, 3) / top) <= 1e-12
    # right end: the smallest residual entry; profiles are non-increasing in the fraction
    U, s, Vt = np.linalg.svd(F)
    R = np.abs(F - (U[:, :3] * s[:3]) @ Vt[:3]) / top
    assert abs(svd[-1] - R.min()) <= 1e-12
    assert np.all(np.diff(ap) <= 0) and np.all(np.diff(svd) <= 0)
    # a fraction q of the entries reaches the profile value (within one entry of rounding)
    for qq, v in zip(q, svd):
        assert np.mean(R >= v - 1e-15) >= qq - 1 / R.size


def test_ap_residual_profiles_bad_input() -> None:
    F = np.ones((5, 4))
    with pytest.raises(ValueError, match="fractions"):
        ap_residual_profiles(F, 1, [0.5, 1.5], rng=0)
    with pytest.raises(ValueError, match="r must"):
        ap_residual_profiles(F, 5, [0.5], rng=0)
    with pytest.raises(ValueError, match="zero"):
        ap_residual_profiles(0 * F, 1, [0.5], rng=0)
    with pytest.raises(TypeError, match="rng"):
        ap_residual_profiles(F, 1, [0.5], rng=None)


def test_svd_baseline_errors_match_matrix_point() -> None:
    ranks = (4, 1, 0, 9)
    for scheme in ("symmetric", "independent"):
        got = svd_baseline_errors(scheme, 14, 6, ranks, rng=2)
        for f in ("f1", "f2"):
            for r, e in zip(ranks, got[f]):
                if r == 0:  # the zero matrix: relative error exactly 1
                    assert e == 1.0
                    continue
                # the same matrix as matrix_point's; its svd field forms F_r explicitly, so the
                # two agree to rounding of rank-r sums of O(1) numbers
                want = matrix_point(function=f, scheme=scheme, n=14, m=6, r=r, seed=2)["svd"]
                assert abs(e - want) <= 1e-12, (scheme, f, r)
    full = svd_baseline_errors("symmetric", 10, 3, (10,), rng=0)
    assert full["f1"][0] <= 1e-12 and full["f2"][0] <= 1e-12  # rank n reproduces F


def test_svd_baseline_errors_bad_input() -> None:
    with pytest.raises(ValueError, match="scheme"):
        svd_baseline_errors("paired", 8, 2, (1,), rng=0)
    with pytest.raises(ValueError, match="ranks"):
        svd_baseline_errors("symmetric", 8, 2, (9,), rng=0)
    with pytest.raises(ValueError, match="ranks"):
        svd_baseline_errors("symmetric", 8, 2, (), rng=0)
    with pytest.raises(ValueError, match="n must"):
        svd_baseline_errors("symmetric", 1, 2, (1,), rng=0)
    with pytest.raises(TypeError, match="rng"):
        svd_baseline_errors("symmetric", 8, 2, (1,), rng=None)


def test_ap_bracket_trace_reads_the_recorded_trace() -> None:
    g = np.random.default_rng(9)
    F = np.exp(-np.abs(g.standard_normal((12, 1)) - g.standard_normal((1, 10))))
    top = np.abs(F).max()
    ref = lrma_ap(F, 2, rng=4, trace=True)  # an independent run with the same seed
    steps = [1, 2, 7, ref.steps, ref.steps + 1, 10 * ref.steps]
    t = ap_bracket_trace(F, 2, steps, rng=4)
    assert int(t["steps"]) == ref.steps
    for key in ("eps", "err", "eps1", "eps2"):
        want = np.asarray(ref.trace[key], dtype=float)[[0, 1, 6, ref.steps - 1]] / top
        want = np.where(want > 0, want, np.nan)
        assert np.allclose(t[key][:4], want, rtol=1e-15, atol=0, equal_nan=True), key
        assert np.all(np.isnan(t[key][4:]))  # beyond the end of the run
    assert np.isnan(t["eps1"][0])  # eps1 = 0 at the first step: nothing known, not plotted
    assert abs(t["eps2"][3] - ref.rel_error) <= 1e-15  # the last upper bracket is the result
    # the profiles of the same seed come from the same (cached) run
    ap, _ = ap_residual_profiles(F, 2, [0.0], rng=4)
    assert abs(ap[0] - ref.rel_error) <= 1e-12


def test_ap_bracket_trace_bad_input() -> None:
    F = np.ones((5, 4))
    with pytest.raises(ValueError, match="steps"):
        ap_bracket_trace(F, 1, [], rng=0)
    with pytest.raises(ValueError, match="steps"):
        ap_bracket_trace(F, 1, [0, 3], rng=0)
    with pytest.raises(ValueError, match="zero"):
        ap_bracket_trace(0 * F, 1, [1], rng=0)
    with pytest.raises(TypeError, match="rng"):
        ap_bracket_trace(F, 1, [1], rng=None)
