"""Helpers moved out of part1/jl_maxnorm and the Part VI notebooks (issue 15).

Each function is checked against an independent computation (a linear scan, a closed form,
a direct SVD, a hand-built sketch) and one bad input.
"""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest

from lowrank_nb.book import plotting
from lowrank_nb.core import bounds
from lowrank_nb.papers import views

matplotlib.use("Agg")


# ----------------------------------------------------------------------------- core.bounds
def _first_informative_n(eps: float, c2: float) -> int:
    """Linear scan: the first n with jl_rank(eps, n, n, c2) < n (independent of the search)."""
    n = 1
    while bounds.jl_rank(eps, n, n, c2) >= n:
        n += 1
    return n


@pytest.mark.parametrize(("eps", "c2"), [(0.9, 0.05), (0.9, 0.3), (0.5, 1.0), (0.3, 1.0),
                                         (0.3, 4 / (1 - 0.2))])
def test_jl_rank_threshold_matches_a_linear_scan(eps: float, c2: float) -> None:
    assert bounds.jl_rank_threshold(eps, c2) == _first_informative_n(eps, c2)


def test_jl_rank_threshold_brackets_the_crossing_at_book_size() -> None:
    n = bounds.jl_rank_threshold(0.1, 1.43)
    assert bounds.jl_rank(0.1, n, n, 1.43) < n and bounds.jl_rank(0.1, n - 1, n - 1, 1.43) >= n - 1
    # rank ~ c2 eps^-2 log(2 e n^2): the threshold exceeds c2 eps^-2 log(2 e) at least
    assert n > 1.43 / 0.1**2 * math.log(2 * math.e)


def test_jl_rank_threshold_bad_input() -> None:
    with pytest.raises(ValueError, match="eps"):
        bounds.jl_rank_threshold(1.5, 1.0)
    with pytest.raises(ValueError, match="c2"):
        bounds.jl_rank_threshold(0.1, -1.0)


@pytest.mark.parametrize(("k", "n"), [(256, 100), (1000, 300), (10_000, 300), (500, 7)])
def test_jl_eps_explicit_inverts_the_explicit_rank(k: int, n: int) -> None:
    eps = bounds.jl_eps_explicit(k, n, n, 0.01)
    assert 0 < eps < 1
    assert bounds.jl_rank_explicit(eps, n, n, 0.01) <= k
    assert bounds.jl_rank_explicit(eps * (1 - 1e-9), n, n, 0.01) > k  # 1e-9: just below eps*
    # independent: the root in (0, 1) of the cubic eps^2 (1 - 2 eps / 3) = 4 log(4 n^2/delta)/k
    need = 4 * math.log(4 * n * n / 0.01) / k
    roots = [r.real for r in np.roots([-2 / 3, 1.0, 0.0, -need])
             if abs(r.imag) < 1e-12 and 0 < r.real < 1]
    assert len(roots) == 1 and eps == pytest.approx(roots[0], rel=1e-9)  # 1e-9: np.roots accuracy
    # the grid search the chapter used before (step 0.98) lands within one step above eps*
    g = 0.999
    while g > 1e-3 and bounds.jl_rank_explicit(g, n, n, 0.01) <= k:
        g *= 0.98
    assert eps <= g / 0.98 <= eps / 0.98


def test_jl_eps_explicit_is_one_when_nothing_below_one_is_certified() -> None:
    # k = 16 at n = 100: 4 log(4e4 / 0.01) / 16 = 3.8 > f(1) = 1/3
    assert bounds.jl_eps_explicit(16, 100, 100, 0.01) == 1.0
    assert bounds.jl_rank_explicit(0.999, 100, 100, 0.01) > 16


def test_jl_eps_explicit_bad_input() -> None:
    with pytest.raises(ValueError, match="k"):
        bounds.jl_eps_explicit(0, 10, 10, 0.01)
    with pytest.raises(ValueError, match="delta"):
        bounds.jl_eps_explicit(100, 10, 10, 1.5)


def _limits() -> list[bounds.Limit]:
    return [bounds.Limit("budzinskiy", "eq-3", "Bound A, c=10", "n", "rank < n", "eps=0.1",
                         lambda n: 10, lambda n: n, lo=1, hi=1000).search(),
            bounds.Limit("budzinskiy", "eq-3", "Bound A, c=10", "n", "rank < n", "eps=0.3",
                         lambda n: 30, lambda n: n, lo=1, hi=1000).search(),
            bounds.Limit("dengsong", "lemma-D.2", "Bound B", "n", "never", "",
                         lambda n: 2.0, lambda n: 1.0, lo=1, hi=1000).search()]


def test_limit_threshold_finds_the_one_match() -> None:
    lims = _limits()
    # constant rank 10 beats n first at n = 11; constant 30 at n = 31; B never
    assert bounds.limit_threshold(lims, "Bound A", "eps=0.1") == 11
    assert bounds.limit_threshold(lims, "Bound A", "eps=0.3") == 31
    assert bounds.limit_threshold(lims, "Bound B") is None
    assert bounds.limit_threshold(lims + lims[:1], "Bound A", "eps=0.1") == 11  # listed twice


def test_limit_threshold_bad_input() -> None:
    lims = _limits()
    with pytest.raises(ValueError, match="exactly one"):
        bounds.limit_threshold(lims, "Bound A")  # two limits match
    with pytest.raises(ValueError, match="matched 0"):
        bounds.limit_threshold(lims, "Bound C")
    with pytest.raises(TypeError, match="label"):
        bounds.limit_threshold(lims, 3)
    with pytest.raises(TypeError, match="Limit"):
        bounds.limit_threshold([1, 2], "Bound A")


# ----------------------------------------------------------------------------- papers.views
def test_shared_attention_draw_geometry() -> None:
    Q, K, A = views.shared_attention_draw(40, 9, 2.0, rng=3)
    R = math.sqrt(2.0 * 3.0)  # sqrt(beta sqrt(m))
    assert np.allclose(np.linalg.norm(Q, axis=1), R, rtol=1e-12)  # 1e-12: round-off of a norm
    assert np.allclose(np.linalg.norm(K, axis=1), R, rtol=1e-12)
    logits = Q @ K.T / 3.0
    assert np.abs(logits).max() <= 2.0 * (1 + 1e-12)  # Cauchy-Schwarz: |q.k|/sqrt(m) <= beta
    assert np.allclose(A, np.exp(logits), rtol=1e-12)
    Q2, K2, _ = views.shared_attention_draw(40, 9, 2.0, rng=np.random.default_rng(3))
    assert np.array_equal(Q, Q2) and np.array_equal(K, K2)  # the seed fixes the draw
    with pytest.raises(ValueError, match="logit_radius"):
        views.shared_attention_draw(40, 9, -1.0, rng=3)
    with pytest.raises(TypeError, match="rng is required"):
        views.shared_attention_draw(40, 9, 1.0, rng=None)


def test_entrywise_rank_views_against_a_direct_svd() -> None:
    _, _, A = views.shared_attention_draw(30, 4, 1.0, rng=5)
    lower, svd, bound = views.entrywise_rank_views(A, 0.05, 1.0)
    U, s, Vt = np.linalg.svd(A)
    direct = next(r for r in range(1, 31)
                  if np.abs(A - (U[:, :r] * s[:r]) @ Vt[:r]).max() <= 0.05 * A.max())
    assert svd == direct
    assert lower == math.ceil(lower) and 1 <= lower <= svd  # a certificate never exceeds a witness
    assert bound == bounds.theorem38_exp_rank(30, 30, 0.05, 1.0)["rank"] and bound > 30
    with pytest.raises(ValueError, match="eps"):
        views.entrywise_rank_views(A, 2.0, 1.0)


def test_performer_fit_views_lfai_improves_on_its_start() -> None:
    Q, K, _ = views.shared_attention_draw(24, 4, 1.0, rng=8)
    random, fitted = views.performer_fit_views(Q, K, 8, draws=5, maxiter=40, rng=9)
    g = np.random.default_rng(9)
    omega0 = g.standard_normal((4, 8))  # the start the function draws first
    P = np.exp(Q @ K.T / 2.0)
    P /= P.sum(axis=1, keepdims=True)
    phi = lambda X: np.exp(X @ omega0 / 4**0.25 - np.sum(X**2, 1, keepdims=True) / 4)  # noqa: E731
    Pq, Pk = phi(Q), phi(K)
    start = Pq @ Pk.T / (Pq @ Pk.T).sum(axis=1, keepdims=True)  # FAVOR+ from the definition
    assert fitted < np.sum((start - P) ** 2)
    # the random draws are the next ones of the same stream
    assert np.array_equal(random, views.performer_frobenius_errors(Q, K, 8, 5, g))
    with pytest.raises(ValueError, match="same width"):
        views.performer_fit_views(Q, K[:, :3], 8, draws=5, maxiter=4, rng=9)


def test_deng_spike_views_weights_are_probabilities() -> None:
    rand, fit = views.deng_spike_views(16, 10, 6, 4, trials=10, maxiter=50, rng=1)
    assert 0 < rand < 1 and 0 < fit < 1
    # LFAI fits the one matrix it is tested on: its spike weight is larger than the random one
    assert fit > rand
    with pytest.raises(ValueError, match="d"):
        views.deng_spike_views(16, 2, 6, 4, trials=10, maxiter=5, rng=1)


def test_near_subspace_data_lies_near_a_k_dimensional_subspace() -> None:
    X0 = views.near_subspace_data(200, 12, 3, 0.0, rng=4)
    assert X0.shape == (200, 12) and np.linalg.matrix_rank(X0) == 3
    X = views.near_subspace_data(2000, 12, 3, 0.1, rng=4)
    s = np.linalg.svd(X, compute_uv=False) / math.sqrt(2000)
    # the 9 noise directions carry variance noise^2 = 0.01 each (20% band: 2000 samples)
    assert np.all(np.abs(s[3:] ** 2 / 0.01 - 1) < 0.2) and s[2] > 0.5
    with pytest.raises(ValueError, match="k"):
        views.near_subspace_data(10, 4, 5, 0.1, rng=1)


def test_compression_losses_closed_forms() -> None:
    g = np.random.default_rng(2)
    W, X = g.standard_normal((6, 5)), g.standard_normal((40, 6))
    zero = views.compression_losses(np.zeros_like(W), W, X)
    assert all(v == pytest.approx(1.0, rel=1e-12) for v in zero.values())  # Y = 0: every ratio 1
    same = views.compression_losses(W, W, X)
    assert all(v == 0.0 for v in same.values())
    Y = 0.5 * W  # relu(X W / 2) = relu(X W) / 2: every loss but the Gaussian one is exactly 1/2
    half = views.compression_losses(Y, W, X)
    assert all(v == pytest.approx(0.5, rel=1e-9) for k, v in half.items()
               if k != "function, Gaussian x")
    with pytest.raises(ValueError, match="shape of W"):
        views.compression_losses(W[:, :3], W, X)


def test_compress_layer_against_eckart_young_and_the_sketch() -> None:
    g = np.random.default_rng(3)
    W, X = g.standard_normal((10, 7)), g.standard_normal((50, 10))
    out = views.compress_layer(W, X, 3, rng=11)
    s = np.linalg.svd(W, compute_uv=False)
    tail = math.sqrt(np.sum(s[3:] ** 2))
    assert np.linalg.norm(W - out["spectral"]) == pytest.approx(tail, rel=1e-10)  # round-off
    sxw = np.linalg.svd(X @ W, compute_uv=False)
    assert np.linalg.norm(X @ W - X @ out["data-driven"]) == pytest.approx(
        math.sqrt(np.sum(sxw[3:] ** 2)), rel=1e-8)  # 1e-8: a least-squares solve
    R = np.random.default_rng(11).standard_normal((10, 3))
    assert np.allclose(out["random embedding"], R @ R.T @ W / 3, rtol=1e-12)
    assert all(np.linalg.matrix_rank(Y) <= 3 for Y in out.values())
    with pytest.raises(ValueError, match="r"):
        views.compress_layer(W, X, 8, rng=1)


# ----------------------------------------------------------------------------- book.plotting
def test_limits_figure_rows_and_markers() -> None:
    lims = _limits()
    with matplotlib.rc_context():  # the figure applies the book style; keep it out of other tests
        fig = plotting.limits_figure(lims, "t", laptop=10**4, laptop_tensor=464,
                                     extra_rows=[("vodrahalli", "premise", "d", None)])
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Bound A, c=10 [n]", "Bound A, c=10 [n]", "Bound B [n]", "premise [d]"]
    xs = [line.get_xdata()[0] for line in ax.lines]
    assert xs == [11, 31, 1e18, 1e18]  # thresholds, "never" drawn at 1e18
    assert [line.get_markerfacecolor() for line in ax.lines][2:] == ["none", "none"]
    assert set(plotting.PAPER_STYLE) == {"budzinskiy", "zhangsaab", "dengsong", "vodrahalli"}
    matplotlib.pyplot.close(fig)
    with pytest.raises(ValueError, match="laptop"):
        plotting.limits_figure(lims, "t", laptop=0, laptop_tensor=464)
    with pytest.raises(ValueError, match="extra_rows"):
        plotting.limits_figure(lims, "t", laptop=10, laptop_tensor=4, extra_rows=[("x", 1)])
