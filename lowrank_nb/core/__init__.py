"""lowrank_nb.core."""
