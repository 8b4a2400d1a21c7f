"""Old import path, kept so that existing code runs.

``import lowrank_nb._validate`` gives the very same module object as
``import lowrank_nb.core.validate``.
"""

import sys

from lowrank_nb.core import validate as _module

sys.modules[__name__] = _module
