"""Test-wide setup: one BLAS thread, a non-interactive matplotlib backend."""

import matplotlib

matplotlib.use("Agg")

from lowrank_nb import pin_blas_threads

pin_blas_threads(1)
