"""lowrank_nb.papers."""
