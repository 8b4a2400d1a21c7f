"""Pin BLAS threads to one.

On the 2-core machines that build this book, two OpenBLAS threads made a 1000x1000 SVD
10-25x *slower* than one (oversubscription with the Jupyter kernel and the build process).
Every notebook, test and benchmark calls :func:`pin_blas_threads` once, through
:func:`lowrank_nb.setup_notebook` or the test fixtures, rather than copying the snippet.
"""

from __future__ import annotations

import os

from threadpoolctl import threadpool_info, threadpool_limits

from lowrank_nb.core.validate import check_int

__all__ = ["blas_threads", "pin_blas_threads"]

_ENV_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
_LIMITER: threadpool_limits | None = None


def pin_blas_threads(n: int = 1) -> int:
    """Limit every BLAS/OpenMP pool loaded in this process to ``n`` threads.

    Parameters
    ----------
    n : int, default 1
        Number of threads; must be at least 1.

    Returns
    -------
    int
        The largest thread count reported by threadpoolctl after pinning.
    """

    n = check_int(n, "n", minimum=1)
    global _LIMITER
    for var in _ENV_VARS:  # for child processes started later (e.g. Dask workers)
        os.environ[var] = str(n)
    _LIMITER = threadpool_limits(limits=n)
    return blas_threads()


def blas_threads() -> int:
    """Return the largest thread count among the loaded BLAS/OpenMP pools (1 if none)."""
    counts = [pool["num_threads"] for pool in threadpool_info()]
    return max(counts, default=1)
