"""Old import path, kept so that existing code runs.

``import lowrank_nb.altproj`` gives the very same module object as
``import lowrank_nb.papers.budzinskiy.altproj``.
"""

import sys

from lowrank_nb.papers.budzinskiy import altproj as _module

sys.modules[__name__] = _module
