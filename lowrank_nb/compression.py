"""Old import path, kept so that existing code runs.

``import lowrank_nb.compression`` gives the very same module object as
``import lowrank_nb.papers.zhangsaab.compression``.
"""

import sys

from lowrank_nb.papers.zhangsaab import compression as _module

sys.modules[__name__] = _module
