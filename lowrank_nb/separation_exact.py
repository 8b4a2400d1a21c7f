"""Old import path, kept so that existing code runs.

``import lowrank_nb.separation_exact`` gives the very same module object as
``import lowrank_nb.papers.dengsong.separation_exact``.
"""

import sys

from lowrank_nb.papers.dengsong import separation_exact as _module

sys.modules[__name__] = _module
