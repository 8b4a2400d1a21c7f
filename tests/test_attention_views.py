"""Tests for the Part VI additions to lowrank_nb.attention (three views of one matrix)."""

import math

import numpy as np
import pytest

from lowrank_nb.altproj import svd_maxerr
from lowrank_nb.attention import (
    ap_eps_rank,
    exp_logits,
    performer_frobenius_errors,
    performer_self_success,
    theorem38_exp_rank,
)
from lowrank_nb.bounds import jl_rank
from lowrank_nb.relu import performer_lfai


def test_theorem38_rank_matches_formula_and_grows():
    out = theorem38_exp_rank(100, 100, 0.1, 1.0)
    t, eps_jl = out["t"], out["eps_jl"]
    assert t >= math.e**2 * 1.0  # Theorem 3.8 needs t >= e^2 M ||W|| R^2
    assert math.exp(-t) + eps_jl * math.expm1(1.0) <= 0.1 + 1e-15  # the error budget
    assert out["r"] == jl_rank(eps_jl, 100, 100) and out["rank"] == 1 + (t - 1) * out["r"]
    # larger logit radius, larger n, smaller eps, larger c2: never a smaller bound
    assert theorem38_exp_rank(100, 100, 0.1, 2.0)["rank"] > out["rank"]
    assert theorem38_exp_rank(1000, 1000, 0.1, 1.0)["rank"] > out["rank"]
    assert theorem38_exp_rank(100, 100, 0.05, 1.0)["rank"] > out["rank"]
    assert theorem38_exp_rank(100, 100, 0.1, 1.0, c2=2.0)["rank"] > out["rank"]


def test_theorem38_rank_bad_input():
    with pytest.raises(ValueError, match="eps"):
        theorem38_exp_rank(10, 10, 1.5, 1.0)
    with pytest.raises(ValueError, match="logit_radius"):
        theorem38_exp_rank(10, 10, 0.1, -1.0)
    with pytest.raises(ValueError, match="n1"):
        theorem38_exp_rank(0, 10, 0.1, 1.0)
    with pytest.raises(ValueError, match="c2"):
        theorem38_exp_rank(10, 10, 0.1, 1.0, c2=0.0)


def test_ap_eps_rank_is_a_witness():
    rng = np.random.default_rng(0)
    Q, K = 0.5 * rng.standard_normal((40, 4)), 0.5 * rng.standard_normal((40, 4))
    A = exp_logits(Q, K)
    out = ap_eps_rank(A, 0.05, rng=1)
    assert 1 <= out["rank"] <= out["svd_rank"]
    assert out["rel_error"] <= 0.05
    # the SVD witness really is one, and one rank less is not
    assert svd_maxerr(A, out["svd_rank"]) <= 0.05 * A.max()
    assert svd_maxerr(A, out["svd_rank"] - 1) > 0.05 * A.max()


def test_ap_eps_rank_bad_input():
    with pytest.raises(ValueError, match="eps"):
        ap_eps_rank(np.ones((3, 3)), 0.0, rng=0)
    with pytest.raises(ValueError, match="A must have ndim"):
        ap_eps_rank(np.ones(3), 0.1, rng=0)
    with pytest.raises(ValueError, match="r_max"):
        ap_eps_rank(np.eye(3) + 1, 0.1, rng=0, r_max=0)


def test_performer_frobenius_errors_decay():
    rng = np.random.default_rng(2)
    Q, K = 0.5 * rng.standard_normal((20, 4)), 0.5 * rng.standard_normal((20, 4))
    small = performer_frobenius_errors(Q, K, 4, 20, rng).mean()
    large = performer_frobenius_errors(Q, K, 1024, 20, rng).mean()
    assert large < small / 20  # Monte-Carlo error ~ 1/R: 256x the features
    with pytest.raises(ValueError, match="num_features"):
        performer_frobenius_errors(Q, K, 0, 3, rng)
    with pytest.raises(ValueError, match="width"):
        performer_frobenius_errors(Q, K[:, :3], 4, 3, rng)
    with pytest.raises(ValueError, match="draws"):
        performer_frobenius_errors(Q, K, 4, 0, rng)


def test_performer_self_success_random_and_fitted():
    rng = np.random.default_rng(3)
    rand = performer_self_success(64, 34, 15, 16, trials=40, rng=rng)
    # logits up to (1 + a1)^2 ln n: random features miss the spike (chance firings ~2%)
    assert rand["softmax"] > 0.8 and rand["performer"] <= 0.1
    assert 0.5 < rand["spike_weight_exact"] <= 1 and rand["spike_weight"] < 0.1

    from lowrank_nb.separation import self_instance

    s1 = self_instance(64, 34, 1.2, 0.2, 0.8).sum(axis=1, keepdims=True)
    om = performer_lfai(s1, s1, rng.standard_normal((1, 4)), maxiter=200)
    fit = performer_self_success(64, 34, 15, 4, trials=40, rng=rng, omega=om)
    assert fit["spike_weight"] > 0.3 and fit["performer"] > 0.8


def test_performer_self_success_bad_input():
    rng = np.random.default_rng(4)
    with pytest.raises(ValueError, match="num_features"):
        performer_self_success(64, 10, 15, 0, trials=2, rng=rng)
    with pytest.raises(ValueError, match="omega"):
        performer_self_success(64, 10, 15, 4, trials=2, rng=rng, omega=np.ones((2, 4)))
    with pytest.raises(ValueError, match="multiple"):
        performer_self_success(65, 10, 15, 4, trials=2, rng=rng)
    with pytest.raises(ValueError, match="trials"):
        performer_self_success(64, 10, 15, 4, trials=0, rng=rng)


def test_performer_spike_model_matches_simulation_and_grows():
    from lowrank_nb.attention import performer_spike_model

    rng = np.random.default_rng(5)
    sim = performer_self_success(256, 66, 15, 64, trials=60, rng=rng)["spike_weight"]
    model = performer_spike_model(256, num_features=64)
    assert 0.5 < sim / model["median_weight"] < 2  # extreme-value model, 60 draws
    w = [performer_spike_model(256, num_features=R)["median_weight"] for R in (1, 10, 100)]
    assert w[0] < w[1] < w[2] < 0.5
    at_needed = performer_spike_model(256, num_features=int(model["features_needed"]) + 1)
    assert at_needed["median_weight"] >= 0.5 - 1e-6  # R_needed reaches the target
    with pytest.raises(ValueError, match="target"):
        performer_spike_model(256, target=1.0)
    with pytest.raises(ValueError, match="a1"):
        performer_spike_model(256, a1=0.0)
    with pytest.raises(ValueError, match="num_features"):
        performer_spike_model(256, num_features=0)
