import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lowrank_nb import bounds


def test_jl_rank_values() -> None:
    # ceil(4 log(2e 1e4)) = ceil(43.6) and ceil(100 log(2e 1e6)) = ceil(1550.9)
    assert bounds.jl_rank(0.5, 100, 100) == math.ceil(4 * (math.log(2e4) + 1))
    assert bounds.jl_rank(0.1, 1000, 1000) == 1551
    assert bounds.jl_rank(0.5, 100, 100, c2=2.0) == math.ceil(8 * (math.log(2e4) + 1))


def test_taylor_rank_eq1_table() -> None:
    # Eq. (1) with M = 1, eps = 1e-3: rho* = 8, 15, 23, 37 for m = 1, 2, 3, 5.
    got = [bounds.taylor_degree(m, 1e-3, 1.0) for m in (1, 2, 3, 5)]
    assert got == [8, 15, 23, 37]
    assert [bounds.taylor_rank(m, 1e-3, 1.0) for m in (1, 2, 3, 5)] == [8, 120, 2300, 749398]
    assert bounds.taylor_rank(20, 1e-3, 1.0) > 2**63  # exact Python int, beyond int64


def test_jl_rank_explicit() -> None:
    k = bounds.jl_rank_explicit(0.5, 200, 200, 0.01)
    expected = 4 * math.log(4 * 200 * 200 / 0.01) / (0.25 * (1 - 1 / 3))
    assert k == math.ceil(expected)


def test_R_rank_small_values() -> None:
    assert bounds.R_rank(5, 0, 0) == 1
    assert bounds.R_rank(5, 3, 0) == 5
    assert bounds.R_rank(5, 1, 1) == 6
    assert bounds.R_rank(5, 2, 1) == 1 + 5 + 5


@given(r=st.integers(1, 50), t=st.integers(0, 12), p=st.integers(1, 6))
def test_R_rank_closed_form(r: int, t: int, p: int) -> None:
    assert bounds.R_rank(r, t, p) == bounds.R_rank_closed_form(r, t, p)


def test_bounds_bad_input() -> None:
    with pytest.raises(ValueError, match="eps must lie"):
        bounds.jl_rank(1.5, 10, 10)
    with pytest.raises(ValueError, match="n1 must lie"):
        bounds.jl_rank(0.5, 0, 10)
    with pytest.raises(ValueError, match="c2 must be finite"):
        bounds.jl_rank(0.5, 10, 10, c2=0)
    with pytest.raises(ValueError, match="delta must lie"):
        bounds.jl_rank_explicit(0.5, 10, 10, 1.0)
    with pytest.raises(ValueError, match="M must be finite"):
        bounds.taylor_rank(3, 0.1, -1.0)
    with pytest.raises(ValueError, match="t must lie"):
        bounds.R_rank(3, -1, 2)
    with pytest.raises(TypeError, match="r must be an integer"):
        bounds.R_rank(3.0, 1, 2)
