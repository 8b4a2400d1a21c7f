"""Old import path, kept so that existing code runs.

``import lowrank_nb.tt`` gives the very same module object as
``import lowrank_nb.papers.budzinskiy.tt``.
"""

import sys

from lowrank_nb.papers.budzinskiy import tt as _module

sys.modules[__name__] = _module
