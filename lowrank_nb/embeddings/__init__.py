"""Random embeddings and the Taylor/embedding constructions built on them.

* :mod:`.jl`: Johnson--Lindenstrauss sketches of ``A B^T`` (Theorem 1.3).

Further submodules hold the constructions of later sections (Hadamard powers, squared
distances, tensors); import them from their submodule.
"""

from .jl import jl_factors, jl_sketch, realised_jl_error

__all__ = ["jl_factors", "jl_sketch", "realised_jl_error"]
