"""Tests for lowrank_nb.certify (trace-duality lower bounds on the max-norm eps-rank)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lowrank_nb.certify import eps_rank_lower_bound, eps_rank_lower_bounds, trace_duality_bound


def test_identity_closed_form() -> None:
    # For F = I_n and Q = I_n: ((n - delta n) / (1 * (sqrt n + n delta)))^2, in closed form.
    n, delta = 50, 0.1
    expected = ((n - delta * n) / (np.sqrt(n) + n * delta)) ** 2
    got = trace_duality_bound(np.eye(n), delta, np.eye(n))
    assert got == pytest.approx(expected, rel=1e-9)
    assert eps_rank_lower_bound(np.eye(n), delta) >= got * (1 - 1e-9)


def test_delta_zero_is_at_most_rank() -> None:
    rng = np.random.default_rng(0)
    F = rng.standard_normal((40, 5)) @ rng.standard_normal((5, 30))
    assert eps_rank_lower_bound(F, 0.0) <= 5


def test_constant_matrix_certifies_at_most_one() -> None:
    # Regression: rounding noise in F - mean(F) must not be used as a certificate.
    F = np.full((64, 64), np.cos(1.98))
    assert eps_rank_lower_bound(F, 0.1) <= 1.0


def test_zero_matrix_gives_zero() -> None:
    assert eps_rank_lower_bound(np.zeros((4, 3)), 0.1) == 0.0


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 6), n=st.integers(8, 30))
def test_bound_never_exceeds_rank_of_a_witness(seed: int, k: int, n: int) -> None:
    # Any G within delta is a witness: the certificate must not exceed its rank.
    rng = np.random.default_rng(seed)
    F = np.cos(2.0 * rng.standard_normal((n, n)))
    U, s, Vt = np.linalg.svd(F)
    G = (U[:, :k] * s[:k]) @ Vt[:k]
    delta = float(np.max(np.abs(F - G)))
    assert eps_rank_lower_bound(F, delta) <= k


def test_vectorised_matches_scalar() -> None:
    rng = np.random.default_rng(1)
    F = np.cos(3 * rng.standard_normal((20, 20)))
    deltas = [0.0, 0.05, 0.3]
    got = eps_rank_lower_bounds(F, deltas)
    assert np.allclose(got, [eps_rank_lower_bound(F, d) for d in deltas], rtol=1e-12)


def test_monotone_in_delta() -> None:
    rng = np.random.default_rng(2)
    F = np.cos(3 * rng.standard_normal((30, 30)))
    b = eps_rank_lower_bounds(F, np.linspace(0, 1, 11))
    assert np.all(np.diff(b) <= 1e-12)


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="delta"):
        eps_rank_lower_bound(np.eye(3), -0.1)
    with pytest.raises(TypeError, match="delta"):
        eps_rank_lower_bound(np.eye(3), "a")
    with pytest.raises(ValueError, match="F must contain only finite"):
        eps_rank_lower_bound(np.array([[np.nan]]), 0.1)
    with pytest.raises(ValueError, match="F must have ndim"):
        eps_rank_lower_bound(np.ones(3), 0.1)
    with pytest.raises(ValueError, match="Q must have the shape of F"):
        trace_duality_bound(np.eye(3), 0.1, np.eye(2))
    with pytest.raises(ValueError, match="Q must be a nonzero"):
        trace_duality_bound(np.eye(3), 0.1, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="deltas"):
        eps_rank_lower_bounds(np.eye(3), [-1.0])


def test_svd_eps_rank_sandwich() -> None:
    from lowrank_nb.certify import svd_eps_rank

    rng = np.random.default_rng(3)
    F = np.cos(2.0 * rng.standard_normal((40, 40)))
    for delta in (0.05, 0.2):
        k = svd_eps_rank(F, delta)
        assert eps_rank_lower_bound(F, delta) <= k <= 40
    low = rng.standard_normal((30, 3)) @ rng.standard_normal((3, 30))
    assert svd_eps_rank(low, 1e-8) == 3
    assert svd_eps_rank(low, 1e6) == 0
    with pytest.raises(ValueError, match="delta"):
        svd_eps_rank(low, -1.0)
