"""S. Zhang and R. Saab, "Theoretical guarantees for low-rank compression of deep neural
networks": data-driven compression, Theorems 3.1-4.9 and their experiments.

Imports :mod:`lowrank_nb.core` only (never another paper).
"""
