"""Tests for the vacuity search and the catalogue of laptop-scale limits (lowrank_nb.bounds)."""

import math

import numpy as np
import pytest

from lowrank_nb import bounds
from lowrank_nb.compression import thm44_bound


def test_threshold_rank_bound_brackets_crossing() -> None:
    n_star = bounds.nonvacuous_threshold(lambda n: bounds.jl_rank(0.3, n, n, 1.5),
                                         lambda n: n, 2, 10**9)
    assert bounds.jl_rank(0.3, n_star, n_star, 1.5) < n_star
    assert bounds.jl_rank(0.3, n_star - 1, n_star - 1, 1.5) >= n_star - 1


def test_threshold_matches_linear_scan() -> None:
    # bound(n) = 1000 / n against the constant 7: first n with 1000/n < 7 is 143.
    assert bounds.nonvacuous_threshold(lambda n: 1000 / n, 7.0, 1, 10**12) == 143
    # non-strict: 1000/n <= 8 first at n = 125 exactly
    assert bounds.nonvacuous_threshold(lambda n: 1000 / n, 8.0, 1, 10**12, strict=False) == 125
    assert bounds.nonvacuous_threshold(lambda n: 1000 / n, 8.0, 1, 10**12) == 126


def test_threshold_huge_integers() -> None:
    target = 10**25 + 12345
    assert bounds.nonvacuous_threshold(lambda n: target, lambda n: n, 1, 10**30) == target + 1


def test_threshold_brackets_theorem_44() -> None:
    f = lambda n: thm44_bound(1, n, n, 1.0, 0.5)  # noqa: E731
    n = bounds.nonvacuous_threshold(f, 4.0, 1, 10**15, strict=False)
    assert f(n) <= 4.0 < f(n - 1)


def test_threshold_bad_input() -> None:
    with pytest.raises(TypeError, match="bound must be callable"):
        bounds.nonvacuous_threshold(3.0, 1.0, 1, 10)
    with pytest.raises(ValueError, match="hi must lie"):
        bounds.nonvacuous_threshold(lambda n: 1 / n, 0.5, 10, 10)
    with pytest.raises(TypeError, match="lo must be an integer"):
        bounds.nonvacuous_threshold(lambda n: 1 / n, 0.5, 1.0, 10)
    with pytest.raises(ValueError, match="trivial must be finite"):
        bounds.nonvacuous_threshold(lambda n: 1 / n, -1.0, 1, 10)
    with pytest.raises(ValueError, match="already non-vacuous at lo"):
        bounds.nonvacuous_threshold(lambda n: 1 / n, 2.0, 1, 10)
    with pytest.raises(ValueError, match="stays vacuous up to hi"):
        bounds.nonvacuous_threshold(lambda n: 1.0, 0.5, 1, 10)
    with pytest.raises(TypeError, match="strict must be a bool"):
        bounds.nonvacuous_threshold(lambda n: 1 / n, 0.5, 1, 10, strict=1)
    with pytest.raises(ValueError, match="checks must lie"):
        bounds.nonvacuous_threshold(lambda n: 1 / n, 0.5, 1, 10, checks=1)


def test_threshold_refuses_non_monotone() -> None:
    # vacuous at 1, non-vacuous on [10, 99], vacuous again on [100, 999], non-vacuous from 1000
    def wiggly(n: int) -> float:
        return 0.0 if (10 <= n < 100 or n >= 1000) else 2.0

    with pytest.raises(ValueError, match="not monotone"):
        bounds.nonvacuous_threshold(wiggly, 1.0, 1, 10**4)


def test_thm38_rank() -> None:
    assert bounds.thm38_rank(0.1, 100, 100, 1.5) == 1 + 2 * bounds.jl_rank(0.1, 100, 100, 1.5)
    assert bounds.thm38_rank(0.5, 100, 100, 1.0, t=4) == 1 + 3 * bounds.jl_rank(0.5, 100, 100)
    with pytest.raises(ValueError, match="1/e"):
        bounds.thm38_rank(0.5, 100, 100)
    with pytest.raises(ValueError, match="t must lie"):
        bounds.thm38_rank(0.1, 100, 100, t=0)


def test_lemma41_and_hoeffding() -> None:
    assert bounds.lemma41_part2_bound(1e4) == pytest.approx(math.sqrt(math.log(1e6)) / 10**0.4)
    assert bounds.lemma41_part2_bound(1e13) > 0.25 > bounds.lemma41_part2_bound(1e14)
    assert bounds.hoeffding_type2_bound(47, 0.2, 0.01) <= 0.1 < bounds.hoeffding_type2_bound(
        46, 0.2, 0.01)
    with pytest.raises(ValueError, match="n must be finite"):
        bounds.lemma41_part2_bound(0.5)
    with pytest.raises(TypeError, match="n must be a real"):
        bounds.lemma41_part2_bound("10")
    with pytest.raises(ValueError, match="delta must lie"):
        bounds.lemma41_part2_bound(10, delta=1.0)
    with pytest.raises(ValueError, match="d must lie"):
        bounds.hoeffding_type2_bound(2, 0.2, 0.01)
    with pytest.raises(ValueError, match="p must lie"):
        bounds.hoeffding_type2_bound(10, 0.2, 0.0)


def test_fit_jl_constant() -> None:
    c2 = bounds.fit_jl_constant([50], [10], [32, 64], reps=2, rng=3)
    assert c2.shape == (4,) and np.all(c2 > 0)
    # the same seed gives the same fit
    assert np.array_equal(c2, bounds.fit_jl_constant([50], [10], [32, 64], reps=2, rng=3))
    with pytest.raises(ValueError, match="schemes must contain"):
        bounds.fit_jl_constant([50], [10], [32], schemes=("both",))
    with pytest.raises(TypeError, match="ns must be a non-empty"):
        bounds.fit_jl_constant([], [10], [32])
    with pytest.raises(ValueError, match="reps must lie"):
        bounds.fit_jl_constant([50], [10], [32], reps=0)


def test_laptop_limits_catalogue() -> None:
    limits = bounds.laptop_limits(0.1, 1, 1.5)
    by = {lim.label: lim for lim in limits}
    assert by["Thm 4.4, r=1"].threshold == 2956  # the Part IV number, same function
    assert by["Lemma D.8, Hoeffding"].threshold == 47
    assert by["Lemma D.2.4a, a1=1.2"].threshold is None  # vacuous for every n
    assert by["Eq. (1), m=3"].threshold == bounds.taylor_rank(3, 1e-3, 1.0) + 1
    # Theorem 6.5 at t = 8 multiplies the Eq. (5) rank by 7, so its threshold is later
    n5, n65 = by["Eq. (5), d=3, c3=1"].threshold, by["Thm 6.5, d=3, t=8"].threshold
    assert n5 is not None and n65 is not None and 5 * n5 < n65
    for lim in limits:
        if lim.threshold is not None:
            assert lim.nonvacuous(lim.threshold) and not lim.nonvacuous(lim.threshold - 1)
    with pytest.raises(ValueError, match="1/e"):
        bounds.laptop_limits(0.5)
    with pytest.raises(ValueError, match="r must lie"):
        bounds.laptop_limits(0.1, 0)
    with pytest.raises(ValueError, match="c2_fit must be finite"):
        bounds.laptop_limits(0.1, 1, -1.0)
    with pytest.raises(ValueError, match="c3 must be finite"):
        bounds.laptop_limits(0.1, 1, 1.5, c3=0.0)


def test_tt_rank_eq5() -> None:
    # The Part II erratum's number: eps = 0.3, n = 30, c3 = 1 -> ceil(11.90 / 0.09) = 133
    assert bounds.tt_rank_eq5(0.3, (30, 30, 30)) == 133
    # d = 2 is Eq. (2) of the matrix case, the same formula
    assert bounds.tt_rank_eq5(0.2, (50, 70), 1.5) == bounds.jl_rank(0.2, 50, 70, 1.5)
    # logs of sizes, not a float product: d = 400 modes of size 10**6 do not overflow
    assert bounds.tt_rank_eq5(0.5, [10**6] * 400) == math.ceil(
        (math.log(2 * math.e) + 400 * math.log(10**6)) / 0.25)
    assert bounds.thm65_rank(0.3, (30, 30, 30)) == 1 + 7 * 133
    with pytest.raises(TypeError, match="dims must be a sequence"):
        bounds.tt_rank_eq5(0.3, 30)
    with pytest.raises(TypeError, match="dims must be a sequence"):
        bounds.tt_rank_eq5(0.3, (30,))
    with pytest.raises(ValueError, match="dims\\[1\\]"):
        bounds.tt_rank_eq5(0.3, (30, 0, 30))
    with pytest.raises(ValueError, match="c_d must be finite"):
        bounds.tt_rank_eq5(0.3, (30, 30), -1.0)
    with pytest.raises(ValueError, match="eps"):
        bounds.tt_rank_eq5(1.5, (30, 30))
    with pytest.raises(ValueError, match="t must"):
        bounds.thm65_rank(0.3, (30, 30), t=0)
