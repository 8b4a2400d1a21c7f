"""lowrank_nb.papers.vodrahalli."""
