"""Tests for lowrank_nb.papers.dengsong.separation_rates (Explore curves of the separation)."""

import math

import numpy as np
import pytest

from lowrank_nb.papers.dengsong.separation import (
    exact_fire_probs_self_ones,
    exact_success_self_ones,
    self_success,
    toy_success,
)
from lowrank_nb.papers.dengsong.separation_exact import exact_success_self_identity
from lowrank_nb.papers.dengsong.separation_rates import (
    self_separation_rates,
    toy_product_parts,
    toy_rates,
    toy_sign_products,
)


@pytest.mark.parametrize("X", ["ones", "identity"])
def test_self_rates_match_exact_success_and_monte_carlo(X):
    ds = [4, 6, 10, 22]
    r = self_separation_rates(X, 200, ds, 15, a1=1.2)
    oracle = exact_success_self_ones if X == "ones" else exact_success_self_identity
    for i, d in enumerate(ds):
        assert r["success"][i] == pytest.approx(oracle(200, d, 15, 0.01, 1.2, 0.2, 0.8),
                                                abs=1e-14)  # one formula, two code paths
    # independent check: the Monte Carlo of the attention layers, 4 SE (floor 1e-3 where SE ~ 0)
    mc = self_success(200, 6, 15, 0.01, 1.2, 0.2, 0.8, X=X, trials=3000,
                      rng=np.random.default_rng(1))
    for key in ("exp_D1", "lin_D1", "exp_D0", "lin_D0", "success"):
        assert abs(mc[key] - r[key][1]) <= 4 * max(mc[key + "_se"], 1e-3)


def test_self_rates_marginals_are_powers_of_fire_probs():
    p = exact_fire_probs_self_ones(200, 22, 0.01, 3.0, 0.2, 0.8)
    r = self_separation_rates("ones", 200, [22], 7, a1=3.0)
    assert r["exp_D1"][0] == pytest.approx(1 - (1 - p["exp_D1"]) ** 7, abs=1e-14)
    assert r["lin_D1"][0] == pytest.approx((1 - p["lin_D1"]) ** 7, abs=1e-14)
    assert np.all((r["success"] >= 0) & (r["success"] <= 1))


def test_self_rates_bad_input():
    with pytest.raises(ValueError, match="X"):
        self_separation_rates("eye", 200, [6], 3)
    with pytest.raises(ValueError, match="multiple of d - 2"):
        self_separation_rates("ones", 200, [5], 3)
    with pytest.raises(ValueError, match="m"):
        self_separation_rates("ones", 200, [6], 0)
    with pytest.raises(ValueError, match="d_values"):
        self_separation_rates("ones", 200, [], 3)


def test_toy_rates_agree_with_toy_success():
    taus = [0.05, 0.3, 0.9]
    parts = toy_product_parts(300, 5, 3000, rng=np.random.default_rng(5))
    for spike in (4.0, 2.0):
        r = toy_rates(toy_sign_products(parts, spike), 5, taus)
        for i, tau in enumerate(taus):
            ref = toy_success(300, 5, tau, 3000, rng=np.random.default_rng(6), spike=spike)
            for key in ("exp_D1", "lin_D1", "exp_D0", "lin_D0", "success"):
                # two independent Monte Carlos of 3000 trials: 4 SE of the difference
                se = math.sqrt(2 * max(ref[key] * (1 - ref[key]), 1e-3) / 3000)
                assert abs(r[key][i] - ref[key]) <= 4 * se


def test_toy_sign_products_closed_form_spike():
    parts = toy_product_parts(50, 3, 40, rng=np.random.default_rng(2))
    lo = toy_sign_products(parts, 1.2)["exp_D1"]
    hi = toy_sign_products(parts, 6.0)["exp_D1"]
    # a spike far above the other scores takes all the softmax weight: <f, y> -> y_spike
    assert np.allclose(hi, parts["y_spike"], atol=1e-6)
    assert not np.allclose(lo, parts["y_spike"], atol=0.1)
    # linear attention: weight s ln n / (sum of the other scores + s ln n) on the spike
    lin = toy_sign_products(parts, 3.0)["lin_D1"]
    a = 3.0 * math.log(50)
    w = a / (parts["lin_z"] + a)
    assert np.allclose(lin, (1 - w)[:, None] * parts["lin_rest"] + w[:, None] * parts["y_spike"])
    assert np.all(np.abs(lin) <= 1 + 1e-12)
    r7, r2 = (toy_rates(toy_sign_products(parts, 4.0), k, [0.3]) for k in (3, 1))
    assert r2["exp_D1"][0] <= r7["exp_D1"][0]  # more weight vectors fire more often


def test_toy_bad_input():
    with pytest.raises(TypeError, match="rng"):
        toy_product_parts(60, 4, 10, rng=None)
    with pytest.raises(ValueError, match="hi"):
        toy_product_parts(60, 4, 10, rng=np.random.default_rng(0), lo=2.0, hi=1.0)
    parts = toy_product_parts(30, 3, 10, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="spike"):
        toy_sign_products(parts, -1.0)
    with pytest.raises(ValueError, match="parts"):
        toy_sign_products({"ell": 1.0}, 4.0)
    prods = toy_sign_products(parts, 4.0)
    with pytest.raises(ValueError, match="m"):
        toy_rates(prods, 4, [0.5])
    with pytest.raises(ValueError, match="keys"):
        toy_rates({"exp_D1": prods["exp_D1"]}, 1, [0.5])
