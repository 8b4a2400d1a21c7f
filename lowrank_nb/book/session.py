"""The one call every notebook's Setup section makes."""

from __future__ import annotations

import numpy as np

from lowrank_nb.book.plotting import use_book_style
from lowrank_nb.core.threads import pin_blas_threads
from lowrank_nb.core.validate import check_int

__all__ = ["plain_numpy_scalars", "setup_notebook"]


def setup_notebook(seed: int) -> np.random.Generator:
    """Pin BLAS threads to 1, apply the book's figure style and return a seeded generator.

    Parameters
    ----------
    seed : int >= 0
        Seed of the chapter's ``np.random.default_rng``.

    Returns
    -------
    numpy.random.Generator
    """
    seed = check_int(seed, "seed", minimum=0)
    pin_blas_threads(1)
    use_book_style()
    plain_numpy_scalars()
    return np.random.default_rng(seed)


def _plain_repr(obj: np.generic, printer, cycle: bool) -> None:
    printer.text(repr(obj.item()))


def plain_numpy_scalars() -> bool:
    """Show NumPy scalars as plain Python numbers in this IPython kernel's ``text/plain``.

    Under NumPy 2 a NumPy scalar's repr is ``np.float64(0.5)``. myst-nb stores a glued value
    as its ``text/plain`` and a ``{glue:text}`key:.2f``` role parses it back as a number, so
    a glued NumPy scalar would fail the build; with this formatter it is stored as ``0.5``.
    Outside IPython it does nothing.

    Returns
    -------
    bool
        Whether a formatter was registered.

    References
    ----------
    myst-nb documentation, "Glue variables into your pages" (the text/plain of a glued value).
    """
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing displays, nothing to format
        return False
    shell = get_ipython()
    if shell is None:
        return False
    formatter = shell.display_formatter.formatters["text/plain"]
    # Each concrete scalar type defines its own __repr__, which IPython would find before a
    # printer registered for np.generic, so register them one by one.
    for kind in _SCALAR_TYPES:
        formatter.for_type(kind, _plain_repr)
    return True


_SCALAR_TYPES = (np.float16, np.float32, np.float64, np.longdouble, np.int8, np.int16, np.int32,
                 np.int64, np.uint8, np.uint16, np.uint32, np.uint64, np.bool_)
