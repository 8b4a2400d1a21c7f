"""The one call every notebook's Setup section makes."""

from __future__ import annotations

import numpy as np

from lowrank_nb.book.plotting import use_book_style
from lowrank_nb.core.threads import pin_blas_threads
from lowrank_nb.core.validate import check_int

__all__ = ["setup_notebook"]


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
    return np.random.default_rng(seed)
