"""Y. Deng, Z. Song, K. Yuan, T. Zhou, "Why softmax attention outperforms linear attention": the
separation datasets and their exact success probabilities.

Imports :mod:`lowrank_nb.core` only (never another paper).
"""
