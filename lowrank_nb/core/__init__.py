"""Layer 1: primitives by concept, shared by every paper and chapter.

Imports only NumPy, SciPy, Numba and the standard library, and other ``core`` modules.
"""
