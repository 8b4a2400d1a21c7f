"""Realised errors of the CP-to-TT embedding of Theorem 6.1 for many TT ranks at once (d = 3).

For an order-3 CP tensor ``[[A_1, A_2, A_3]]`` the embedding of :func:`cp_to_tt
<lowrank_nb.papers.budzinskiy.embeddings.cp_tt.cp_to_tt>` has entries
``sum_b P(i, b) A_2(j, b) Q(k, b)`` with ``P = A_1 R_1 R_1^T / r`` and ``Q = A_3 R_2 R_2^T / r``:
it is again a CP tensor of rank ``m``, so its error tensor costs ``O(n^3 m)`` without forming
any TT core. Used by the Explore section of Part II's tensors chapter.

References
----------
S. Budzinskiy, "When big data actually are low-rank, or entrywise approximation of certain
function-generated matrices", Theorem 6.1 and Eq. (5).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lowrank_nb.core.validate import check_array, check_int, check_rng

__all__ = ["cp_tt_rank_errors"]


def cp_tt_rank_errors(factors: Sequence[np.ndarray], ranks: Sequence[int], *,
                      rng: np.random.Generator | int) -> np.ndarray:
    """Relative max errors of the Theorem 6.1 embedding of an order-3 CP tensor, per TT rank.

    One pair of Gaussian matrices ``R_1, R_2`` (``m x max(ranks)``) is drawn; rank ``r`` uses
    their first ``r`` columns, so the ranks share one draw (nested embeddings). For a single
    rank the draws, and hence the error, are those of ``cp_to_tt(factors, r, rng)`` followed by
    ``realised_tt_error``.

    Parameters
    ----------
    factors : sequence of three ndarray, shapes (n_1, m), (n_2, m), (n_3, m), finite
        The CP factors ``A_1, A_2, A_3``; none may be zero.
    ranks : sequence of int >= 1, non-empty
        TT ranks ``r`` (every bond), in any order.
    rng : numpy.random.Generator or int (required keyword)
        Source of ``R_1`` then ``R_2``.

    Returns
    -------
    ndarray of float, shape (len(ranks),)
        ``||[[A_1, A_2, A_3]] - G_r||_max / prod_j ||A_j||_{2,inf}``, the realised ``eps`` of
        Theorem 6.1 at each rank.

    Raises
    ------
    TypeError
        If ``rng`` is missing.
    ValueError
        If there are not three factors, their ranks ``m`` differ, a factor is zero or not
        finite, ``ranks`` is empty or a rank is below 1.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 6.1 (CP to TT with
    ``rank_TT <= r`` and max error ``eps prod_j ||A_j||_{2,inf}``) and Eq. (5).
    """
    if isinstance(factors, np.ndarray) or len(factors) != 3:
        raise ValueError("factors must be a sequence of three 2-d arrays (order d = 3)")
    A1, A2, A3 = (check_array(A, f"factors[{j}]", ndim=2) for j, A in enumerate(factors))
    m = A1.shape[1]
    if A2.shape[1] != m or A3.shape[1] != m:
        raise ValueError(f"factors must share their number of columns m, got "
                         f"{[A.shape[1] for A in (A1, A2, A3)]}")
    if isinstance(ranks, (str, bytes)) or len(ranks) == 0:
        raise ValueError("ranks must be a non-empty sequence of ints >= 1")
    rs = [check_int(r, "ranks[i]") for r in ranks]
    gen = check_rng(rng)
    scale = float(np.prod([np.sqrt(np.max(np.sum(A * A, axis=1))) for A in (A1, A2, A3)]))
    if scale == 0.0:
        raise ValueError("a factor is zero: the relative error is undefined")
    top = max(rs)
    R1, R2 = gen.standard_normal((m, top)), gen.standard_normal((m, top))
    exact = (A1[:, None, :] * A3[None, :, :]).reshape(-1, m)  # Khatri-Rao rows (i, k)
    out = np.empty(len(rs))
    for t, r in enumerate(rs):
        P = A1 @ R1[:, :r] @ R1[:, :r].T / r
        Q = A3 @ R2[:, :r] @ R2[:, :r].T / r
        diff = exact - (P[:, None, :] * Q[None, :, :]).reshape(-1, m)
        out[t] = float(np.max(np.abs(diff @ A2.T))) / scale
    return out
