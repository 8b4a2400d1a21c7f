"""Old import path, kept so that existing code runs.

``import lowrank_nb.app`` gives the very same module object as
``import lowrank_nb.book.app``.
"""

import sys

from lowrank_nb.book import app as _module

if __name__ == "__main__":  # python -m lowrank_nb.app
    raise SystemExit(_module.main())
sys.modules[__name__] = _module
