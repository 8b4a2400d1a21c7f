"""Package helpers of the Part II Explore sections (issue 16, helper C): values against
independent computations, and bad inputs.

Modules: lowrank_nb.papers.budzinskiy.rff_errors (nested_rff_tables, nested_rff_error),
lowrank_nb.papers.budzinskiy.hadamard_lab (lemma33_profile),
lowrank_nb.papers.budzinskiy.attention_features (attention_feature_tables,
attention_feature_profile).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lowrank_nb.core.kernels import kernel_matrix, spectral_sample
from lowrank_nb.core.sampling import sample_ball, sample_sphere
from lowrank_nb.core.softmax import positive_random_features
from lowrank_nb.papers.budzinskiy.attention_features import (
    attention_feature_profile,
    attention_feature_tables,
)
from lowrank_nb.papers.budzinskiy.attention_matrix import (
    attention_from_matrix,
    attention_transfer_bounds,
    exp_logits,
    trig_softmax_factors,
)
from lowrank_nb.papers.budzinskiy.embeddings.hadamard import lemma33_rhs, taylor_inner_product
from lowrank_nb.papers.budzinskiy.hadamard_lab import lemma33_profile, sphere_sketch_lab
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


def _lab(k_full=24, m=6):
    X, Y, sk = sphere_sketch_lab(15, m, k_full, 5, rng=21)
    h0 = [2.0**s * math.exp(-2) for s in range(7)]
    return np.exp(2 * X @ Y.T - 2), h0, X, Y, sk


@pytest.mark.parametrize("k", [24, 7])
def test_lemma33_profile_matches_taylor_inner_product(k):
    F, h0, X, Y, sk = _lab()
    ts = [1, 2, 4, 6]
    prof = lemma33_profile(F, h0, X, Y, sk, ts, [2.0**t for t in ts], k)
    scale = math.sqrt(24 / k)  # a width-k Gram sketch: the first k columns, rescaled
    trunc = [(U[:, :k] * scale, V[:, :k] * scale) for U, V in sk]
    for i, t in enumerate(ts):
        U, V, info = taylor_inner_product(h0, X, Y, t, k, 0, sketches=trunc)
        err = float(np.max(np.abs(F - U @ V.T)))
        eps = float(info["eps"].max()) if t > 1 else 0.0
        an, al = lemma33_rhs(h0, np.abs(X @ Y.T).max(), 1.0, 1.0, t, 2.0**t, eps)
        # same sums in a different order; unit rows up to rounding (1e-12 relative)
        assert prof["error"][i] == pytest.approx(err, rel=1e-10, abs=1e-13)
        assert prof["eps"][i] == pytest.approx(eps, rel=1e-10, abs=1e-13)
        assert prof["analytic"][i] == pytest.approx(an, rel=1e-10)
        assert prof["algebraic"][i] == pytest.approx(al, rel=1e-10, abs=1e-13)
        # Lemma 3.3 with the realised eps holds (1e-12: rounding in U V^T)
        assert prof["error"][i] <= an + al + 1e-12


def test_lemma33_profile_bad_inputs():
    F, h0, X, Y, sk = _lab()
    ok = {"F": F, "derivs0": h0, "X": X, "Y": Y, "sketches": sk, "ts": [1, 2],
          "sup_ht": [2.0, 4.0], "k": 5}
    with pytest.raises(ValueError, match="k"):
        lemma33_profile(**{**ok, "k": 25})
    with pytest.raises(ValueError, match="ts"):
        lemma33_profile(**{**ok, "ts": [2, 1]})
    with pytest.raises(ValueError, match="sketches"):
        lemma33_profile(**{**ok, "ts": [1, 7], "derivs0": [*h0, 0.0]})
    with pytest.raises(ValueError, match="sup_ht"):
        lemma33_profile(**{**ok, "sup_ht": [2.0]})
    with pytest.raises(ValueError, match="F"):
        lemma33_profile(**{**ok, "F": F[:3]})
    with pytest.raises(ValueError, match="derivs0"):
        lemma33_profile(**{**ok, "ts": [1, 6], "derivs0": h0[:3]})


@pytest.mark.parametrize("scale", [0.25, 2.0])
def test_attention_feature_profile_matches_direct_features(scale):
    n, m, rho_max = 20, 6, 40
    tab = attention_feature_tables(n, m, rho_max, 3, rng=5)
    gen = np.random.default_rng(5)  # the same draws, in the documented order
    uq, uk = sample_sphere(n, m, rng=gen), sample_sphere(n, m, rng=gen)
    V = gen.standard_normal((n, 3))
    Om = gen.standard_normal((m, rho_max))
    R = math.sqrt(scale * math.sqrt(m))  # logit scale R^2 / sqrt(m) = scale
    Q, K = R * uq, R * uk
    A = exp_logits(Q, K)
    att = attention_from_matrix(A, V)
    rhos = [3, 10, 40]
    prof = attention_feature_profile(tab, scale, rhos)
    theory = attention_feature_profile(tab, scale, rhos, theory_norm=True)
    for i, rho in enumerate(rhos):
        L, Rt = trig_softmax_factors(Q * m**-0.25, K * m**-0.25, Om[:, :rho])
        Pq, Pk = (positive_random_features(X * m**-0.25, Om[:, :rho]) for X in (Q, K))
        for name, G in (("trig", L @ Rt.T), ("pos", Pq @ Pk.T)):
            delta = np.max(np.abs(A - G))
            out = np.max(np.abs(attention_from_matrix(np.maximum(G, 1e-300), V) - att))
            bound = attention_transfer_bounds(A, delta, V)["sharp"]
            # same quantities, sums in another order: 1e-9 relative covers the rounding
            assert prof[f"{name}_a"][i] == pytest.approx(delta / A.max(), rel=1e-9)
            assert theory[f"{name}_a"][i] == pytest.approx(delta / math.exp(scale), rel=1e-9)
            assert prof[f"{name}_out"][i] == pytest.approx(out, rel=1e-9, abs=1e-12)
            assert prof[f"{name}_bound"][i] == pytest.approx(bound, rel=1e-9)


def test_attention_feature_bad_inputs():
    with pytest.raises(TypeError, match="rng"):
        attention_feature_tables(4, 2, 3, 1, rng=None)
    with pytest.raises(ValueError, match="rho"):
        attention_feature_tables(4, 2, 0, 1, rng=0)
    tab = attention_feature_tables(4, 2, 8, 1, rng=0)
    with pytest.raises(ValueError, match="rhos"):
        attention_feature_profile(tab, 1.0, [4, 2])
    with pytest.raises(ValueError, match="rhos"):
        attention_feature_profile(tab, 1.0, [9])
    with pytest.raises(ValueError, match="scale"):
        attention_feature_profile(tab, 0.0, [2])
    with pytest.raises(ValueError, match="scale"):
        attention_feature_profile(tab, 60.0, [2])
    with pytest.raises(TypeError, match="tables"):
        attention_feature_profile({"uq": 1}, 1.0, [2])
    with pytest.raises(TypeError, match="theory_norm"):
        attention_feature_profile(tab, 1.0, [2], theory_norm=1)
