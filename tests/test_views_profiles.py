"""Tests for lowrank_nb.papers.views_profiles (Part VI's Explore curves)."""

import numpy as np
import pytest

from lowrank_nb.core.bounds import theorem38_exp_rank
from lowrank_nb.core.certify import eps_rank_lower_bound
from lowrank_nb.core.norms import svd_eps_rank
from lowrank_nb.papers.views import performer_fit_views, shared_attention_draw
from lowrank_nb.papers.views_profiles import (
    entrywise_rank_profile,
    performer_fit_profile,
    svd_eps_rank_profile,
)

EPS = np.geomspace(0.01, 0.5, 7)


def test_svd_profile_matches_svd_eps_rank():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((30, 8)) @ rng.standard_normal((8, 25)) + 0.01 * rng.standard_normal(
        (30, 25))
    prof = svd_eps_rank_profile(A, EPS)
    assert list(prof) == [svd_eps_rank(A, e) for e in EPS]  # exact: same ranks, one SVD
    assert np.all(np.diff(prof) <= 0)  # a looser tolerance never needs a larger rank


def test_entrywise_profile_matches_the_single_tolerance_functions():
    _, _, A = shared_attention_draw(40, 8, 2.0, rng=3)
    r = entrywise_rank_profile(A, EPS, 2.0, c2=0.5)
    for i, e in enumerate(EPS):
        assert r["svd"][i] == svd_eps_rank(A, e)
        assert r["bound"][i] == theorem38_exp_rank(40, 40, e, 2.0, c2=0.5)["rank"]
        assert r["lower"][i] == np.ceil(eps_rank_lower_bound(A, e * A.max()))
    # the certificate is a lower bound on the witness
    assert np.all(r["lower"] <= r["svd"])


def test_performer_fit_profile_matches_performer_fit_views():
    Q, K, _ = shared_attention_draw(32, 4, 1.0, rng=5)
    prof = performer_fit_profile(Q, K, [3], draws=4, maxiter=5, rng=9)
    rand, fit = performer_fit_views(Q, K, 3, draws=4, maxiter=5, rng=9)  # same stream order
    assert prof["random"][0] == pytest.approx(np.median(rand), rel=1e-12)
    assert prof["lfai"][0] == pytest.approx(fit, rel=1e-12)


def test_bad_input():
    _, _, A = shared_attention_draw(10, 4, 1.0, rng=1)
    with pytest.raises(ValueError, match="eps_values"):
        svd_eps_rank_profile(A, [0.0, 0.1])
    with pytest.raises(ValueError, match="zero"):
        svd_eps_rank_profile(np.zeros((3, 3)), [0.1])
    with pytest.raises(ValueError, match="logit_radius"):
        entrywise_rank_profile(A, [0.1], -1.0)
    Q, K, _ = shared_attention_draw(10, 4, 1.0, rng=1)
    with pytest.raises(ValueError, match="features"):
        performer_fit_profile(Q, K, [], draws=2, maxiter=2, rng=0)
    with pytest.raises(ValueError, match="width"):
        performer_fit_profile(Q, K[:, :3], [2], draws=2, maxiter=2, rng=0)


def test_theorem38_exp_ranks_against_the_public_rank_formulas():
    # independent of _theorem38_best: the minimum over t of thm38_rank (Theorem 3.8) at the
    # largest admissible JL accuracy, through the checked public calculators
    import math

    from lowrank_nb.core.bounds import theorem38_exp_ranks, thm38_rank

    eps_values, beta, c2 = [0.02, 0.1, 0.3], 1.5, 0.7
    got = theorem38_exp_ranks(30, 50, eps_values, beta, c2=c2)
    for e, g in zip(eps_values, got):
        t0 = max(1, math.ceil(math.e**2 * beta), math.floor(math.log(1 / e)) + 1)
        want = min(thm38_rank(min((e - math.exp(-t)) / math.expm1(beta), 1 - 1e-9), 30, 50,
                              c2, t) for t in range(t0, t0 + 60))
        assert g == want
    with pytest.raises(ValueError, match="eps"):
        theorem38_exp_ranks(30, 50, [1.5], beta)
