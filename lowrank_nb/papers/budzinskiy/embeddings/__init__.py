"""Random embeddings and the Taylor/embedding constructions built on them.

* :mod:`.jl`: Johnson--Lindenstrauss sketches of ``A B^T`` (Theorem 1.3);
* :mod:`.taylor`: Taylor factorisations of Examples 1.1 and 1.2.

Further submodules hold the constructions of later sections (Hadamard powers, squared
distances, tensors); import them from their submodule.
"""

from lowrank_nb.papers.budzinskiy.embeddings.jl import jl_factors, jl_sketch, realised_jl_error
from lowrank_nb.papers.budzinskiy.embeddings.taylor import (
    multi_indices,
    taylor_factors_1d,
    taylor_factors_exp_inner,
)

__all__ = [
    "jl_factors",
    "jl_sketch",
    "multi_indices",
    "realised_jl_error",
    "taylor_factors_1d",
    "taylor_factors_exp_inner",
]
