"""Old import path, kept so that existing code runs.

``import lowrank_nb.embeddings.cp_tt`` gives the very same module object as
``import lowrank_nb.papers.budzinskiy.embeddings.cp_tt``.
"""

import sys

from lowrank_nb.papers.budzinskiy.embeddings import cp_tt as _module

sys.modules[__name__] = _module
