"""Old import path, kept so that existing code runs.

``import lowrank_nb.widgets`` gives the very same module object as
``import lowrank_nb.book.widgets``.
"""

import sys

from lowrank_nb.book import widgets as _module

sys.modules[__name__] = _module
