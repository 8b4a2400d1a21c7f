"""Package helpers of the Part V Explore sections (tensor trick, cross-attention, extensions,
Section 7): each against an independent computation, and bad inputs."""

import numpy as np
import pytest

from lowrank_nb.core.softmax import gaussian_features, positive_random_features, softmax_rows
from lowrank_nb.papers.dengsong.attention_spectrum import self_attention_singular_values
from lowrank_nb.papers.dengsong.event_rates import SETTINGS, separation_event_rates
from lowrank_nb.papers.dengsong.kernel_surrogates import performer_errors, truncation_errors
from lowrank_nb.papers.dengsong.separation import (
    attention_layer,
    cross_success,
    exact_success_cross,
    exact_success_self_ones,
    self_instance,
    self_success,
)
from lowrank_nb.papers.dengsong.separation_exact import exact_success_self_identity


@pytest.mark.parametrize("X", ["ones", "identity"])
@pytest.mark.parametrize("kind", ["exp", "lin"])
@pytest.mark.parametrize("n,d,a,j3", [(40, 6, 1.2, 5), (60, 12, 0.01, 0), (120, 7, 3.0, 119),
                                      (10, 12, 1.0, 3)])
def test_self_attention_singular_values_match_dense_svd(X, kind, n, d, a, j3):
    A = self_instance(n, d, a, 0.2, 0.8, j3=j3)
    Xm = np.ones((d, d)) if X == "ones" else np.eye(d)
    _, P = attention_layer(A, A, A, Xm, kind=kind, return_probs=True)
    ref = np.linalg.svd(P, compute_uv=False)
    s = self_attention_singular_values(n, d, a, X, kind, j3=j3)
    assert s.size <= d - 1
    # rounding only: both are SVDs of the same matrix (one blown up by the group sizes)
    assert np.allclose(s, ref[:s.size], rtol=0, atol=1e-13 * ref[0])
    assert np.all(ref[s.size:] <= 1e-13 * ref[0])  # the rest is zero up to rounding


def test_self_attention_singular_values_ranks():
    # the chapter's measured ranks: 1 distinct row for linear X = 1, 2 for softmax X = 1
    s = self_attention_singular_values(200, 22, 1.2, "ones", "exp")
    assert np.sum(s > 1e-10 * s[0]) == 2
    s = self_attention_singular_values(200, 22, 1.2, "identity", "exp")
    assert np.sum(s > 1e-10 * s[0]) == 21


def test_self_attention_singular_values_bad_input():
    with pytest.raises(ValueError, match="multiple of d - 2"):
        self_attention_singular_values(41, 6, 1.0)
    with pytest.raises(ValueError, match="X must be"):
        self_attention_singular_values(40, 6, 1.0, X="eye")
    with pytest.raises(ValueError, match="kind"):
        self_attention_singular_values(40, 6, 1.0, kind="relu")
    with pytest.raises(ValueError, match="d"):
        self_attention_singular_values(40, 2, 1.0)


@pytest.mark.parametrize("setting,n,d,oracle", [
    ("cross", 200, 11, lambda n, d, m: exact_success_cross(n, d, m, 0.01, 1.2)),
    ("self-ones", 200, 12, lambda n, d, m: exact_success_self_ones(n, d, m, 0.01, 1.2)),
    ("self-identity", 200, 22, lambda n, d, m: exact_success_self_identity(n, d, m, 0.01, 1.2)),
])
def test_event_rates_success_matches_oracles(setting, n, d, oracle):
    m = np.arange(1, 41)
    r = separation_event_rates(setting, n, d, m, a1=1.2)
    assert set(r) == {"exp_D1", "lin_D1", "exp_D0", "lin_D0", "no_false_alarm", "success"}
    ref = np.array([oracle(n, d, int(k)) for k in m])
    assert np.allclose(r["success"], ref, rtol=0, atol=1e-14)  # same law, rounding only
    for v in r.values():
        assert v.shape == m.shape and np.all((v >= 0) & (v <= 1))
    # success needs all four events: never above the least likely one
    assert np.all(r["success"] <= np.min([r[k] for k in r if k != "success"], axis=0) + 1e-12)
    # no false alarm needs the three quiet events: never above the least likely of them
    quiet = np.min([r[k] for k in ("lin_D1", "exp_D0", "lin_D0")], axis=0)
    assert np.all(r["no_false_alarm"] <= quiet + 1e-12)


@pytest.mark.parametrize("setting", SETTINGS)
def test_event_rates_against_monte_carlo(setting):
    n, d, m, trials = 200, (11 if setting == "cross" else 12), 10, 4000
    rng = np.random.default_rng(11)
    if setting == "cross":
        mc = cross_success(n, d, m, 0.01, 1.0, trials=trials, rng=rng)
    else:
        mc = self_success(n, d, m, 0.01, 1.0, X=setting[5:], trials=trials, rng=rng)
    r = separation_event_rates(setting, n, d, m, a1=1.0)
    for key in ("exp_D1", "lin_D1", "exp_D0", "lin_D0", "success"):
        val = r[key]
        se = max(np.sqrt(val[0] * (1 - val[0]) / trials), 1e-3)
        assert abs(mc[key] - val[0]) < 4.5 * se, key  # 4.5 SE over 15 comparisons


def test_event_rates_bad_input():
    with pytest.raises(ValueError, match="setting"):
        separation_event_rates("self", 200, 12, 5)
    with pytest.raises(ValueError, match="m must be"):
        separation_event_rates("cross", 200, 11, 0)
    with pytest.raises(ValueError, match="m must be"):
        separation_event_rates("cross", 200, 11, [1.5, 2.0])
    with pytest.raises(ValueError, match="multiple"):
        separation_event_rates("cross", 200, 12, 5)


def test_performer_errors_match_dense_estimate():
    rng = np.random.default_rng(5)
    Q, K = rng.standard_normal((20, 4)), rng.standard_normal((30, 4))
    s = 0.7
    for orthogonal in (False, True):
        om = gaussian_features(4, 64, rng, orthogonal=orthogonal)
        feats = [3, 8, 20, 64]
        err = performer_errors(Q, K, om, feats, scale=s)
        P = softmax_rows(s * Q @ K.T)
        for R, e in zip(feats, err):
            # direct FAVOR+ matrix from the library's feature map (no shifts, no nesting)
            W = positive_random_features(np.sqrt(s) * Q, om[:, :R]) @ \
                positive_random_features(np.sqrt(s) * K, om[:, :R]).T
            ref = np.linalg.norm(W / W.sum(axis=1, keepdims=True) - P) / np.linalg.norm(P)
            assert abs(e - ref) < 1e-12  # the shifts cancel exactly up to rounding


def test_performer_errors_shrink_with_features():
    rng = np.random.default_rng(6)
    Q, K = rng.standard_normal((32, 8)) * 0.3, rng.standard_normal((32, 8)) * 0.3
    om = gaussian_features(8, 4096, rng)
    err = performer_errors(Q, K, om, [16, 4096])
    assert err[1] < err[0] / 4  # Monte Carlo rate R^-1/2: 16x the features, 1/4 the error


def test_performer_errors_bad_input():
    Q = np.ones((4, 3))
    om = np.ones((3, 8))
    with pytest.raises(ValueError, match="features"):
        performer_errors(Q, Q, om, [4, 2])
    with pytest.raises(ValueError, match="at most"):
        performer_errors(Q, Q, om, [16])
    with pytest.raises(ValueError, match="omega"):
        performer_errors(Q, Q, np.ones((2, 8)), [4])
    with pytest.raises(ValueError, match="scale"):
        performer_errors(Q, Q, om, [4], scale=0.0)


def test_truncation_errors_against_reconstruction():
    rng = np.random.default_rng(7)
    M = rng.standard_normal((12, 9))
    U, s, Vt = np.linalg.svd(M, full_matrices=False)
    ranks = [1, 3, 9, 20]
    err = truncation_errors(M, ranks)
    for r, e in zip(ranks, err):
        Mr = (U[:, :r] * s[:r]) @ Vt[:r]
        assert abs(e - np.linalg.norm(M - Mr) / np.linalg.norm(M)) < 1e-12  # rounding only
    with pytest.raises(ValueError, match="ranks"):
        truncation_errors(M, [0, 2])
    with pytest.raises(ValueError, match="nonzero"):
        truncation_errors(np.zeros((3, 3)), [1])
