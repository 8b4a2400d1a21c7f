"""Tests for lowrank_nb.papers.dengsong.experiments (the Part V chapter helpers)."""

import math

import numpy as np
import pytest

from lowrank_nb.papers.dengsong import separation as S  # noqa: N812
from lowrank_nb.papers.dengsong.experiments import (
    cross_layer,
    cross_m,
    exact_panel,
    numerical_rank,
    panel_zscores,
    reduced_row,
    row_sign_tails,
    sci_text,
    self_panel_sweep,
    type2_tail,
)

SELF = dict(n=200, d=22, m=15, a0=0.01, a1=1.2, b=0.2, c=0.8)
PANELS = {"d": (np.array([12, 22]), {}), "n": (np.array([200, 400]), dict(d=12))}


def test_sci_text():
    assert sci_text(2778160.0) == "2.8·10⁶"
    assert sci_text(1.91e-11, digits=3) == "1.91·10⁻¹¹"
    with pytest.raises(ValueError, match="digits"):
        sci_text(1.0, digits=0)
    with pytest.raises(TypeError, match="x"):
        sci_text("1")


def test_exact_panel_matches_direct_calls():
    got = exact_panel(S.exact_success_self_ones, "n", PANELS, SELF)
    want = [S.exact_success_self_ones(nn, 12, 15, 0.01, 1.2, 0.2, 0.8) for nn in (200, 400)]
    assert np.array_equal(got, np.array(want))
    with pytest.raises(ValueError, match="name"):
        exact_panel(S.exact_success_self_ones, "c", PANELS, SELF)
    with pytest.raises(TypeError, match="oracle"):
        exact_panel(None, "n", PANELS, SELF)


def test_self_panel_sweep_agrees_with_exact_and_zscores():
    mc = {name: self_panel_sweep("ones", name, PANELS, SELF, trials=4000,
                                 rng=np.random.default_rng(3)) for name in PANELS}
    ex = {name: exact_panel(S.exact_success_self_ones, name, PANELS, SELF) for name in PANELS}
    z = panel_zscores(mc, ex, 4000, floor=1e-3)  # floor below every SE here
    assert z.shape == (4,) and np.all(np.abs(z) < 4.5)  # 4 points, 4.5 SE each
    # the z-score by hand for one point
    p = ex["d"][0]
    assert z[0] == pytest.approx((mc["d"]["success"][0] - p) / math.sqrt(p * (1 - p) / 4000))
    with pytest.raises(ValueError, match="X"):
        self_panel_sweep("zeros", "d", PANELS, SELF, trials=10, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="no panel"):
        panel_zscores({}, ex, 100)
    with pytest.raises(ValueError, match="floor"):
        panel_zscores(mc, ex, 100, floor=0.0)


def test_cross_m():
    assert cross_m({"n": 200}) == 10  # ceil(ln(200 / 0.01)) = ceil(9.90)
    assert cross_m({"n": 200, "m": 3}) == 3
    with pytest.raises(ValueError, match="'n'"):
        cross_m({"m": 3})


def test_reduced_row_and_row_sign_tails_against_enumeration():
    n, d, tau = 198, 8, 0.8 * math.sqrt(math.log(198))  # n = (d - 2) t
    A = S.self_instance(n, d, 0.01, 0.2, 0.8, j3=5)
    C = S.attention_layer(A, A, A, np.ones((d, d)))
    k3 = 1 + 5 % (d - 2)
    v = reduced_row(C[0], k3, d)
    assert v[0] == C[0, 0] and v[1] == C[0, k3] and v[3] == C[0, -1]
    # brute force over all 2^d sign vectors
    s = np.array(np.meshgrid(*[[-1.0, 1.0]] * d)).reshape(d, -1).T
    ip = s @ C[0]
    two, one = row_sign_tails(C, (0,), k3, d, tau)[0]
    assert two == pytest.approx(np.mean(np.abs(ip) >= tau), abs=1e-12)
    assert one == pytest.approx(np.mean(ip >= tau), abs=1e-12)
    bad = C[0].copy()
    bad[(k3 % (d - 2)) + 1] += 1.0  # another Type-II entry now differs
    with pytest.raises(ValueError, match="Type-II"):
        reduced_row(bad, k3, d)
    with pytest.raises(ValueError, match="length"):
        reduced_row(C[0, :-1], k3, d)


def test_type2_tail_against_binomial():
    b, d = 0.2, 12
    k = np.arange(d - 2 + 1)  # number of +1 signs
    pk = np.array([math.comb(d - 2, int(i)) for i in k]) / 2.0 ** (d - 2)
    want = pk[np.abs(b / (d - 2) * (2 * k - (d - 2))) >= 0.1].sum()
    assert type2_tail(b, d) == pytest.approx(want, abs=1e-12)
    with pytest.raises(ValueError, match="b"):
        type2_tail(-0.2, d)


def test_cross_layer_matches_attention_layer():
    C, P = cross_layer(200, 11, 3.0, "exp", 5, 9)
    B1, B2 = S.cross_instance(200, 11, 3.0, 5, 9)
    S_ = B1 @ B2.T  # X = I: scores A1 A2^T, softmax rows, values A2
    W = np.exp(S_ - S_.max(axis=1, keepdims=True))
    Pw = W / W.sum(axis=1, keepdims=True)
    assert np.allclose(P, Pw, rtol=1e-12, atol=0)  # same formula, other code path
    assert np.allclose(C, Pw @ B2, rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError, match="kind"):
        cross_layer(200, 11, 3.0, "relu", 5, 9)


def test_numerical_rank():
    rng = np.random.default_rng(0)
    M = rng.standard_normal((30, 3)) @ rng.standard_normal((3, 20))
    assert numerical_rank(M) == 3
    assert numerical_rank(np.zeros((4, 4))) == 0
    assert numerical_rank(np.diag([1.0, 1e-12])) == 1 and numerical_rank(np.diag([1.0, 1e-9])) == 2
    with pytest.raises(ValueError, match="rtol"):
        numerical_rank(M, rtol=0.0)
    with pytest.raises(ValueError, match="M"):
        numerical_rank(np.ones(3))
