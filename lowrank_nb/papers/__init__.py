"""Layer 2: the papers' constructions and experiments.

One subpackage per paper; they import :mod:`lowrank_nb.core` and never each other.
:mod:`lowrank_nb.papers.views` (Part VI) is the one module that sets the papers side by side.
"""
