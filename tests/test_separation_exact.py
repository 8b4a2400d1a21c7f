"""Tests for the X = I_d oracle of Deng et al., Appendix E (papers.dengsong.separation_exact)."""

import itertools
import math

import numpy as np
import pytest

from lowrank_nb import separation as S  # noqa: N812
from lowrank_nb import separation_exact as E  # noqa: N812


@pytest.mark.parametrize(("n", "d", "a0", "a1", "b", "c"), [
    (200, 12, 0.01, 1.2, 0.2, 0.8), (240, 6, 0.01, 1.2, 0.2, 0.8),
    (256, 10, 0.3, 3.0, 0.15, math.sqrt(1 - 0.15**2)), (200, 7, 0.5, 0.7, 0.2, 0.8),
    (12, 14, 0.01, 1.2, 0.2, 0.8),  # t = 1: no other row in the spike's class
    (9, 3, 0.01, 1.2, 0.2, 0.8),    # d = 3: a single class
])
def test_fast_path_matches_full_enumeration(n, d, a0, a1, b, c):
    # reference: the Monte Carlo's own attention rows, all 2^d sign vectors
    rows = S.self_outputs(n, d, a0, a1, b, c, "identity", n // 2)
    tau = (c + 0.1) * math.sqrt(math.log(n))
    ref = E.enumerate_fire_probs(rows, tau)
    fast = E.exact_fire_probs_self_identity(n, d, a0, a1, b, c)
    for k in ref:
        assert fast[k] == pytest.approx(ref[k], abs=1e-12)  # rounding of the Binomial weights


def test_closed_form_rows_match_attention_layer():
    n, d, j3 = 200, 12, 37
    A = S.self_instance(n, d, 1.2, 0.2, 0.8, j3)
    for kind in ("exp", "lin"):
        C = S.attention_layer(A, A, A, np.eye(d), kind=kind)
        r = E.self_identity_rows(n, d, 1.2, 0.2, 0.8, kind)
        k3 = 1 + j3 % (d - 2)
        assert C[j3, 0] == pytest.approx(r["spike"][0], rel=1e-12)
        assert C[j3, k3] == pytest.approx(r["spike"][1], rel=1e-12)
        j0 = 0  # class 1 != k3
        assert C[j0, 1] == pytest.approx(r["other"][2], rel=1e-12)  # own column
        assert C[j0, k3] == pytest.approx(r["other"][1], rel=1e-12)
        assert C[j3 + (d - 2), 0] == pytest.approx(r["k3"][0], rel=1e-12)
    with pytest.raises(ValueError, match="kind"):
        E.self_identity_rows(n, d, 1.2, 0.2, 0.8, "relu")


@pytest.mark.parametrize(("n", "d", "m", "a1"), [(200, 12, 15, 1.2), (200, 22, 15, 1.2),
                                                 (256, 10, 5, 3.0), (1000, 12, 40, 1.2)])
def test_agrees_with_monte_carlo(n, d, m, a1):
    r = S.self_success(n, d, m, a1=a1, X="identity", trials=20000,
                       rng=np.random.default_rng(n + d + m))
    ex = E.exact_success_self_identity(n, d, m, a1=a1)
    assert abs(r["success"] - ex) <= 4 * max(r["success_se"], 1e-3)  # 4 SE of MC noise
    p = E.exact_fire_probs_self_identity(n, d, a1=a1)
    assert abs(r["exp_D1"] - (1 - (1 - p["exp_D1"]) ** m)) <= 4 * max(r["exp_D1_se"], 1e-3)


def test_known_values_and_limits():
    p = E.exact_fire_probs_self_identity(256, 66, b=0.15, c=math.sqrt(1 - 0.15**2))
    assert p["exp_D1"] == pytest.approx(0.25, abs=2e-3)  # row j3 fires iff y_1 = y_d = +1
    assert p["p_bad"] < 1e-3  # theory regime: rare false alarms
    # one weight vector: success = P(fires exp_D1 and nothing bad) <= P(exp_D1)
    assert E.exact_success_self_identity(200, 22, 1) <= p["exp_D1"] + 0.01


def test_bad_inputs():
    with pytest.raises(ValueError, match="multiple of d - 2"):
        E.exact_success_self_identity(200, 21, 15)
    with pytest.raises(ValueError, match="d must"):
        E.exact_success_self_identity(200, 2, 15)
    with pytest.raises(ValueError, match="m must"):
        E.exact_success_self_identity(200, 22, 0)
    with pytest.raises(TypeError, match="m must"):
        E.exact_success_self_identity(200, 22, 1.5)
    with pytest.raises(TypeError, match="a1"):
        E.exact_success_self_identity(200, 22, 15, a1="big")
    with pytest.raises(ValueError, match="tau"):
        E.exact_success_self_identity(200, 22, 15, tau=float("nan"))
    with pytest.raises(ValueError, match="keys"):
        E.enumerate_fire_probs({"exp_D1": np.ones((1, 3))}, 0.5)
    with pytest.raises(ValueError, match="counts"):
        E.sign_sum_tail(np.array([1.0, 2.0]), np.array([1]), 0.5)


def test_sign_sum_tail_matches_brute_force():
    v, k = np.array([0.3, -0.2, 0.05]), np.array([2, 1, 4])
    coef = np.repeat(v, k)
    allsig = np.array(list(itertools.product((-1.0, 1.0), repeat=coef.size)))
    x = allsig @ coef
    for tau in (0.12, 0.37, 0.61):  # sums are multiples of 0.1: no ties in rounding
        assert E.sign_sum_tail(v, k, tau) == pytest.approx(np.mean(np.abs(x) >= tau), abs=1e-14)
        assert E.sign_sum_tail(v, k, tau, two_sided=False) == pytest.approx(
            np.mean(x >= tau), abs=1e-14)
