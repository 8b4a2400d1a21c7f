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
    # Each entry of U V^T - A A^T has mean 0 and the exact variance below (R iid N(0,1) or
    # +-1, U = A R / sqrt(k)): (|a_i|^2 |a_j|^2 + <a_i, a_j>^2 - c sum_l a_il^2 a_jl^2) / k
    # with c = 0 (Gaussian) or 2 (Rademacher, whose fourth moment is 1, not 3).
    G, sq = A @ A.T, A * A
    norms = np.diag(G)
    var = (np.outer(norms, norms) + G**2 - (2 if kind == "rademacher" else 0) * sq @ sq.T) / 400
    ratio = np.mean((A @ A.T - U @ V.T) ** 2) / np.mean(var)
    # The mean over 900 correlated entries of one sketch: over seeds 0-4 the ratio spans
    # 0.83-1.12 (spread ~0.1); 0.6-1.5 is 4 spreads wide and misses a wrong 1/k scaling by 400x.
    assert 0.6 < ratio < 1.5
    # Max over the 465 distinct entries: each has sd <= sqrt(2/k) ||A||_{2,inf}^2 = 0.071;
    # 5 sd bounds all of them except with probability 465 * 5.7e-7 < 3e-4 (union bound).
    assert realised_jl_error(A, A, U, V) <= 5 * np.sqrt(2 / 400)


def test_explicit_constant_bound_holds() -> None:
    rng = np.random.default_rng(1)
    A = sample_ball(50, 300, rng=rng)
    B = sample_ball(50, 300, rng=rng)
    k = jl_rank_explicit(0.5, 50, 50, 0.01)
    U, V = jl_factors(A, B, k, rng)
    assert realised_jl_error(A, B, U, V) <= 0.5


def test_jl_bad_input() -> None:
    A = np.ones((3, 4))
    with pytest.raises(ValueError, match="kind must be 'gaussian' or 'rademacher'"):
        jl_sketch(4, 2, 0, "uniform")
    with pytest.raises(ValueError, match="k must lie"):
        jl_factors(A, A, 0, 0)
    with pytest.raises(ValueError, match="same number of columns"):
        jl_factors(A, np.ones((3, 5)), 2, 0)
    with pytest.raises(ValueError, match="A or B is zero"):
        realised_jl_error(np.zeros((3, 4)), A, np.ones((3, 2)), np.ones((3, 2)))
