"""lowrank_nb.book."""
