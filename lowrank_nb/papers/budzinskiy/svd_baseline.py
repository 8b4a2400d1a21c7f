"""The truncated-SVD baseline of §7 (Figures 1-3) at every rank of one f1/f2 matrix.

The baseline of the paper's figures is the relative max error of the truncated SVD. One SVD
and one pass of rank-one downdates give it at every rank, so it is cheap enough for a dense
grid over ``n`` and ``m`` (alternating projections are not). Used by the Explore section of
Part II's experiments chapter.

References
----------
S. Budzinskiy, "When big data actually are low-rank, or entrywise approximation of certain
function-generated matrices", §7.2-7.5 and Figures 1-3 (the truncated SVD beside AP).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lowrank_nb.core.kernels import sqdist
from lowrank_nb.core.norms import svd_error_profile
from lowrank_nb.core.sampling import sample_points
from lowrank_nb.core.validate import check_int, check_rng
from lowrank_nb.papers.budzinskiy.generated import h_f1, h_f2

__all__ = ["svd_baseline_errors"]

_SCHEMES = ("symmetric", "independent")


def svd_baseline_errors(scheme: str, n: int, m: int, ranks: Sequence[int], *,
                        rng: np.random.Generator | int) -> dict[str, np.ndarray]:
    """Relative max errors ``||F - F_r||_max / ||F||_max`` of the truncated SVD, per rank.

    The matrices are those of :func:`lowrank_nb.book.sweep.matrix_point`: ``n`` points (and,
    for independent sampling, ``n`` more) uniform in the unit ball of ``R^m``, drawn first
    from ``rng``, and ``F = f(x_i, y_j)`` for ``f1 = exp(-|x - y|)`` and
    ``f2 = exp(-|x - y|^4)`` on the same points. With an int seed the errors equal the ``svd``
    field of ``matrix_point(function=..., ..., seed=seed)`` at each rank.

    Parameters
    ----------
    scheme : {"symmetric", "independent"}
        Sampling of the points (``y = x`` or drawn separately).
    n : int >= 2
        Matrix size.
    m : int >= 1
        Dimension of the points.
    ranks : sequence of int in [0, n], non-empty
        Ranks of the truncated SVD, in any order.
    rng : numpy.random.Generator or int (required keyword)

    Returns
    -------
    dict
        ``{"f1": errors, "f2": errors}``, each an ndarray of shape ``(len(ranks),)``.

    Raises
    ------
    TypeError
        If ``rng`` is missing or a size is not an integer.
    ValueError
        If ``scheme`` is unknown, a size is out of range, or ``ranks`` is
        empty or holds a rank outside ``[0, n]``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7.2 (the test functions and
    the two samplings) and Figures 1-3 (the truncated SVD as the baseline of AP).
    """
    if scheme not in _SCHEMES:
        raise ValueError(f"scheme must be one of {_SCHEMES}, got {scheme!r}")
    n = check_int(n, "n", minimum=2)
    m = check_int(m, "m")
    if isinstance(ranks, (str, bytes)) or len(ranks) == 0:
        raise ValueError("ranks must be a non-empty sequence of ints in [0, n]")
    rs = [check_int(r, "ranks[i]", minimum=0, maximum=n) for r in ranks]
    X, Y = sample_points(n, m, scheme, "ball", check_rng(rng))
    D = sqdist(X, Y)  # shared by f1 and f2 (as in f1_matrix and f2_matrix)
    return {name: _rank_errors(h(D), rs) for name, h in (("f1", h_f1), ("f2", h_f2))}


def _rank_errors(F: np.ndarray, rs: list[int]) -> np.ndarray:
    return svd_error_profile(F, max_rank=max(rs))[rs] / float(np.abs(F).max())
