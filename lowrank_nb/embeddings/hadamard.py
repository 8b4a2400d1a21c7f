"""Old import path, kept so that existing code runs.

``import lowrank_nb.embeddings.hadamard`` gives the very same module object as
``import lowrank_nb.papers.budzinskiy.embeddings.hadamard``.
"""

import sys

from lowrank_nb.papers.budzinskiy.embeddings import hadamard as _module

sys.modules[__name__] = _module
