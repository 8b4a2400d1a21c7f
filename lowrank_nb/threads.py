"""Old import path, kept so that existing code runs.

``import lowrank_nb.threads`` gives the very same module object as
``import lowrank_nb.core.threads``.
"""

import sys

from lowrank_nb.core import threads as _module

sys.modules[__name__] = _module
