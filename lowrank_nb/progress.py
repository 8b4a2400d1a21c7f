"""Old import path, kept so that existing code runs.

``import lowrank_nb.progress`` gives the very same module object as
``import lowrank_nb.book.progress``.
"""

import sys

from lowrank_nb.book import progress as _module

sys.modules[__name__] = _module
