"""Tests for lowrank_nb.embeddings.distance (Lemma 4.1 and the §4 Taylor constructions)."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lowrank_nb.bounds import R_rank
from lowrank_nb.embeddings.distance import (
    cor48_bound,
    gauss_sq_derivative_bound,
    hadamard_power_factors,
    perturbed_power_factors,
    rank_detach_all,
    sqdist_parts,
    stirling_tail,
    taylor_coefficients,
    taylor_perturbed_factors,
    taylor_sqdist_factors,
    thm45_bound,
)
from lowrank_nb.generated import sqdist


def _points(n=12, m=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, m)) / np.sqrt(m)
    Y = rng.standard_normal((n + 3, m)) / np.sqrt(m)
    return X, Y


def test_hadamard_power_s0_and_shapes():
    X, Y = _points()
    U, V = hadamard_power_factors(X, Y, 0, 5, 0)
    assert np.array_equal(U @ V.T, np.ones((12, 15)))
    U, V = hadamard_power_factors(X, Y, 2, 7, 0)
    assert U.shape == (12, 7) and V.shape == (15, 7)


@pytest.mark.parametrize("method", ["gram", "literal"])
def test_hadamard_power_unbiased(method):
    # Averaging many independent width-k sketches converges to (X Y^T)^{*3}.
    X, Y = _points(6, 3)
    rng = np.random.default_rng(1)
    target = (X @ Y.T) ** 3
    acc = np.zeros_like(target)
    reps = 400
    for _ in range(reps):
        U, V = hadamard_power_factors(X, Y, 3, 50, rng, method=method)
        acc += U @ V.T
    scale = (np.linalg.norm(X, axis=1).max() * np.linalg.norm(Y, axis=1).max()) ** 3
    # Monte Carlo: std of the mean ~ scale * sqrt(2/k)/sqrt(reps) = 0.003 scale; 6 sigma.
    assert np.max(np.abs(acc / reps - target)) <= 0.02 * scale


def test_gram_and_literal_have_same_second_moments():
    # Empirical covariance of [U; V] columns under both methods matches K^{*s}.
    X, Y = _points(5, 3)
    S = np.vstack([X, Y])
    K2 = (S @ S.T) ** 2
    for method in ("gram", "literal"):
        U, V = hadamard_power_factors(X, Y, 2, 20000, 3, method=method)
        Z = np.vstack([U, V])
        # Z Z^T is an average of 20000 outer products: relative error ~ 3/sqrt(20000) = 0.02.
        assert np.max(np.abs(Z @ Z.T - K2)) <= 0.05 * np.abs(K2).max()


@pytest.mark.parametrize(("t", "p"), [(0, 2), (1, 1), (2, 2), (3, 3), (4, 2)])
def test_perturbed_power_width_and_bounds(t, p):
    X, Y = _points()
    A, B, us, vs = sqdist_parts(X, Y, shift=0.3)
    pp = perturbed_power_factors(A, B, us[:p], vs[:p], t, 6, 0)
    assert pp.width == R_rank(6, t, p)
    S = A @ B.T + sum(np.outer(u, v) for u, v in zip(us[:p], vs[:p]))
    err = np.max(np.abs(S**t - pp.U @ pp.V.T))
    assert err <= pp.bound * (1 + 1e-12) + 1e-14
    assert pp.bound <= pp.eps_max * pp.base**t * (1 + 1e-12) + 1e-14


def test_perturbed_power_exact_when_sketch_is_exact():
    # With A = 0 the base embeddings are exactly zero, so only the rank-one algebra of the
    # binomial recursion remains: it must reproduce (u 1^T + 1 v^T)^{*3} to round-off.
    X, Y = _points()
    A = np.zeros_like(X)
    us = [np.arange(12.0), np.ones(12)]
    vs = [np.ones(15), np.arange(15.0)]
    pp = perturbed_power_factors(A, np.zeros_like(Y), us, vs, 3, 4, 0)
    S = np.add.outer(np.arange(12.0), np.arange(15.0))
    assert np.max(np.abs(S**3 - pp.U @ pp.V.T)) <= 1e-9


def test_sqdist_parts_reconstruct_distances():
    X, Y = _points()
    A, B, us, vs = sqdist_parts(X, Y)
    S = A @ B.T + sum(np.outer(u, v) for u, v in zip(us, vs))
    assert np.max(np.abs(S - sqdist(X, Y))) <= 1e-13
    rng = np.random.default_rng(2)
    W = rng.standard_normal((4, 4))
    W = W + W.T  # indefinite
    A, B, us, vs = sqdist_parts(X, Y, W=W, shift=1.5)
    S = A @ B.T + sum(np.outer(u, v) for u, v in zip(us, vs))
    diff = X[:, None] - Y[None]
    assert np.max(np.abs(S - np.einsum("ija,ab,ijb->ij", diff, W, diff) + 1.5)) <= 1e-12


def test_taylor_sqdist_width_and_inequality():
    X, Y = _points(20, 6)
    D = sqdist(X, Y)
    t = 4
    c = [(-1) ** s / math.factorial(s) for s in range(t)]
    pp = taylor_sqdist_factors(c, X, Y, 8, 0)
    assert pp.width == R_rank(8, t - 1, 3)
    err = np.max(np.abs(np.exp(-D) - pp.U @ pp.V.T))
    analytic = D.max() ** t / math.factorial(t)
    assert err <= analytic + pp.bound + 1e-13
    pp3 = taylor_sqdist_factors(c, X, Y, 8, 0, shift=0.5)
    assert pp3.width == R_rank(8, t - 1, 4)


def test_drop_zero_reduces_width():
    X, Y = _points()
    A, B, us, vs = sqdist_parts(X, Y)
    c = [1.0, 0.0, -1.0, 0.0, 0.5]
    full = taylor_perturbed_factors(c, A, B, us, vs, 4, 0)
    sparse = taylor_perturbed_factors(c, A, B, us, vs, 4, 0, drop_zero=True)
    assert sparse.width == full.width - R_rank(4, 1, 2) - R_rank(4, 3, 2)
    with pytest.raises(ValueError, match="coefficient"):
        taylor_perturbed_factors([0.0, 0.0], A, B, us, vs, 4, 0, drop_zero=True)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40), st.integers(0, 12), st.integers(1, 6))
def test_rank_detach_all_monomial_count_equals_R(r, t, p):
    assert rank_detach_all(r, t, p, crude=False) == R_rank(r, t, p)
    assert rank_detach_all(r, t, p) >= R_rank(r, t, p)


def test_taylor_coefficients_against_closed_forms():
    c = taylor_coefficients(mpmath.exp, 0.0, 10)
    assert np.allclose(c, [1 / math.factorial(s) for s in range(11)], rtol=1e-12)
    c = taylor_coefficients(lambda u: mpmath.exp(-(u**2)), 0.0, 8)
    assert abs(c[8] * math.factorial(8) - math.factorial(8) / math.factorial(4)) < 1e-8


def test_gauss_sq_derivative_bound_holds_on_grid():
    u = np.linspace(-8, 8, 8001)
    for t in range(0, 20):
        H = np.polynomial.hermite.hermval(u, [0] * t + [1])
        assert np.max(np.abs(H) * np.exp(-(u**2))) <= gauss_sq_derivative_bound(t)


def test_stirling_and_bounds():
    for x in (0.1, 1.0, 3.0):
        for t in range(math.ceil(math.e**2 * x), 60):
            a, b = stirling_tail(x, t)
            assert a <= b
    assert stirling_tail(0.0, 3) == (0.0, math.exp(-3))
    assert thm45_bound(1.0, 1.0, 1.0, 0.5, 8, 0.0) == pytest.approx(math.exp(-8))
    assert cor48_bound(1.0, 1.0, 1.0, 0.5, 8, 1.0) == pytest.approx(math.exp(-8) + math.e**2 - 1)


def test_bad_inputs():
    X, Y = _points()
    with pytest.raises(ValueError, match="method"):
        hadamard_power_factors(X, Y, 2, 3, 0, method="fft")
    with pytest.raises(ValueError, match="s must"):
        hadamard_power_factors(X, Y, -1, 3, 0)
    with pytest.raises(TypeError, match="k must"):
        hadamard_power_factors(X, Y, 1, 2.5, 0)
    with pytest.raises(ValueError, match="same number of columns"):
        hadamard_power_factors(X, Y[:, :2], 1, 3, 0)
    A, B, us, vs = sqdist_parts(X, Y)
    with pytest.raises(ValueError, match="us and vs"):
        perturbed_power_factors(A, B, us, vs[:1], 2, 3, 0)
    with pytest.raises(ValueError, match=r"us\[0\]"):
        perturbed_power_factors(A, B, [us[0][:3]], [vs[0]], 2, 3, 0)
    with pytest.raises(ValueError, match="t must"):
        perturbed_power_factors(A, B, us, vs, -2, 3, 0)
    with pytest.raises(ValueError, match="W must"):
        sqdist_parts(X, Y, W=np.arange(16.0).reshape(4, 4))
    with pytest.raises(ValueError, match="shift"):
        sqdist_parts(X, Y, shift=float("nan"))
    with pytest.raises(ValueError, match="X must contain only finite"):
        sqdist_parts(np.full((3, 4), np.nan), Y)
    with pytest.raises(TypeError, match="h must be callable"):
        taylor_coefficients(3.0, 0.0, 4)
    with pytest.raises(ValueError, match="order"):
        taylor_coefficients(mpmath.exp, 0.0, -1)
    with pytest.raises(ValueError, match="x must"):
        stirling_tail(-1.0, 3)
    with pytest.raises(ValueError, match="R must"):
        thm45_bound(1.0, 1.0, 1.0, 0.0, 3, 0.1)
    with pytest.raises(ValueError, match="t must"):
        gauss_sq_derivative_bound(-1)
