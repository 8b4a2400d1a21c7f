"""Old import path, kept so that existing code runs.

``import lowrank_nb.embeddings.jl`` gives the very same module object as
``import lowrank_nb.papers.budzinskiy.embeddings.jl``.
"""

import sys

from lowrank_nb.papers.budzinskiy.embeddings import jl as _module

sys.modules[__name__] = _module
