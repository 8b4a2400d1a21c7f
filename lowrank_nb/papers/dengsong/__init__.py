"""lowrank_nb.papers.dengsong."""
