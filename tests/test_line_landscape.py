"""Tests of lowrank_nb.papers.vodrahalli.line_landscape (Part III, ReLU SVD, Explore)."""

import math

import numpy as np
import pytest

from lowrank_nb.papers.vodrahalli.line_landscape import line_landscape, two_row_layer
from lowrank_nb.papers.vodrahalli.relu import nlra_objective, optimal_lift


def test_two_row_layer_columns():
    W = two_row_layer(0.7, 30.0, pairs=2)
    c, s = math.cos(math.radians(30)), math.sin(math.radians(30))
    expected = np.array([[1, 0, c, c, c, c], [0, 0.7, s, -s, s, -s]])
    np.testing.assert_allclose(W, expected, atol=1e-15)
    assert two_row_layer(0.5, 0.0, pairs=0).shape == (2, 2)


@pytest.mark.parametrize("kwargs", [dict(t=0.0, psi_deg=10), dict(t=1.0, psi_deg=95),
                                    dict(t=1.0, psi_deg=-1), dict(t=1.0, psi_deg=10, pairs=-1)])
def test_two_row_layer_bad_input(kwargs):
    with pytest.raises(ValueError):
        two_row_layer(**kwargs)


def test_profile_matches_the_lift_objective():
    # independent route: build the optimal lift on each line and evaluate the general
    # closed form of R (angle form over all columns), not the vectorised profile
    W = two_row_layer(0.8, 30.0)
    phis = np.linspace(0, np.pi, 13, endpoint=False)
    out = line_landscape(W, phis)
    for phi, val in zip(phis, out["profile"]):
        Q = np.array([[math.cos(phi)], [math.sin(phi)]])
        assert abs(nlra_objective(optimal_lift(Q, W), W) - val) < 1e-12  # rounding


def test_counterexample_b_closed_form():
    # W = diag(1, 1/2) = diag(2, 1) / 2: R is 2-homogeneous, so Algorithm 3's value is the
    # chapter's closed form 1/2 - 1/(2 pi^2) divided by 4, on the line phi = 0
    out = line_landscape(two_row_layer(0.5, 0.0, pairs=0), np.linspace(0, np.pi, 181))
    assert abs(out["alg3"] - (0.5 - 1 / (2 * np.pi**2)) / 4) < 1e-12
    assert out["alg3_angle"] < 1e-12 or abs(out["alg3_angle"] - np.pi) < 1e-12
    assert out["opt"] < out["alg3"] - 5e-4  # the certified gap is 3.5e-3 / 4


@pytest.mark.parametrize("t,psi", [(0.3, 10.0), (1.0, 45.0), (1.7, 80.0)])
def test_orderings(t, psi):
    W = two_row_layer(t, psi)
    phis = np.linspace(0, np.pi, 361)
    out = line_landscape(W, phis)
    # the optimum is certified below every line on the grid; Algorithm 3 is one of the lines
    # and rescaling never hurts the top singular line (1e-12: rounding)
    assert out["opt"] <= out["profile"].min() + 1e-12
    assert out["opt"] <= out["alg3"] + 1e-12 <= out["svd"] + 2e-12
    at = line_landscape(W, np.array([out["alg3_angle"]]))["profile"][0]
    assert abs(at - out["alg3"]) < 1e-12


def test_line_landscape_bad_input():
    with pytest.raises(ValueError, match="2 rows"):
        line_landscape(np.ones((3, 4)), np.zeros(3))
    with pytest.raises(ValueError, match="zero"):
        line_landscape(np.zeros((2, 4)), np.zeros(3))
    with pytest.raises(ValueError):
        line_landscape(np.eye(2), np.zeros((2, 2)))
    with pytest.raises(ValueError):
        line_landscape(np.eye(2), np.zeros(3), n_grid=3)
