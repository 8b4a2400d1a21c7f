"""Package helpers of the Part II Explore sections (issue 16, helper C): values against
independent computations, and bad inputs.

Modules: lowrank_nb.papers.budzinskiy.rff_errors (nested_rff_tables, nested_rff_error).
"""

from __future__ import annotations

import numpy as np
import pytest

from lowrank_nb.core.kernels import kernel_matrix, spectral_sample
from lowrank_nb.core.sampling import sample_ball
from lowrank_nb.papers.budzinskiy.rff_errors import nested_rff_error, nested_rff_tables


@pytest.mark.parametrize("kernel", ["gaussian", "exponential", "cauchy"])
def test_nested_rff_error_matches_direct_rff(kernel):
    tab = nested_rff_tables(30, 5, 40, kernel, rng=11)
    # the same draws, in the same order, computed directly in float64
    gen = np.random.default_rng(11)
    X, Y = sample_ball(30, 5, rng=gen), sample_ball(30, 5, rng=gen)
    Om = spectral_sample(kernel, 5, 40, gen)
    for n, rho in ((30, 40), (12, 7), (1, 1)):
        Xn, Yn, O = X[:n], Y[:n], Om[:, :rho]
        # (A B^T)_ij = mean_k cos(omega_k^T (x_i - y_j)), formed from the differences
        G = np.cos(np.einsum("ijd,dk->ijk", Xn[:, None, :] - Yn[None, :, :], O)).mean(axis=2)
        direct = np.max(np.abs(kernel_matrix(Xn, Yn, kernel) - G))
        # float32 tables: absolute error about 1e-6 per entry of a sum of rho unit terms
        assert abs(nested_rff_error(tab, n, rho) - direct) <= 1e-5


def test_nested_rff_error_shrinks_with_rho():
    tab = nested_rff_tables(40, 3, 2000, "gaussian", rng=3)
    # rho = 2000 features: error about sqrt(log(n^2)/rho) ~ 0.06; rho = 4 is far coarser
    assert nested_rff_error(tab, 40, 2000) < 0.5 * nested_rff_error(tab, 40, 4)


def test_nested_rff_bad_inputs():
    with pytest.raises(ValueError, match="kernel"):
        nested_rff_tables(5, 2, 3, "laplace", rng=0)
    with pytest.raises(TypeError, match="rng"):
        nested_rff_tables(5, 2, 3, "gaussian", rng=None)
    with pytest.raises(ValueError, match="n_max"):
        nested_rff_tables(0, 2, 3, "gaussian", rng=0)
    tab = nested_rff_tables(5, 2, 3, "gaussian", rng=0)
    with pytest.raises(ValueError, match="n"):
        nested_rff_error(tab, 6, 2)
    with pytest.raises(ValueError, match="rho"):
        nested_rff_error(tab, 5, 4)
    with pytest.raises(TypeError, match="tables"):
        nested_rff_error({"F": 1}, 1, 1)
