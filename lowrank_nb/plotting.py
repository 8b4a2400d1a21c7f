"""Old import path, kept so that existing code runs.

``import lowrank_nb.plotting`` gives the very same module object as
``import lowrank_nb.book.plotting``.
"""

import sys

from lowrank_nb.book import plotting as _module

sys.modules[__name__] = _module
