"""Old import path, kept so that existing code runs.

``import lowrank_nb.sampling`` gives the very same module object as
``import lowrank_nb.core.sampling``.
"""

import sys

from lowrank_nb.core import sampling as _module

sys.modules[__name__] = _module
