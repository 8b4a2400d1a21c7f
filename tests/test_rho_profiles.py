"""Tests for lowrank_nb.papers.vodrahalli.rho_profiles against the exact NLRA objective."""

from __future__ import annotations

import numpy as np
import pytest

from lowrank_nb.core.sampling import unit_gaussian_columns
from lowrank_nb.papers.vodrahalli.relu import (
    nlra_objective,
    relu_svd,
    rho_svd_table,
    spectral_init,
    svd_gap_exact,
)
from lowrank_nb.papers.vodrahalli.rho_profiles import (
    spectral_function_ratios,
    svd_gap_terms,
    unit_gaussian_rho_table,
)


def test_rho_table_matches_svd_table_and_is_cached() -> None:
    W = unit_gaussian_columns(12, 40, rng=np.random.default_rng(5))
    tab = unit_gaussian_rho_table(12, 40, rng=5)
    # 1e-12: the same SVD-based routine on the same matrix; only rounding differs
    np.testing.assert_allclose(tab, rho_svd_table(W), atol=1e-12)
    assert unit_gaussian_rho_table(12, 40, rng=5) is tab  # cached for an int seed
    assert not tab.flags.writeable
    fresh = unit_gaussian_rho_table(12, 40, rng=np.random.default_rng(5))
    np.testing.assert_allclose(fresh, tab, atol=1e-12)  # a Generator gives the same matrix


def test_spectral_function_ratios_match_exact_objective() -> None:
    d, m, ranks = 10, 30, [1, 3, 7, 10]
    W = unit_gaussian_columns(d, m, rng=np.random.default_rng(3))
    spec, resc = spectral_function_ratios(d, m, ranks, rng=3)
    base = nlra_objective(np.zeros_like(W), W)
    for k, r in enumerate(ranks):
        U, V = spectral_init(W, r)
        # 1e-10: closed forms in rho against the angle form of R on the matrices themselves
        assert spec[k] == pytest.approx(nlra_objective(U @ V.T, W) / base, abs=1e-10)
        assert resc[k] == pytest.approx(nlra_objective(relu_svd(W, r, "topr").Y, W) / base,
                                        abs=1e-10)
    assert np.all(resc <= spec + 1e-12)  # rescaling never loses (1e-12: rounding)


def test_svd_gap_terms_match_identity_and_objective() -> None:
    d, m, r = 9, 25, 4
    W = unit_gaussian_columns(d, m, rng=np.random.default_rng(11))
    gap, r_svd = svd_gap_terms(d, m, r, rng=11)
    U, V = spectral_init(W, r)
    # 1e-10: two exact formulas, rounding only
    assert gap == pytest.approx(svd_gap_exact(W, r), abs=1e-10)
    assert r_svd == pytest.approx(nlra_objective(U @ V.T, W), abs=1e-10)
    assert gap / r_svd <= 1 / np.pi**2  # the universal bound of the corrected theorem


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="ranks"):
        spectral_function_ratios(5, 8, [0, 2], rng=1)
    with pytest.raises(ValueError, match="ranks"):
        spectral_function_ratios(5, 8, [6], rng=1)
    with pytest.raises(ValueError, match="ranks"):
        spectral_function_ratios(5, 8, [], rng=1)
    with pytest.raises(ValueError, match="r must"):
        svd_gap_terms(5, 8, 6, rng=1)
    with pytest.raises(TypeError, match="rng"):
        unit_gaussian_rho_table(5, 8, rng=None)
    with pytest.raises(ValueError, match="seed"):
        unit_gaussian_rho_table(5, 8, rng=-1)
    with pytest.raises(ValueError, match="d must"):
        unit_gaussian_rho_table(0, 8, rng=1)
