"""Old import path of :mod:`lowrank_nb.papers.budzinskiy.embeddings` (kept so existing code runs).

Its submodules (``lowrank_nb.embeddings.jl``, ...) are the same module objects as the new ones.
"""

from lowrank_nb.papers.budzinskiy.embeddings import *  # noqa: F403 (the same names)
from lowrank_nb.papers.budzinskiy.embeddings import __all__  # noqa: F401
