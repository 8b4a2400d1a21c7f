"""K. Vodrahalli et al., "Nonlinear initialization methods for low-rank neural networks": ReLU SVD,
LFAI and the ReLU kernel.

Imports :mod:`lowrank_nb.core` only (never another paper).
"""
