"""S. Budzinskiy, "When big data actually are low-rank, or entrywise approximation of certain
function-generated matrices": max-norm embeddings, alternating projections, tensor trains.

Imports :mod:`lowrank_nb.core` only (never another paper).
"""
