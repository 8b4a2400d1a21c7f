"""Old import path, kept so that existing code runs.

``import lowrank_nb.hermite`` gives the very same module object as
``import lowrank_nb.core.hermite``.
"""

import sys

from lowrank_nb.core import hermite as _module

sys.modules[__name__] = _module
