"""Old import path, kept so that existing code runs.

``import lowrank_nb.embeddings.distance`` gives the very same module object as
``import lowrank_nb.papers.budzinskiy.embeddings.distance``.
"""

import sys

from lowrank_nb.papers.budzinskiy.embeddings import distance as _module

sys.modules[__name__] = _module
