"""lowrank_nb.core.vacuity: bound / baseline ratios cross 1 exactly at laptop_limits' thresholds."""

from __future__ import annotations

import numpy as np
import pytest

from lowrank_nb.core.bounds import laptop_limits, limit_threshold
from lowrank_nb.core.vacuity import (
    EPS_BOUNDS,
    TENSOR_BOUNDS,
    eps_vacuity_ratios,
    rank_vacuity_ratios,
)

EPS_LABELS = {  # vacuity label -> start of the laptop_limits label
    "Eq. (3), fitted c2": "Eq. (3), fitted",
    "Eq. (3), explicit c2": "Eq. (3), explicit",
    "Thm 3.8, t = ⌈log 1/ε⌉": "Thm 3.8, t=ceil",
    "Thm 3.8, t = 8": "Thm 3.8, t=8",
    "Eq. (5), n×n×n tensor": "Eq. (5)",
    "Thm 6.5, n×n×n tensor": "Thm 6.5",
    "Thm 2.1, m = 1": "Thm 2.1, m=1",
}


@pytest.mark.parametrize(("eps", "c2", "c3"), [(0.1, 1.53, 1.0), (0.27, 0.8, 0.2)])
def test_eps_ratios_cross_one_at_the_searched_thresholds(eps, c2, c3):
    limits = laptop_limits(eps=eps, r=1, c2_fit=c2, c3=c3)
    for label, start in EPS_LABELS.items():
        n_star = limit_threshold(limits, start)
        below, at = eps_vacuity_ratios([n_star - 1, n_star], eps, c2, c3=c3)[label]
        assert below >= 1 > at, label  # strict: rank bound < n from n* on
    assert tuple(eps_vacuity_ratios([5], eps, c2, c3=c3)) == EPS_BOUNDS == tuple(EPS_LABELS)


def test_bounds_selects_a_subset_with_the_same_values():
    full = eps_vacuity_ratios([10, 1000, 10**9], 0.15, 1.2, c3=0.3)
    part = eps_vacuity_ratios([10, 1000, 10**9], 0.15, 1.2, c3=0.3, bounds=TENSOR_BOUNDS)
    assert tuple(part) == TENSOR_BOUNDS
    for label in TENSOR_BOUNDS:
        np.testing.assert_array_equal(part[label], full[label])


@pytest.mark.parametrize("r", [1, 2, 7])
def test_rank_ratios_cross_one_at_the_searched_thresholds(r):
    limits = laptop_limits(eps=0.1, r=r, c2_fit=1.5)
    for label, start in (("Thm 4.4 (Zhang–Saab)", "Thm 4.4"), ("Thm 4.9 (Zhang–Saab)", "Thm 4.9")):
        n_star = limit_threshold(limits, start)
        below, at = rank_vacuity_ratios([n_star - 1, n_star], r)[label]
        assert below > 1 >= at, label  # not strict: MSE bound <= 4 alpha^2 from n* on


def test_ratios_are_bound_over_n():
    # independent arithmetic for one entry: Eq. (3) rank ceil(c2 log(2 e n^2) / eps^2) over n
    n, eps, c2 = 1000, 0.2, 1.3
    want = np.ceil(c2 * np.log(2 * np.e * n * n) / eps**2) / n
    assert eps_vacuity_ratios([n], eps, c2)["Eq. (3), fitted c2"][0] == pytest.approx(want)


def test_vacuity_bad_input():
    with pytest.raises(ValueError, match="1/e"):
        eps_vacuity_ratios([10], 0.5, 1.0)
    with pytest.raises(ValueError, match="sizes"):
        eps_vacuity_ratios([1], 0.1, 1.0)
    with pytest.raises(ValueError, match="c2_fit"):
        eps_vacuity_ratios([10], 0.1, -1.0)
    with pytest.raises(ValueError, match="bounds"):
        eps_vacuity_ratios([10], 0.1, 1.0, bounds=["Eq. (4)"])
    with pytest.raises(ValueError, match="r"):
        rank_vacuity_ratios([10], 0)
    with pytest.raises(ValueError, match="sizes"):
        rank_vacuity_ratios([2.5], 1)
