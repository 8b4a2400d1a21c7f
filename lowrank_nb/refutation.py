"""Old import path, kept so that existing code runs.

``import lowrank_nb.refutation`` gives the very same module object as
``import lowrank_nb.papers.budzinskiy.refutation``.
"""

import sys

from lowrank_nb.papers.budzinskiy import refutation as _module

sys.modules[__name__] = _module
