import numpy as np
import pytest

from lowrank_nb import _validate as v
from lowrank_nb import pin_blas_threads, setup_notebook
from lowrank_nb.threads import blas_threads


def test_pin_blas_threads_pins_to_one() -> None:
    assert pin_blas_threads(1) == 1
    assert blas_threads() == 1


def test_pin_blas_threads_rejects_zero() -> None:
    with pytest.raises(ValueError, match="n must lie"):
        pin_blas_threads(0)


def test_setup_notebook_is_reproducible() -> None:
    a = setup_notebook(7).standard_normal(3)
    b = setup_notebook(7).standard_normal(3)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="seed"):
        setup_notebook(-1)


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.1, 2.0, float("nan")])
def test_check_eps_range(bad: float) -> None:
    with pytest.raises(ValueError, match=r"eps must lie in the open interval \(0, 1\)"):
        v.check_eps(bad)


def test_check_types() -> None:
    with pytest.raises(TypeError, match="k must be an integer"):
        v.check_int(2.5, "k")
    with pytest.raises(TypeError, match="k must be an integer"):
        v.check_int(True, "k")
    with pytest.raises(TypeError, match="eps must be a real number"):
        v.check_eps("0.1")
    with pytest.raises(TypeError, match="rng"):
        v.check_rng("seed")
    with pytest.raises(TypeError, match="A must be an array"):
        v.check_array("abc", "A")
    with pytest.raises(TypeError, match="A must be real"):
        v.check_array(np.ones((2, 2)) * 1j, "A")


def test_check_array_refuses_nan_and_bad_ndim() -> None:
    with pytest.raises(ValueError, match="A must contain only finite values"):
        v.check_array(np.array([[1.0, np.nan]]), "A")
    with pytest.raises(ValueError, match="A must contain only finite values"):
        v.check_array(np.array([[1.0, np.inf]]), "A")
    with pytest.raises(ValueError, match="A must have ndim"):
        v.check_array(np.ones(3), "A")
    with pytest.raises(ValueError, match="must not be empty"):
        v.check_array(np.ones((0, 3)), "A")
