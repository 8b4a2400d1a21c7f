"""Old import path, kept so that existing code runs.

``import lowrank_nb.certify`` gives the very same module object as
``import lowrank_nb.core.certify``.
"""

import sys

from lowrank_nb.core import certify as _module

sys.modules[__name__] = _module
