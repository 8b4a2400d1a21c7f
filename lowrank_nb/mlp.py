"""Old import path, kept so that existing code runs.

``import lowrank_nb.mlp`` gives the very same module object as
``import lowrank_nb.core.mlp``.
"""

import sys

from lowrank_nb.core import mlp as _module

sys.modules[__name__] = _module
