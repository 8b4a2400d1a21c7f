"""Names that moved to the core layer: the same objects at the old paths, and their inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lowrank_nb import certify, features, refutation
from lowrank_nb.core import bounds, kernels, norms, validate


@pytest.mark.parametrize("name", ["thm21_rank", "lemma22_degree", "lemma22_rank"])
def test_refutation_bounds_live_in_core_bounds(name: str) -> None:
    assert getattr(refutation, name) is getattr(bounds, name)


def test_hoeffding_rff_bound_lives_in_core_bounds() -> None:
    assert features.hoeffding_rff_bound is kernels.hoeffding_rff_bound is \
        bounds.hoeffding_rff_bound
    # More features give a smaller Hoeffding deviation (it scales like rho^(-1/2)).
    assert bounds.hoeffding_rff_bound(10, 10, 400, 0.1) < bounds.hoeffding_rff_bound(
        10, 10, 100, 0.1)
    with pytest.raises(ValueError, match="rho"):
        bounds.hoeffding_rff_bound(10, 10, 0, 0.1)


def test_svd_delta_rank_against_the_singular_values() -> None:
    rng = np.random.default_rng(0)
    F = rng.standard_normal((12, 3)) @ rng.standard_normal((3, 9))  # rank 3
    assert norms.svd_delta_rank(F, 1e-9) == 3
    assert norms.svd_delta_rank(F, float(np.abs(F).max())) == 0
    # relative and absolute forms agree at delta = eps * ||F||_max
    eps = 0.3
    assert norms.svd_eps_rank(F, eps) == norms.svd_delta_rank(F, eps * np.abs(F).max())
    assert certify.svd_eps_rank(F, 0.5) == norms.svd_delta_rank(F, 0.5)
    with pytest.raises(ValueError, match="delta"):
        norms.svd_delta_rank(F, -1.0)


def test_validate_names_the_parameter_and_its_range() -> None:
    assert validate.check_positive(2, "x") == 2.0
    with pytest.raises(ValueError, match=r"x must be finite and lie in \(0, inf\)"):
        validate.check_positive(math.nan, "x")
    assert validate.check_probability(0.25, "p") == 0.25
    with pytest.raises(ValueError, match="p"):
        validate.check_probability(1.5, "p")
    validate.check_same_width(np.ones((2, 3)), np.ones((4, 3)), "A", "B")
    with pytest.raises(ValueError, match="A and B"):
        validate.check_same_width(np.ones((2, 3)), np.ones((4, 2)), "A", "B")


def test_check_real_names_the_parameter_and_its_range() -> None:
    assert validate.check_real(0.5, "a1", 0.0, 1.0) == 0.5
    with pytest.raises(ValueError, match=r"a1 must be finite and lie in \[0.0, 1.0\]"):
        validate.check_real(1.5, "a1", 0.0, 1.0)
    with pytest.raises(TypeError, match="a1 must be a real number"):
        validate.check_real(True, "a1")


def test_separation_exports_the_exact_identity_oracle() -> None:
    from lowrank_nb import separation
    from lowrank_nb.papers.dengsong import separation_exact

    assert separation.exact_success_self_identity is \
        separation_exact.exact_success_self_identity
