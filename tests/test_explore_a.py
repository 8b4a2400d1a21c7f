"""Package helpers of the Explore sections converted on branch ex16-A (issue 16)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from lowrank_nb.core.norms import svd_eps_rank
from lowrank_nb.core.sampling import sample_ball
from lowrank_nb.papers.budzinskiy.embeddings.jl import jl_factors, realised_jl_error
from lowrank_nb.papers.budzinskiy.identity_residuals import (
    identity_residual_profiles,
    sorted_entry_profile,
)
from lowrank_nb.papers.budzinskiy.jl_curves import (
    ball_points_span,
    jl_error_curve,
    sketch_error_curve,
)
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


# --- gamma2: sorted residual entries of rank-k approximations of the identity -------------


def test_sorted_entry_profile_matches_a_full_sort():
    R = np.random.default_rng(0).standard_normal((30, 20))
    f = np.array([1e-4, 1 / 600, 0.01, 0.1, 0.37, 0.5, 1.0])
    desc = np.sort(np.abs(R).ravel())[::-1]  # independent: a full sort, largest first
    want = [desc[max(1, int(np.ceil(q * 600 - 1e-9))) - 1] for q in f]
    np.testing.assert_array_equal(sorted_entry_profile(R, f), want)
    assert sorted_entry_profile(R, [1e-9])[0] == np.abs(R).max()


def test_identity_residual_profiles_reproduce_the_draws_and_the_trace_floor():
    n, k, f = 40, 6, np.geomspace(1e-4, 1.0, 15)
    jl, proj = identity_residual_profiles(n, k, f, rng=np.random.default_rng(3))
    rng = np.random.default_rng(3)  # same draws in the same order, built here by hand
    U, V = jl_factors(np.eye(n), np.eye(n), k, rng)
    Q = np.linalg.qr(rng.standard_normal((n, k)))[0]
    np.testing.assert_allclose(jl, sorted_entry_profile(np.eye(n) - U @ V.T, f), rtol=1e-12)
    np.testing.assert_allclose(proj, sorted_entry_profile(np.eye(n) - Q @ Q.T, f), rtol=1e-12)
    # tr(QQ^T) = k: the diagonal of I - QQ^T sums to n - k, so its largest entry is >= 1 - k/n
    assert proj[0] >= 1 - k / n - 1e-12  # 1e-12: round-off of Q Q^T
    assert np.all(np.diff(jl) <= 0) and np.all(np.diff(proj) <= 0)


def test_identity_residual_bad_input():
    with pytest.raises(ValueError, match="k"):
        identity_residual_profiles(10, 11, [0.5], rng=1)
    with pytest.raises(ValueError, match="n"):
        identity_residual_profiles(1, 1, [0.5], rng=1)
    with pytest.raises(TypeError, match="rng"):
        identity_residual_profiles(10, 2, [0.5], rng=None)
    with pytest.raises(ValueError, match="fractions"):
        sorted_entry_profile(np.eye(3), [0.0])
    with pytest.raises(ValueError, match="R"):
        sorted_entry_profile(np.array([]), [0.5])


# --- jl_maxnorm: realised JL error against the width, points in any dimension -------------
def test_jl_error_curve_matches_jl_factors_per_width():
    rng = np.random.default_rng(11)
    A, B = sample_ball(30, 12, rng=rng), sample_ball(25, 12, rng=rng)
    ks = [3, 7, 20, 41]
    got = jl_error_curve(A, B, ks, rng=np.random.default_rng(4))
    R = np.random.default_rng(4).standard_normal((12, 41))  # the same sketch, column by column
    for k, g in zip(ks, got):
        U, V = A @ R[:, :k] / np.sqrt(k), B @ R[:, :k] / np.sqrt(k)
        assert g == pytest.approx(realised_jl_error(A, B, U, V), rel=1e-10)
    # sketch_error_curve on row subsets agrees with the curve of the subset
    sub = sketch_error_curve(A[:10], B[:9], (A @ R)[:10], (B @ R)[:9], ks)
    np.testing.assert_allclose(sub, jl_error_curve(A[:10], B[:9], ks, rng=np.random.default_rng(4)),
                               rtol=1e-12)


def test_ball_points_span_small_m_is_sample_ball():
    A, B = ball_points_span(5, 4, 9, rng=np.random.default_rng(2))
    rng = np.random.default_rng(2)
    np.testing.assert_array_equal(A, sample_ball(5, 9, rng=rng))
    np.testing.assert_array_equal(B, sample_ball(4, 9, rng=rng))


def test_ball_points_span_large_m_has_the_law_of_ball_points():
    m, n = 60, 10  # 2n = 20 < m: the Bartlett path
    span_cos, ball_cos, norms = [], [], []
    for seed in range(60):
        A, B = ball_points_span(n, n, m, rng=np.random.default_rng(seed))
        assert A.shape == (n, 2 * n)
        P = np.vstack([A, B])
        r = np.linalg.norm(P, axis=1)
        norms.append(r)
        C = (P / r[:, None]) @ (P / r[:, None]).T
        span_cos.append(C[np.triu_indices(2 * n, 1)])
        Q = sample_ball(2 * n, m, rng=np.random.default_rng(1000 + seed))
        Q /= np.linalg.norm(Q, axis=1)[:, None]
        ball_cos.append((Q @ Q.T)[np.triu_indices(2 * n, 1)])
    span_cos, ball_cos = np.concatenate(span_cos), np.concatenate(ball_cos)
    # radii: P(|x| <= t) = t^m for the uniform ball, so |x|^m is uniform on (0, 1)
    assert stats.kstest(np.concatenate(norms) ** m, "uniform").pvalue > 1e-3
    # E cos^2 = 1/m for independent uniform directions; 11400 pairs, sd of the mean ~ 0.015/m
    assert abs(np.mean(span_cos**2) * m - 1) < 0.08
    # the pairwise cosines have the law of directly sampled points (fixed seeds; alarm 1e-3)
    assert stats.ks_2samp(span_cos, ball_cos).pvalue > 1e-3


def test_jl_curves_bad_input():
    A = np.ones((4, 3))
    with pytest.raises(ValueError, match="ks"):
        jl_error_curve(A, A, [3, 2], rng=0)
    with pytest.raises(ValueError, match="ks"):
        jl_error_curve(A, A, [0, 2], rng=0)
    with pytest.raises(TypeError, match="rng"):
        jl_error_curve(A, A, [1, 2], rng=None)
    with pytest.raises(ValueError, match="AR and BR"):
        sketch_error_curve(A, A, np.ones((4, 1)), np.ones((4, 1)), [1, 2])
    with pytest.raises(ValueError, match="m"):
        ball_points_span(2, 2, 0, rng=0)
