"""Tests for lowrank_nb.papers.zhangsaab.experiments (instances, sweeps and checks of Part IV)."""

from __future__ import annotations

import numpy as np
import pytest

from lowrank_nb.papers.zhangsaab import compression as zs
from lowrank_nb.papers.zhangsaab.experiments import (
    THEOREM31_COLUMNS,
    block_instance,
    first_order_cosine,
    psi_feasible_point,
    relative_error,
    theorem31_runs,
)


def test_relative_error_value_and_bad_input():
    A, B = np.array([[3.0, 0.0]]), np.array([[0.0, 4.0]])
    assert relative_error(A, B) == pytest.approx(5.0 / 4.0, rel=1e-15)  # hand computation
    assert relative_error(B, B) == 0.0
    with pytest.raises(ValueError, match="same shape"):
        relative_error(A, B.T)
    with pytest.raises(ValueError, match="non-zero"):
        relative_error(A, np.zeros_like(A))


def test_theorem31_runs_against_a_direct_computation():
    out = theorem31_runs(120, 2, 0.2, seeds=2, rng=7, d=10, d2=8)
    assert out.shape == (2, len(THEOREM31_COLUMNS))
    # replay the first instance by hand from the same seed: MSE, rate and eps agree
    g = zs.gen_single_layer(120, 10, 8, 2, 0.2, rng=np.random.default_rng(7))
    Xc, W, M = g["X_check"], g["W"], g["M"]
    Q = np.linalg.qr(Xc)[0]
    U, s, Vt = np.linalg.svd(Q.T @ (g["X"] @ W), full_matrices=False)
    Y_hat = Q @ ((U[:, :2] * s[:2]) @ Vt[:2])  # [P_Xc X W]_2, the closed form's image
    mse = np.mean((Xc @ M - Y_hat) ** 2)
    assert out[0, 0] == pytest.approx(mse, rel=1e-9)  # two SVD routes: round-off only
    assert out[0, 3] == pytest.approx(2 * 0.2**2 * 18 / (120 * 8), rel=1e-14)
    assert out[0, 5] == pytest.approx(g["eps"], rel=1e-12)
    assert np.all(out[:, 0] <= out[:, 1] * (1 + 1e-12))  # the proof's deterministic bound
    with pytest.raises(ValueError, match="seeds"):
        theorem31_runs(120, 2, 0.2, seeds=0, rng=1, d=10, d2=8)
    with pytest.raises(TypeError, match="rng"):
        theorem31_runs(120, 2, 0.2, seeds=1, rng=None, d=10, d2=8)


def test_block_instance_noise_and_basis():
    b, Yt, Q = block_instance(16, 2, 0.25, rng=3)
    assert np.max(np.abs(Yt - b["Y"])) <= 0.25  # uniform noise in [-beta, beta]
    assert np.allclose(Q.T @ Q, np.eye(4), atol=1e-12)  # orthonormal, d = n // 4 columns
    assert np.linalg.norm(Q @ (Q.T @ b["X_check"]) - b["X_check"]) <= 1e-10 * np.linalg.norm(
        b["X_check"])  # spans col(X_check)
    b0, Y0, _ = block_instance(16, 2, 0.0, rng=3)
    assert np.array_equal(Y0, b0["Y"])
    with pytest.raises(ValueError, match="beta"):
        block_instance(16, 2, -1.0, rng=3)
    with pytest.raises(TypeError, match="rng"):
        block_instance(16, 2, 0.1, rng=None)


def test_psi_feasible_point_and_first_order_cosine():
    b, Yt, Q = block_instance(16, 2, 0.5, rng=5)
    rng = np.random.default_rng(0)
    C = psi_feasible_point(5 * rng.standard_normal(Yt.shape), Q, b["tau"])
    assert np.linalg.svd(C, compute_uv=False).sum() <= b["tau"] * (1 + 1e-12)
    assert np.abs(C).max() <= 1 + 1e-12
    assert np.linalg.norm(C - Q @ (Q.T @ C)) <= 1e-12 * np.linalg.norm(C)
    # a point already inside is returned unchanged
    inside = 0.1 * b["Y"]
    assert np.allclose(psi_feasible_point(inside, Q, b["tau"]), inside, atol=1e-14)
    # first-order test against an exact projection: onto the unit box, by clipping
    Y = 3 * rng.standard_normal((5, 4))
    P = np.clip(Y, -1, 1)
    cands = [np.clip(rng.standard_normal((5, 4)), -1, 1) for _ in range(50)]
    assert first_order_cosine(Y, P, cands) <= 1e-12
    # and a feasible non-projection is rejected (the origin, against the corner sign(Y))
    assert first_order_cosine(Y, np.zeros_like(Y), [np.sign(Y)]) > 0.5
    with pytest.raises(ValueError, match="non-empty"):
        first_order_cosine(Y, P, [])
    with pytest.raises(ValueError, match="Q must have"):
        psi_feasible_point(Y, Q, 1.0)
