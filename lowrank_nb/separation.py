"""Old import path, kept so that existing code runs.

``import lowrank_nb.separation`` gives the very same module object as
``import lowrank_nb.papers.dengsong.separation``.
"""

import sys

from lowrank_nb.papers.dengsong import separation as _module

sys.modules[__name__] = _module
