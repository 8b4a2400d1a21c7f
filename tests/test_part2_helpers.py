"""Helpers moved out of the Part II chapters (issue 15): values against independent
computations, and bad inputs.

Modules: lowrank_nb.core.derivatives, lowrank_nb.papers.budzinskiy.profiles,
lowrank_nb.papers.budzinskiy.attention_features, lowrank_nb.papers.budzinskiy.eps_rank_scan,
lowrank_nb.papers.budzinskiy.hadamard_lab, lowrank_nb.papers.budzinskiy.rff_errors.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from lowrank_nb.core.certify import eps_rank_lower_bound
from lowrank_nb.core.derivatives import sup_derivatives
from lowrank_nb.core.kernels import spectral_sample
from lowrank_nb.core.sampling import sample_ball, sample_sphere
from lowrank_nb.papers.budzinskiy.attention_features import (
    feature_moments,
    random_feature_errors,
    sphere_tokens,
    trig_transfer_errors,
)
from lowrank_nb.papers.budzinskiy.embeddings.distance import taylor_coefficients
from lowrank_nb.papers.budzinskiy.embeddings.hadamard import (
    hadamard_power_factors,
    hadamard_power_sketches,
)
from lowrank_nb.papers.budzinskiy.eps_rank_scan import eps_rank_scan
from lowrank_nb.papers.budzinskiy.hadamard_lab import hadamard_power_errors, sphere_sketch_lab
from lowrank_nb.papers.budzinskiy.profiles import f1_profile
from lowrank_nb.papers.budzinskiy.refutation import counterexample_matrix, counterexample_points
from lowrank_nb.papers.budzinskiy.rff_errors import rff_max_errors


# ----------------------------------------------------------------------------- derivatives
def test_sup_derivatives_matches_closed_forms() -> None:
    # e^{2u - 2} on [-1, 1]: |h^(s)| = 2^s e^{2u - 2}, largest at u = 1, equal to 2^s.
    got = sup_derivatives(lambda v: mpmath.exp(2 * v - 2), np.linspace(-1, 1, 5), 8)
    # 1e-9 relative: mpmath's finite differences at 15 digits lose a few digits by order 8.
    np.testing.assert_allclose(got, 2.0 ** np.arange(9), rtol=1e-9)
    # cos on a grid containing 0 and pi/2: every |cos^(s)| reaches 1 there.
    got_cos = sup_derivatives(mpmath.cos, np.array([0.0, math.pi / 2, 1.0]), 6)
    np.testing.assert_allclose(got_cos, np.ones(7), rtol=1e-9)


def test_sup_derivatives_bad_input() -> None:
    with pytest.raises(ValueError, match="s_max"):
        sup_derivatives(mpmath.exp, np.array([0.0]), -1)
    with pytest.raises(ValueError, match="s_max"):
        sup_derivatives(mpmath.exp, np.array([0.0]), 61)
    with pytest.raises(TypeError, match="h must be callable"):
        sup_derivatives(3.0, np.array([0.0]), 2)
    with pytest.raises(ValueError, match="grid"):
        sup_derivatives(mpmath.exp, np.array([]), 2)


# ----------------------------------------------------------------------------- profiles
def test_f1_profile_values_and_derivatives() -> None:
    assert abs(float(f1_profile(0.25)) - math.exp(-0.5)) <= 1e-15
    assert float(f1_profile(0)) == 1.0
    # h'(u) = -e^{-sqrt u} / (2 sqrt u); h''(u) = e^{-sqrt u} (1/(4u) + 1/(4 u^{3/2})).
    c = taylor_coefficients(f1_profile, 1.0, 2)
    # 1e-12 relative: mpmath works at 60 digits here; the float conversion dominates.
    assert abs(c[1] - (-math.exp(-1) / 2)) <= 1e-12
    assert abs(c[2] - math.exp(-1) / 2 / 2) <= 1e-12


def test_f1_profile_bad_input() -> None:
    with pytest.raises(ValueError, match="u must be finite"):
        f1_profile(-0.5)
    with pytest.raises(TypeError, match="u must be a real number"):
        f1_profile("1")
    with pytest.raises(TypeError, match="u must be a real number"):
        f1_profile(True)


# ----------------------------------------------------------------------------- attention
def test_sphere_tokens_norms_and_logit_scale() -> None:
    Q, K = sphere_tokens(30, 16, 0.5, rng=3)
    R = math.sqrt(0.5 * 4.0)  # sqrt(scale * sqrt(m))
    # 1e-12: normalised Gaussian rows, rounding only.
    np.testing.assert_allclose(np.linalg.norm(Q, axis=1), R, rtol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(K, axis=1), R, rtol=1e-12)
    assert np.abs(Q @ K.T).max() / 4.0 <= 0.5 * (1 + 1e-12)  # |logit| <= scale (Cauchy-Schwarz)
    g = np.random.default_rng(3)  # draw order: Q, then K
    np.testing.assert_array_equal(Q, sample_sphere(30, 16, R=math.sqrt(0.5 * math.sqrt(16)), rng=g))


def test_sphere_tokens_bad_input() -> None:
    with pytest.raises(TypeError, match="rng"):
        sphere_tokens(4, 4, 1.0, rng=None)
    with pytest.raises(ValueError, match="scale"):
        sphere_tokens(4, 4, 0.0, rng=0)
    with pytest.raises(ValueError, match="n must lie"):
        sphere_tokens(0, 4, 1.0, rng=0)


def test_random_feature_errors_against_direct_formulas() -> None:
    n, m, scale, rho = 40, 9, 1.0, 64
    trig, pos, ratio = random_feature_errors(n, m, scale, rho, rng=11)
    # Independent evaluation: the features written out entry by entry.
    g = np.random.default_rng(11)
    R = math.sqrt(scale * math.sqrt(m))
    Q, K = sample_sphere(n, m, R=R, rng=g), sample_sphere(n, m, R=R, rng=g)
    Om = g.standard_normal((m, rho))
    A = np.exp(Q @ K.T / math.sqrt(m))
    q, k = Q / m**0.25, K / m**0.25
    trig_feat = [np.exp(0.5 * (x**2).sum(1))[:, None]
                 * np.hstack([np.cos(x @ Om), np.sin(x @ Om)]) / math.sqrt(rho) for x in (q, k)]
    pos_feat = [np.exp(x @ Om - 0.5 * (x**2).sum(1)[:, None]) / math.sqrt(rho) for x in (q, k)]
    want_trig = np.abs(A - trig_feat[0] @ trig_feat[1].T).max() / A.max()
    want_pos = np.abs(A - pos_feat[0] @ pos_feat[1].T).max() / A.max()
    # 1e-10 relative: the same sums in a different order (errors are differences of O(1)).
    assert abs(trig - want_trig) <= 1e-10 * want_trig
    assert abs(pos - want_pos) <= 1e-10 * want_pos
    assert abs(ratio - A.max() / math.exp(scale)) <= 1e-14 and 0 < ratio <= 1
    t_theory, p_theory, _ = random_feature_errors(n, m, scale, rho, rng=11, theory_norm=True)
    # theory normalisation divides by e^scale instead of max A: the ratio links the two
    assert abs(t_theory - trig * ratio) <= 1e-14 and abs(p_theory - pos * ratio) <= 1e-14


def test_random_feature_errors_bad_input() -> None:
    with pytest.raises(ValueError, match="rho"):
        random_feature_errors(8, 4, 1.0, 0, rng=0)
    with pytest.raises(TypeError, match="rng"):
        random_feature_errors(8, 4, 1.0, 4, rng=None)
    with pytest.raises(TypeError, match="theory_norm"):
        random_feature_errors(8, 4, 1.0, 4, rng=0, theory_norm="yes")


def test_feature_moments_against_gauss_hermite() -> None:
    # omega^T z ~ N(0, |z|^2): each moment is a 1-D Gaussian integral, done by Gauss-Hermite.
    x, w = np.polynomial.hermite_e.hermegauss(150)
    w = w / math.sqrt(2 * math.pi)
    for q, k in ((np.array([0.5, 0.0]), np.array([0.3, 0.4])),
                 (np.array([0.6, -0.2]), np.array([-0.6, 0.2])),
                 (np.array([0.7, 0.1]), np.array([0.7, 0.1]))):
        ex = feature_moments(q, k)
        half = (q @ q + k @ k) / 2
        sp, sm = np.linalg.norm(q + k), np.linalg.norm(q - k)
        y_pos = np.exp(sp * x - half)
        y_trig = np.exp(half) * np.cos(sm * x)
        for name, y in (("pos", y_pos), ("trig", y_trig)):
            want = [w @ y**p for p in (1, 2, 4)]
            # 1e-10 relative: 150 Gauss-Hermite nodes integrate these entire integrands
            np.testing.assert_allclose(ex[name], want, rtol=1e-10)
            m1, m2, _ = ex[name]
            rv = ex["relvar"][0 if name == "pos" else 1]
            assert abs(rv - (m2 / m1**2 - 1)) <= 1e-12 * (1 + rv)
        assert abs(ex["pos"][0] - math.exp(q @ k)) <= 1e-14 * math.exp(q @ k)  # unbiased


def test_feature_moments_bad_input() -> None:
    with pytest.raises(ValueError, match="same length"):
        feature_moments(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="ndim"):
        feature_moments(np.zeros((2, 2)), np.zeros((2, 2)))


def test_trig_transfer_errors_against_direct_formulas() -> None:
    n, m, scale, rho = 30, 8, 0.5, 64
    realised, sharp, spec = trig_transfer_errors(n, m, scale, rho, rng=21)
    g = np.random.default_rng(21)  # draw order: Q, K, V, Omega
    R = math.sqrt(scale * math.sqrt(m))
    Q, K = sample_sphere(n, m, R=R, rng=g), sample_sphere(n, m, R=R, rng=g)
    V = g.standard_normal((n, m))
    Om = g.standard_normal((m, rho))
    A = np.exp(Q @ K.T / math.sqrt(m))
    q, k = Q / m**0.25, K / m**0.25
    feats = [np.exp(0.5 * (x**2).sum(1))[:, None]
             * np.hstack([np.cos(x @ Om), np.sin(x @ Om)]) / math.sqrt(rho) for x in (q, k)]
    G = feats[0] @ feats[1].T
    att = [(M_ @ V) / M_.sum(1)[:, None] for M_ in (G, A)]
    delta = np.abs(A - G).max()
    width = (V.max(0) - V.min(0)).max()
    # 1e-10 relative: the same quantities summed in a different order
    assert abs(realised - np.abs(att[0] - att[1]).max()) <= 1e-10 * realised
    assert abs(sharp - delta * width / (A.mean(1).min() - delta)) <= 1e-10 * sharp
    assert abs(spec - 2 * delta * np.abs(V).max() / (A.min() - delta)) <= 1e-10 * spec
    assert realised <= sharp <= spec


def test_trig_transfer_errors_bad_input() -> None:
    with pytest.raises(ValueError, match="rho"):
        trig_transfer_errors(8, 4, 0.5, 0, rng=0)
    with pytest.raises(TypeError, match="rng"):
        trig_transfer_errors(8, 4, 0.5, 8, rng=None)


# ----------------------------------------------------------------------------- eps-rank scan
def _svd_rank_within(F: np.ndarray, delta: float) -> int:
    U, s, Vt = np.linalg.svd(F)
    for r in range(len(s) + 1):
        if np.abs(F - (U[:, :r] * s[:r]) @ Vt[:r]).max() <= delta:
            return r
    raise AssertionError("unreachable: r = n reproduces F")


def test_eps_rank_scan_against_single_calls() -> None:
    n, M, ms, deltas = 24, 2.0, (1, 8, 32), (0.05, 0.2)
    scan = eps_rank_scan(n, M, ms, deltas, rng=5)
    g = np.random.default_rng(5)  # the same draws, evaluated one tolerance at a time
    for i, m in enumerate(ms):
        X, Y = counterexample_points(n, m, g)
        F = counterexample_matrix(X, Y, M)
        Xb, Yb = sample_ball(n, m, rng=g), sample_ball(n, m, rng=g)
        for j, d in enumerate(deltas):
            assert scan["cx_lb"][i, j] == eps_rank_lower_bound(F, d)
            assert scan["ip_lb"][i, j] == eps_rank_lower_bound(np.cos(M * Xb @ Yb.T), d)
            assert scan["cx_ub"][i, j] == _svd_rank_within(F, d)
            assert scan["cx_lb"][i, j] <= scan["cx_ub"][i, j]  # a certificate never beats a witness
    assert scan["cx_lb"][-1, 0] > scan["ip_lb"][-1, 0]  # the counterexample is harder at m = 32


def test_eps_rank_scan_bad_input() -> None:
    with pytest.raises(ValueError, match="m_values"):
        eps_rank_scan(8, 2.0, [], (0.1,), rng=0)
    with pytest.raises(ValueError, match="deltas"):
        eps_rank_scan(8, 2.0, (2,), (-0.1,), rng=0)
    with pytest.raises(TypeError, match="rng"):
        eps_rank_scan(8, 2.0, (2,), (0.1,), rng=None)
    with pytest.raises(ValueError, match="M must"):
        eps_rank_scan(8, 0.0, (2,), (0.1,), rng=0)


# ----------------------------------------------------------------------------- Hadamard lab
def test_hadamard_power_errors_against_explicit_products() -> None:
    X, Y = sample_sphere(20, 3, rng=1), sample_sphere(15, 3, rng=2)
    got = hadamard_power_errors(X, Y, 2, 16, 4, rng=7, method="literal")
    g = np.random.default_rng(7)
    P = X @ Y.T
    want = []
    for _ in range(4):
        U, V = hadamard_power_factors(X, Y, 2, 16, g, "literal")
        # the Hadamard square written entry by entry, independent of the helper's P**s
        H = np.array([[P[i, j] * P[i, j] for j in range(15)] for i in range(20)])
        want.append(np.abs(H - U @ V.T).max())
    np.testing.assert_allclose(got, want, rtol=1e-14)


def test_hadamard_power_errors_bad_input() -> None:
    X = sample_sphere(5, 3, rng=0)
    with pytest.raises(ValueError, match="trials"):
        hadamard_power_errors(X, X, 1, 4, 0, rng=0)
    with pytest.raises(ValueError, match="method"):
        hadamard_power_errors(X, X, 1, 4, 1, rng=0, method="foo")
    with pytest.raises(ValueError, match="same number of columns"):
        hadamard_power_errors(X, X[:, :2], 1, 4, 1, rng=0)
    with pytest.raises(TypeError, match="rng"):
        hadamard_power_errors(X, X, 1, 4, 1, rng=None)


def test_sphere_sketch_lab_draws_and_accuracy() -> None:
    X, Y, sk = sphere_sketch_lab(20, 3, 20_000, 2, rng=4)
    g = np.random.default_rng(4)
    X2, Y2 = sample_sphere(20, 3, rng=g), sample_sphere(20, 3, rng=g)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)
    ref = hadamard_power_sketches(X2, Y2, 2, 20_000, g)
    assert len(sk) == 2 and all(np.array_equal(a[0], b[0]) for a, b in zip(sk, ref))
    # With k = 2e4 the JL error is about sqrt(2 log(2 n^2) / k) ~ 0.03; 0.15 is 5x that.
    P = X @ Y.T
    for s, (U, V) in enumerate(sk, start=1):
        assert np.abs(P**s - U @ V.T).max() <= 0.15


def test_sphere_sketch_lab_bad_input() -> None:
    with pytest.raises(ValueError, match="k must lie"):
        sphere_sketch_lab(5, 3, 0, 2, rng=0)
    with pytest.raises(TypeError, match="rng"):
        sphere_sketch_lab(5, 3, 4, 2, rng=None)


# ----------------------------------------------------------------------------- RFF errors
def test_rff_max_errors_against_cosine_means() -> None:
    X, Y = sample_ball(12, 4, rng=0), sample_ball(9, 4, rng=1)
    errs, dev = rff_max_errors(X, Y, 32, "cauchy", 3, rng=8)
    assert errs.shape == (3,) and dev < 1e-12  # unit rows: cos^2 + sin^2 = 1 (rounding only)
    g = np.random.default_rng(8)
    diff = X[:, None, :] - Y[None, :, :]
    F = 1.0 / (1.0 + (diff**2).sum(-1))  # the Cauchy kernel, written out
    for e in errs:
        Om = spectral_sample("cauchy", 4, 32, g)  # the frequencies of one trial
        approx = np.cos(np.einsum("ija,ak->ijk", diff, Om)).mean(-1)  # (1/rho) sum cos(w'(x-y))
        # 1e-12: cos(a - b) = cos a cos b + sin a sin b, rounding only.
        assert abs(e - np.abs(F - approx).max()) <= 1e-12


def test_rff_max_errors_bad_input() -> None:
    X = sample_ball(4, 2, rng=0)
    with pytest.raises(ValueError, match="kernel"):
        rff_max_errors(X, X, 4, "laplace", 1, rng=0)
    with pytest.raises(ValueError, match="trials"):
        rff_max_errors(X, X, 4, "gaussian", 0, rng=0)
    with pytest.raises(TypeError, match="rng"):
        rff_max_errors(X, X, 4, "gaussian", 1, rng=None)
