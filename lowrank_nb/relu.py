"""Old import path, kept so that existing code runs.

``import lowrank_nb.relu`` gives the very same module object as
``import lowrank_nb.papers.vodrahalli.relu``.
"""

import sys

from lowrank_nb.papers.vodrahalli import relu as _module

sys.modules[__name__] = _module
