"""Old import path, kept so that existing code runs.

``import lowrank_nb.features`` gives the very same module object as
``import lowrank_nb.core.kernels``.
"""

import sys

from lowrank_nb.core import kernels as _module

sys.modules[__name__] = _module
