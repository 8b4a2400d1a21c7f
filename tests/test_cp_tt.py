"""Tests for lowrank_nb.embeddings.cp_tt (CP tensors, Hadamard products, CP -> TT, Lemma 6.3)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lowrank_nb.embeddings.cp_tt import (
    cp_full,
    cp_hadamard,
    cp_to_tt,
    face_split,
    realised_tt_error,
    taylor_tt,
    tt_constant,
)
from lowrank_nb.tt import tt_full, tt_ranks


def _factors(d=3, n=5, m=4, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((n + j, m)) for j in range(d)]


def test_cp_full_matches_loops():
    As = _factors()
    P = cp_full(As)
    i, j, k = 2, 3, 4
    assert P[i, j, k] == pytest.approx(sum(As[0][i, a] * As[1][j, a] * As[2][k, a]
                                           for a in range(4)), rel=1e-14)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 6))
def test_face_split_is_a_hadamard_factorisation(m1, m2, n):
    rng = np.random.default_rng(m1 * 100 + m2 * 10 + n)
    A1, B1 = rng.standard_normal((n, m1)), rng.standard_normal((n + 1, m1))
    A2, B2 = rng.standard_normal((n, m2)), rng.standard_normal((n + 1, m2))
    FA, FB = face_split([A1, A2]), face_split([B1, B2])
    assert FA.shape == (n, m1 * m2)
    assert np.allclose(FA @ FB.T, (A1 @ B1.T) * (A2 @ B2.T), rtol=1e-12, atol=1e-12)
    assert np.allclose(np.linalg.norm(FA, axis=1),
                       np.linalg.norm(A1, axis=1) * np.linalg.norm(A2, axis=1), rtol=1e-12)


def test_cp_hadamard_identity():
    a, b = _factors(m=3, seed=1), _factors(m=2, seed=2)
    F = cp_hadamard([a, b])
    assert [x.shape[1] for x in F] == [6, 6, 6]
    assert np.allclose(cp_full(F), cp_full(a) * cp_full(b), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("d", [2, 3, 4])
def test_cp_to_tt_shapes_and_ranks(d):
    As = _factors(d=d, m=7)
    cores = cp_to_tt(As, 5, 0)
    assert tt_ranks(cores) == (5,) * (d - 1)
    assert tt_full(cores).shape == tuple(A.shape[0] for A in As)


def test_cp_to_tt_unbiased():
    As = [A / np.linalg.norm(A, axis=1, keepdims=True) for A in _factors(m=6, seed=3)]
    target = cp_full(As)
    rng = np.random.default_rng(4)
    reps = 2000
    acc = sum(tt_full(cp_to_tt(As, 4, rng)) for _ in range(reps))
    # One draw has max error O(1) at r = 4; the mean of 2000 draws is within ~4/sqrt(2000).
    assert np.max(np.abs(acc / reps - target)) <= 0.1


def test_cp_to_tt_error_decreases_with_r():
    As = [A / np.linalg.norm(A, axis=1, keepdims=True) for A in _factors(n=10, m=50, seed=5)]
    rng = np.random.default_rng(6)
    small = np.median([realised_tt_error(cp_to_tt(As, 4, rng), As) for _ in range(9)])
    large = np.median([realised_tt_error(cp_to_tt(As, 256, rng), As) for _ in range(9)])
    assert large < small / 2  # r grows 64x: the error falls at least like r^(-1/2) / 4


def test_tt_constant():
    cores = tt_constant((3, 4, 5), -2.5)
    assert np.array_equal(tt_full(cores), np.full((3, 4, 5), -2.5))
    assert tt_ranks(cores) == (1, 1)


def test_taylor_tt_ranks_and_inequality():
    rng = np.random.default_rng(7)
    Xs = [rng.standard_normal((6, 2)) / 2 for _ in range(3)]
    t, r = 5, 6
    coeffs = [1 / math.factorial(s) for s in range(t)]  # exp
    out = taylor_tt(coeffs, Xs, r, rng)
    assert tt_ranks(out.cores) == (1 + (t - 1) * r,) * 2
    P = cp_full(Xs)
    err = np.max(np.abs(np.exp(P) - tt_full(out.cores)))
    sup = math.exp(max(abs(P.min()), abs(P.max()), 0.0))
    assert err <= np.abs(P).max() ** t / math.factorial(t) * sup + out.algebraic_term(coeffs)
    odd = taylor_tt([0.0, 1.0, 0.0, 1 / 6], Xs, r, rng, drop_zero=True)
    assert odd.terms == [1, 3] and tt_ranks(odd.cores) == (2 * r, 2 * r)


def test_bad_inputs():
    As = _factors()
    with pytest.raises(ValueError, match="factors"):
        cp_to_tt(As[:1], 3, 0)
    with pytest.raises(ValueError, match="columns"):
        cp_full([As[0], As[1][:, :2]])
    with pytest.raises(TypeError, match="r must"):
        cp_to_tt(As, 2.0, 0)
    with pytest.raises(ValueError, match="r must"):
        cp_to_tt(As, 0, 0)
    with pytest.raises(ValueError, match="max_cols"):
        face_split([np.ones((2, 10))] * 5, max_cols=1000)
    with pytest.raises(ValueError, match="rows"):
        face_split([np.ones((2, 3)), np.ones((3, 3))])
    with pytest.raises(ValueError, match="mats"):
        face_split([])
    with pytest.raises(ValueError, match="max_entries"):
        cp_full([np.ones((100, 2))] * 3, max_entries=1000)
    with pytest.raises(ValueError, match="cps"):
        cp_hadamard([As, As[:2]])
    with pytest.raises(ValueError, match="value"):
        tt_constant((2, 2), float("inf"))
    with pytest.raises(ValueError, match="coeffs"):
        taylor_tt([1.0], As, 2, 0)
    with pytest.raises(ValueError, match="coefficient"):
        taylor_tt([0.0, 0.0], As, 2, 0, drop_zero=True)
    with pytest.raises(ValueError, match="finite"):
        realised_tt_error(cp_to_tt(As, 2, 0), [np.full((5, 4), np.nan), As[1], As[2]])
