"""Old import path, kept so that existing code runs.

``import lowrank_nb.prose_glue`` gives the very same module object as
``import lowrank_nb.book.prose_glue``.
"""

import sys

from lowrank_nb.book import prose_glue as _module

sys.modules[__name__] = _module
