"""Old import path, kept so that existing code runs.

``import lowrank_nb.norms`` gives the very same module object as
``import lowrank_nb.core.norms``.
"""

import sys

from lowrank_nb.core import norms as _module

sys.modules[__name__] = _module
