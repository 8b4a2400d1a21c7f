"""Tests of lowrank_nb.papers.zhangsaab.recovery_curves (Part IV Explore curves)."""

import numpy as np
import pytest

from lowrank_nb.core.bounds import thm31_bounds
from lowrank_nb.papers.zhangsaab.compression import (
    data_driven_lowrank,
    gen_single_layer,
    thm31_deterministic_bound,
)
from lowrank_nb.papers.zhangsaab.recovery_curves import theorem31_curves


def test_theorem31_curves_match_the_estimator_on_the_same_instance():
    d1s, r, sigma = [80, 150], 3, 0.3
    got = theorem31_curves(r, sigma, d1s, d=20, d2=15, rng=4)
    for i, d1 in enumerate(d1s):
        # the instance the function draws, built directly at this sigma
        g = gen_single_layer(d1, 20, 15, r, sigma, rng=np.random.default_rng([4, d1, r]))
        A, B = data_driven_lowrank(g["X"], g["W"], r, X_check=g["X_check"])
        mse = np.mean((g["X_check"] @ (g["M"] - A @ B)) ** 2)
        sharp = thm31_deterministic_bound(g["X"], g["W"], g["X_check"], g["M"], r) ** 2
        bnd = thm31_bounds(r, d1, 20, 15, sigma, g["eps"])
        # two routes through different SVDs of the same data: agreement to round-off
        assert got["mse"][i] == pytest.approx(mse, rel=1e-8)
        assert got["sharp"][i] == pytest.approx(sharp / (d1 * 15), rel=1e-8)
        assert got["eps"][i] == pytest.approx(g["eps"], rel=1e-8)
        assert got["gaussian"][i] == pytest.approx(bnd["gaussian"], rel=1e-8)
        assert got["paper"][i] == pytest.approx(bnd["paper_form"], rel=1e-8)
        assert got["rate"][i] == pytest.approx(bnd["rate"], rel=1e-12)
        assert got["mse"][i] <= got["sharp"][i]  # the proof's deterministic inequality


def test_theorem31_curves_bad_input():
    with pytest.raises(ValueError, match="r must lie"):
        theorem31_curves(0, 0.1, [100], rng=1)
    with pytest.raises(ValueError, match="d1s must lie"):
        theorem31_curves(2, 0.1, [10], d=50, rng=1)
    with pytest.raises(ValueError, match="sigma"):
        theorem31_curves(2, -1.0, [100], rng=1)
    with pytest.raises(TypeError, match="rng"):
        theorem31_curves(2, 0.1, [100], rng=None)
