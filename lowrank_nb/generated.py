"""Old import path, kept so that existing code runs.

``import lowrank_nb.generated`` gives the very same module object as
``import lowrank_nb.papers.budzinskiy.generated``.
"""

import sys

from lowrank_nb.papers.budzinskiy import generated as _module

sys.modules[__name__] = _module
