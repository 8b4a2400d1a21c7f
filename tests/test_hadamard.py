"""Tests for lowrank_nb.embeddings.hadamard (Lemma 3.1 and Lemma 3.3 constructions)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lowrank_nb.embeddings.hadamard import (
    face_splitting,
    hadamard_power_factors,
    hadamard_power_sketches,
    lemma33_rhs,
    taylor_inner_product,
)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 1000), widths=st.lists(st.integers(1, 4), min_size=1, max_size=3))
def test_face_splitting_identity(seed: int, widths: list[int]) -> None:
    rng = np.random.default_rng(seed)
    As = [rng.standard_normal((7, w)) for w in widths]
    Bs = [rng.standard_normal((5, w)) for w in widths]
    lhs = np.ones((7, 5))
    for A, B in zip(As, Bs):
        lhs = lhs * (A @ B.T)
    At, Bt = face_splitting(*As), face_splitting(*Bs)
    assert At.shape[1] == math.prod(widths)
    assert np.allclose(lhs, At @ Bt.T, atol=1e-12)
    norms = np.prod([np.linalg.norm(A, axis=1) for A in As], axis=0)
    assert np.allclose(np.linalg.norm(At, axis=1), norms, rtol=1e-12)


def test_face_splitting_row_is_kron() -> None:
    rng = np.random.default_rng(0)
    A1, A2 = rng.standard_normal((3, 2)), rng.standard_normal((3, 4))
    assert np.allclose(face_splitting(A1, A2)[1], np.kron(A1[1], A2[1]))


@pytest.mark.parametrize("method", ["gram", "literal", "kron"])
def test_sketches_unbiased_and_shaped(method: str) -> None:
    # Mean of U V^T over independent sketches approaches (A B^T)^{*s}.
    rng = np.random.default_rng(1)
    A, B = rng.standard_normal((6, 3)) / 2, rng.standard_normal((4, 3)) / 2
    s, k, reps = 2, 50, 400
    acc = np.zeros((6, 4))
    for _ in range(reps):
        U, V = hadamard_power_factors(A, B, s, k, rng, method)
        assert U.shape == (6, k) and V.shape == (4, k)
        acc += U @ V.T
    target = (A @ B.T) ** s
    scale = (np.linalg.norm(A, axis=1).max() * np.linalg.norm(B, axis=1).max()) ** s
    # Standard error of the mean over 20000 effective columns, times ~5 (kron: heavier tails).
    assert np.max(np.abs(acc / reps - target)) < 0.1 * scale


def test_gram_matches_literal_in_distribution() -> None:
    # Same law: the row covariance of the sketches equals (Z Z^T)^{*s} for both.
    rng = np.random.default_rng(2)
    A, B = rng.standard_normal((3, 2)), rng.standard_normal((2, 2))
    Z = np.vstack([A, B])
    target = (Z @ Z.T) ** 3
    for method in ("gram", "literal"):
        U, V = hadamard_power_factors(A, B, 3, 100_000, rng, method)
        W = np.vstack([U, V])
        cov = W @ W.T
        assert np.allclose(cov, target, atol=0.05 * np.abs(target).max())


def test_taylor_inner_product_exact_when_k_large_literal() -> None:
    # With literal face splitting and h = exp, the construction converges to the Taylor sum.
    rng = np.random.default_rng(3)
    A, B = rng.standard_normal((8, 2)) / 3, rng.standard_normal((6, 2)) / 3
    t = 4
    sk = [(face_splitting(*([A] * s)), face_splitting(*([B] * s))) for s in range(1, t)]
    # Pad literal factors to a common width k so the shape check passes.
    k = max(u.shape[1] for u, _ in sk)
    sk = [(np.pad(u, ((0, 0), (0, k - u.shape[1]))), np.pad(v, ((0, 0), (0, k - v.shape[1]))))
          for u, v in sk]
    U, V, info = taylor_inner_product([1.0] * t, A, B, t, k, 0, sketches=sk)
    P = A @ B.T
    assert U.shape[1] == 1 + (t - 1) * k == info["width"]
    assert np.allclose(U @ V.T, sum(P**s / math.factorial(s) for s in range(t)), atol=1e-13)
    assert np.all(info["eps"] < 1e-13)


def test_taylor_inner_product_width_and_rhs() -> None:
    rng = np.random.default_rng(4)
    X = rng.standard_normal((20, 5))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    derivs = [2.0**s * math.exp(-2) for s in range(6)]
    U, V, info = taylor_inner_product(derivs, X, X, 6, 16, rng)
    assert U.shape == (20, 1 + 5 * 16) and info["eps"].shape == (5,)
    F = np.exp(2 * X @ X.T - 2)
    an, al = lemma33_rhs(derivs, np.abs(X @ X.T).max(), 1.0, 1.0, 6, 2.0**6, info["eps"].max())
    assert np.max(np.abs(F - U @ V.T)) <= an + al + 1e-12


def test_sketch_list_lengths() -> None:
    rng = np.random.default_rng(5)
    A = rng.standard_normal((4, 3))
    out = hadamard_power_sketches(A, A, 3, 8, rng, "kron")
    assert len(out) == 3 and all(u.shape == (4, 8) for u, _ in out)


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="max_cols"):
        face_splitting(np.ones((2, 100)), np.ones((2, 100)), max_cols=1000)
    with pytest.raises(ValueError, match="rows"):
        face_splitting(np.ones((2, 2)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="mats"):
        face_splitting()
    with pytest.raises(ValueError, match="method"):
        hadamard_power_sketches(np.ones((2, 2)), np.ones((2, 2)), 2, 3, 0, "foo")
    with pytest.raises(ValueError, match="A and B"):
        hadamard_power_factors(np.ones((2, 2)), np.ones((2, 3)), 2, 3, 0)
    with pytest.raises(ValueError, match="k must lie in"):
        hadamard_power_factors(np.ones((2, 2)), np.ones((2, 2)), 2, 0, 0)
    with pytest.raises(ValueError, match="derivs0"):
        taylor_inner_product([1.0], np.ones((2, 2)), np.ones((2, 2)), 3, 2, 0)
    with pytest.raises(ValueError, match="sketches"):
        taylor_inner_product([1.0] * 3, np.ones((2, 2)), np.ones((2, 2)), 3, 2, 0, sketches=[])
    with pytest.raises(ValueError, match="eps"):
        lemma33_rhs([1.0, 1.0], 1.0, 1.0, 1.0, 2, 1.0, -0.1)
