"""Old import path, kept so that existing code runs.

``import lowrank_nb.session`` gives the very same module object as
``import lowrank_nb.book.session``.
"""

import sys

from lowrank_nb.book import session as _module

sys.modules[__name__] = _module
