"""lowrank_nb.papers.zhangsaab."""
