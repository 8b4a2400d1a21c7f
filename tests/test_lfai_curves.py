"""Tests of lowrank_nb.papers.vodrahalli.lfai_curves (Part III, LFAI, Explore)."""

import numpy as np
import pytest

from lowrank_nb.papers.vodrahalli.lfai_curves import lfai_excess_curves
from lowrank_nb.papers.vodrahalli.relu import (
    lfai_adam,
    nlra_objective,
    nlra_refine,
    truncated_normal,
)


@pytest.fixture(scope="module")
def layer():
    W = truncated_normal((8, 24), 1 / np.sqrt(8), np.random.default_rng(1))
    R_opt = nlra_objective(nlra_refine(W, 2, restarts=2, rng=np.random.default_rng(2)), W)
    return W, R_opt


def test_curves_follow_the_adam_runs(layer):
    W, R_opt = layer
    out = lfai_excess_curves(W, 2, R_opt, lr=5e-3, batch=64, steps_per_epoch=8, epochs=3,
                             rng=np.random.default_rng(0))
    # the same generator consumed in the same order reproduces both runs exactly
    rng = np.random.default_rng(0)
    for init in ("spectral", "baseline"):
        hist = lfai_adam(W, 2, init, lr=5e-3, batch=64, steps_per_epoch=8, epochs=3,
                         rng=rng).history
        np.testing.assert_allclose(out[init], np.asarray(hist) / R_opt - 1, rtol=0, atol=1e-14)
    assert out["spectral"].shape == out["baseline"].shape == (4,)
    # Algorithm 2 starts at the truncated SVD (1e-12: rounding of the same objective)
    assert abs(out["spectral"][0] - out["svd"]) < 1e-12
    # against the refined optimum every excess is non-negative up to the refinement's
    # tolerance, and the rescaled lift improves on plain SVD (Theorem 3.3's lift)
    assert min(out["svd"], out["rescaled"], out["spectral"].min(), out["baseline"].min()) > -1e-8
    assert out["rescaled"] < out["svd"]


def test_bad_input(layer):
    W, R_opt = layer
    with pytest.raises(ValueError, match="R_opt"):
        lfai_excess_curves(W, 2, 0.0, lr=1e-3, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="lr"):
        lfai_excess_curves(W, 2, R_opt, lr=-1.0, rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="rng"):
        lfai_excess_curves(W, 2, R_opt, lr=1e-3, rng=None)
    with pytest.raises(ValueError):
        lfai_excess_curves(W, 30, R_opt, lr=1e-3, rng=np.random.default_rng(0))
