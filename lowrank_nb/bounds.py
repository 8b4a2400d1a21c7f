"""Old import path of :mod:`lowrank_nb.core.bounds`, kept so that existing code runs.

The Monte-Carlo fit of the JL constant, which runs the embeddings, now lives with them in
:mod:`lowrank_nb.papers.budzinskiy.embeddings.jl`; it stays importable from here.
"""

from lowrank_nb.core import bounds as _core
from lowrank_nb.core.bounds import *  # noqa: F403 (the old module's names)
from lowrank_nb.core.bounds import __all__ as _core_all
from lowrank_nb.papers.budzinskiy.embeddings.jl import fit_jl_constant

__all__ = [*_core_all, "fit_jl_constant"]


def __getattr__(name: str):
    return getattr(_core, name)
