"""lowrank_nb.papers.budzinskiy."""
