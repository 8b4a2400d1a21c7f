"""setup_notebook: NumPy scalars reach glue as plain numbers."""

from __future__ import annotations

import numpy as np
from IPython.core.interactiveshell import InteractiveShell

from lowrank_nb.book.session import plain_numpy_scalars


def test_numpy_scalars_are_formatted_as_python_numbers() -> None:
    shell = InteractiveShell.instance()
    try:
        assert plain_numpy_scalars()
        fmt = shell.display_formatter.formatters["text/plain"]
        assert fmt(np.float64(0.25)) == "0.25"
        assert fmt(np.int64(13301)) == "13301"
        assert float(fmt(np.float64(-0.9696187438106358))) == -0.9696187438106358  # exact
        assert fmt(np.array([1.0, 2.0])) == "array([1., 2.])"  # arrays keep their repr
    finally:
        InteractiveShell.clear_instance()


def test_without_ipython_nothing_is_registered() -> None:
    assert plain_numpy_scalars() is False
