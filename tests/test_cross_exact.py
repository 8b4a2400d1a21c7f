"""Exact sign-sum laws (lowrank_nb.cross_exact) against brute-force enumeration."""

import itertools
import math

import numpy as np
import pytest

from lowrank_nb.papers.dengsong.cross_exact import (
    group_coefficients,
    lin_extreme_groups,
    prob_abs_below,
    sign_sum_law,
    sign_sum_tail,
    tight_constant,
)


def _all_sums(c):
    signs = np.array(list(itertools.product([-1.0, 1.0], repeat=len(c))))
    return signs @ np.asarray(c)


def test_group_coefficients_merges_rounding():
    g = group_coefficients([0.1, 0.1 + 1e-17, 0.3, 0.1])
    assert [cnt for _, cnt in g] == [3, 1]
    with pytest.raises(ValueError):
        group_coefficients([])


def test_law_and_prob_abs_below_match_enumeration():
    c = np.r_[np.full(4, 0.11), np.full(3, 0.27), 0.7]
    x = _all_sums(c)
    _vals, probs = sign_sum_law(group_coefficients(c))
    assert abs(probs.sum() - 1) < 1e-14
    for r in (0.2, 0.5, 0.9):
        p, gap = prob_abs_below(c, r)
        assert abs(p - np.mean(np.abs(x) < r)) < 1e-14
        assert gap == pytest.approx(np.min(np.abs(np.abs(x) - r)))


def test_uniform_row_value_d11():
    # ten class weights 1/10 and one weight 1/200: |S| <= 4 of ten signs, 912/1024
    p, _ = prob_abs_below(np.r_[1 / 200, np.full(10, 0.1)], 0.5)
    assert abs(p - 912 / 1024) < 1e-14


def test_tail_matches_enumeration_off_ties():
    c = np.r_[np.full(6, 0.013), np.full(7, 0.021), 0.2]
    x = _all_sums(c)
    g = group_coefficients(c)
    for t in (0.0105, 0.0777, 0.1234, 0.2001, 0.3333):
        assert abs(sign_sum_tail(g, t) - np.mean(np.abs(x) > t)) < 1e-13


def test_tail_large_n_against_monte_carlo():
    groups, _ = lin_extreme_groups(2000, 0)
    rng = np.random.default_rng(1)
    f = np.concatenate([np.full(c, v) for v, c in groups])
    x = rng.choice([-1.0, 1.0], size=(20_000, f.size)) @ f
    t = 0.05
    p = sign_sum_tail(groups, t)
    assert abs(np.mean(np.abs(x) > t) - p) < 4 * math.sqrt(p * (1 - p) / len(x))  # 4 SE


def test_lin_extreme_groups_maximise_sum_sq():
    for cls in (0, 1):
        groups, k = lin_extreme_groups(300, cls)
        assert abs(sum(v * c for v, c in groups) - 1) < 1e-12  # f sums to 1
        s2 = sum(v * v * c for v, c in groups)
        for kk in (0, k // 2, min(k + 5, 299 - cls)):
            u = np.r_[np.full(kk, 1.4), np.full(300 - cls - kk, 1.0), [4.0] * cls]
            assert (u**2).sum() / u.sum() ** 2 <= s2 + 1e-15
    with pytest.raises(ValueError):
        lin_extreme_groups(10, 2)


def test_tight_constant_is_the_switch_point():
    n, delta = 500, 0.01
    groups, _ = lin_extreme_groups(n, 0)
    target = delta / n
    c_star = tight_constant(groups, n, delta, target)
    scale = math.sqrt(math.log(n / delta) / n)
    assert sign_sum_tail(groups, c_star * scale) <= target
    assert sign_sum_tail(groups, (c_star - 1e-3) * scale) > target
    with pytest.raises(ValueError):
        tight_constant(groups, n, delta, 1e-300, c_hi=1.0)
