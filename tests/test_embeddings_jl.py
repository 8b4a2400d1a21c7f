import numpy as np
import pytest

from lowrank_nb.bounds import jl_rank_explicit
from lowrank_nb.embeddings import jl_factors, jl_sketch, realised_jl_error
from lowrank_nb.sampling import sample_ball


@pytest.mark.parametrize("kind", ["gaussian", "rademacher"])
def test_jl_factors_unbiased_shape(kind: str) -> None:
    rng = np.random.default_rng(0)
    A = sample_ball(30, 50, rng=rng)
    U, V = jl_factors(A, A, 400, rng, kind=kind)
    assert U.shape == (30, 400) and V.shape == (30, 400)
    # E[U V^T] = A A^T; with k = 400 the entrywise error is O(1/sqrt(k)) = 0.05.
    assert realised_jl_error(A, A, U, V) < 0.5


def test_explicit_constant_bound_holds() -> None:
    rng = np.random.default_rng(1)
    A = sample_ball(50, 300, rng=rng)
    B = sample_ball(50, 300, rng=rng)
    k = jl_rank_explicit(0.5, 50, 50, 0.01)
    U, V = jl_factors(A, B, k, rng)
    assert realised_jl_error(A, B, U, V) <= 0.5


def test_jl_bad_input() -> None:
    A = np.ones((3, 4))
    with pytest.raises(ValueError, match="kind"):
        jl_sketch(4, 2, 0, "uniform")
    with pytest.raises(ValueError, match="k must lie"):
        jl_factors(A, A, 0, 0)
    with pytest.raises(ValueError, match="same number of columns"):
        jl_factors(A, np.ones((3, 5)), 2, 0)
    with pytest.raises(ValueError, match="zero"):
        realised_jl_error(np.zeros((3, 4)), A, np.ones((3, 2)), np.ones((3, 2)))
