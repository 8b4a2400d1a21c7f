"""lowrank_nb: the numerics behind the book *Low-Rank, Verified*.

The package has three layers; a module imports only from its own layer or the layers below,
never from above (``tests/test_layers.py`` checks it, function-local imports included):

1. :mod:`lowrank_nb.core`, primitives by concept: input validation, norms, sampling, SVD and
   eps-rank certificates, softmax and random features, kernels, Hermite expansions, a small
   MLP, BLAS threads, and the arithmetic of every paper's bounds (:mod:`lowrank_nb.core.bounds`).
   A function that any paper could use goes here, once.
2. :mod:`lowrank_nb.papers`, the papers' constructions and experiments, one subpackage per
   paper (``budzinskiy``, ``vodrahalli``, ``zhangsaab``, ``dengsong``), which do not import each
   other, and :mod:`lowrank_nb.papers.views` (with ``views_profiles`` and
   ``layer_compression``) for Part VI, which sets them side by side.
3. :mod:`lowrank_nb.book`, the book's machinery: explorers (``explorer``), the live app, paper-scale
   sweeps, progress bars, plotting style and the notebook set-up.

The flat module names of earlier versions (``lowrank_nb.relu``, ``lowrank_nb.separation``,
``lowrank_nb.altproj``, ...) still import: each is the very same module object as its new home
(``lowrank_nb.attention`` and ``lowrank_nb.bounds``, which were split, re-export every name).
"""

from lowrank_nb.book.session import setup_notebook
from lowrank_nb.core.threads import pin_blas_threads

__all__ = ["pin_blas_threads", "setup_notebook"]
__version__ = "0.1.0"
