"""lowrank_nb: the numerics behind the book *Low-Rank, Verified*.

Modules are organised by concept (``norms``, ``sampling``, ``generated``, ``bounds``,
``embeddings``, ``widgets``, ``plotting``, ...), not by paper. Notebooks call, plot and assert;
everything they compute lives here.
"""

from lowrank_nb.book.session import setup_notebook
from lowrank_nb.core.threads import pin_blas_threads

__all__ = ["pin_blas_threads", "setup_notebook"]
__version__ = "0.1.0"
