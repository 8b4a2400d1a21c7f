import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from lowrank_nb.sampling import sample_ball, sample_points, sample_sphere


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 50), m=st.integers(1, 30), R=st.floats(0.1, 10.0), seed=st.integers(0, 99))
def test_ball_norms_never_exceed_R(n: int, m: int, R: float, seed: int) -> None:
    X = sample_ball(n, m, R, rng=seed)
    assert X.shape == (n, m)
    # Tolerance: one rounding in the norm of an m-vector.
    assert np.all(np.linalg.norm(X, axis=1) <= R * (1 + 1e-12))


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 50), m=st.integers(1, 30), seed=st.integers(0, 99))
def test_sphere_norms_equal_R(n: int, m: int, seed: int) -> None:
    X = sample_sphere(n, m, 2.0, rng=seed)
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 2.0, rtol=1e-12)


@pytest.mark.parametrize("m", [1, 3, 10])
def test_ball_radius_law(m: int) -> None:
    # P(|x| <= s) = s^m for the unit ball; a KS test at level 1e-3 fails by chance 0.1% of runs
    # for a fixed seed it is deterministic.
    X = sample_ball(4000, m, rng=m)
    radii = np.linalg.norm(X, axis=1)
    assert stats.kstest(radii, lambda s: np.clip(s, 0, 1) ** m).pvalue > 1e-3


def test_ball_direction_is_isotropic() -> None:
    X = sample_ball(20000, 3, rng=1)
    # Mean of a uniform direction is 0; SE of each coordinate mean ~ 0.5/sqrt(20000) = 0.0035.
    assert np.all(np.abs(X.mean(axis=0)) < 5 * 0.0035)


def test_sample_points_schemes() -> None:
    X, Y = sample_points(10, 4, scheme="symmetric", rng=0)
    assert Y is X
    X, Y = sample_points(10, 4, scheme="independent", domain="sphere", rng=0)
    assert not np.allclose(X, Y)
    np.testing.assert_allclose(np.linalg.norm(Y, axis=1), 1.0)


def test_sampling_bad_input() -> None:
    with pytest.raises(ValueError, match="n must lie"):
        sample_ball(0, 3, rng=0)
    with pytest.raises(ValueError, match="R must be finite"):
        sample_ball(3, 3, R=-1.0, rng=0)
    with pytest.raises(TypeError, match="m must be an integer"):
        sample_sphere(3, 2.0, rng=0)
    with pytest.raises(ValueError, match="scheme"):
        sample_points(3, 3, scheme="paired", rng=0)
    with pytest.raises(ValueError, match="domain"):
        sample_points(3, 3, domain="cube", rng=0)
