"""Old import path, kept so that existing code runs.

``import lowrank_nb.embeddings.taylor`` gives the very same module object as
``import lowrank_nb.papers.budzinskiy.embeddings.taylor``.
"""

import sys

from lowrank_nb.papers.budzinskiy.embeddings import taylor as _module

sys.modules[__name__] = _module
