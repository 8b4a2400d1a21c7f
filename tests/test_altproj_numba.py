"""method="numba" of lrma_ap (implicit U V^T - S sketch) against the NumPy "fast" path."""

import numpy as np
import pytest

from lowrank_nb import altproj
from lowrank_nb.altproj import lrma_ap
from lowrank_nb.generated import f1_matrix, f2_matrix
from lowrank_nb.sampling import sample_points


def _problem(fn, n, seed):
    X, Y = sample_points(n, 10, "independent", "ball", np.random.default_rng(seed))
    return fn(X, Y)


@pytest.mark.parametrize(("fn", "n", "r", "kw"), [
    (f1_matrix, 60, 4, {}),
    (f1_matrix, 120, 10, {}),
    (f2_matrix, 80, 6, {"start": "svd"}),
    (f1_matrix, 70, 3, {"guard": True, "power": 2, "oversampling": 4}),
])
def test_numba_follows_the_fast_iterates(fn, n, r, kw):
    F = _problem(fn, n, n)
    a = lrma_ap(F, r, rng=1, method="fast", trace=True, **kw)
    b = lrma_ap(F, r, rng=1, method="numba", trace=True, **kw)
    # Same sketch, same bracket: the two differ only in how C = F + clip(R) is rounded
    # (formed densely, or as U V^T - S), a few ulps per step. On these problems the
    # trajectories never part (measured: relative differences <= 4e-15 over whole runs), so
    # 1e-9 is loose enough for any BLAS and still catches a wrong sign or a missed entry of S.
    assert b.steps == a.steps and b.levels == a.levels
    np.testing.assert_allclose(b.trace["err"], a.trace["err"], rtol=1e-9)
    np.testing.assert_allclose(b.trace["eps1"], a.trace["eps1"], rtol=1e-9)
    assert b.error == pytest.approx(a.error, rel=1e-9)
    # and the returned factors realise the reported error
    assert np.max(np.abs(F - b.U @ b.V.T)) == pytest.approx(b.error, rel=1e-10)


def test_numba_rectangular_strided_input_uses_the_sparse_path(monkeypatch):
    F = _problem(f1_matrix, 90, 4)[:, 10:70]  # 90 x 60, not contiguous
    calls = []
    real = altproj._FastProjector.implicit
    monkeypatch.setattr(altproj._FastProjector, "implicit",
                        lambda self, *a: calls.append(1) or real(self, *a))
    a = lrma_ap(F, 5, rng=3, method="fast", trace=True)
    b = lrma_ap(F, 5, rng=3, method="numba", trace=True)
    assert len(calls) > b.steps // 2  # most steps are implicit (few entries beyond eps)
    assert b.steps == a.steps
    np.testing.assert_allclose(b.trace["err"], a.trace["err"], rtol=1e-9)  # as above
    assert b.U.shape == (90, 5) and b.V.shape == (60, 5)


def test_numba_dense_fallback_is_the_fast_step(monkeypatch):
    # With no room for S every step falls back to the dense clip: bitwise the "fast" method.
    F = _problem(f1_matrix, 50, 2)
    monkeypatch.setattr(altproj, "SPARSE_FRACTION", 0.0)
    a = lrma_ap(F, 4, rng=0, method="fast", trace=True)
    b = lrma_ap(F, 4, rng=0, method="numba", trace=True)
    assert all(np.array_equal(a.trace[k], b.trace[k]) for k in a.trace)
    assert np.array_equal(a.U, b.U) and np.array_equal(a.V, b.V)


def test_numba_always_sparse_matches_reference_error(monkeypatch):
    # Every step implicit (S may be dense, e.g. in the first steps): still the "fast" run.
    F = _problem(f1_matrix, 40, 3)
    monkeypatch.setattr(altproj, "SPARSE_FRACTION", 1.0)
    a = lrma_ap(F, 5, rng=2, method="fast")
    b = lrma_ap(F, 5, rng=2, method="numba")
    ref = lrma_ap(F, 5, rng=2, method="reference")
    assert b.error == pytest.approx(a.error, rel=1e-9)  # rounding only, as above
    # the target for the fast methods: within 5 % of the published algorithm
    assert b.rel_error <= 1.05 * ref.rel_error


def test_numba_bad_input():
    with pytest.raises(ValueError, match="method must be one of"):
        lrma_ap(np.eye(5), 2, rng=0, method="jit")
