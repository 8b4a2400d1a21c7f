"""Old import path, kept so that existing code runs.

``import lowrank_nb.sweep`` gives the very same module object as
``import lowrank_nb.book.sweep``.
"""

import sys

from lowrank_nb.book import sweep as _module

if __name__ == "__main__":  # python -m lowrank_nb.sweep
    raise SystemExit(_module.main())
sys.modules[__name__] = _module
