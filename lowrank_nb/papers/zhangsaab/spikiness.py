"""Definition 4.1 against spikiness: how one large entry moves the score of a rank-r matrix.

Used by the Explore section of Part IV's setting chapter (one grid of the book's explorer).

References
----------
X. Zhang and R. Saab, "Theoretical guarantees for low-rank compression of deep neural
networks", Definition 4.1 and Remark 4.2.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lowrank_nb.core.validate import check_int, check_rng

__all__ = ["spike_scores"]


def spike_scores(rank: int, d1: int, d2: int, spikes: Sequence[float], *,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Definition-4.1 score and stable rank of a rank-``rank`` matrix with one spiked entry.

    ``Y = A B`` with ``A`` (``d1 x rank``) and ``B`` (``rank x d2``) standard Gaussian; for each
    factor ``s`` in ``spikes`` the entry ``Y[0, 0]`` is set to ``s * max|Y|`` and the matrix is
    scored by ``r_eff(Y) = (||Y||_* / (||Y||_inf sqrt(d1 d2)))^2`` (the smallest ``r`` with which
    Definition 4.1 holds) and by the stable rank ``||Y||_F^2 / ||Y||_2^2``.

    Parameters
    ----------
    rank : int
        Rank of the Gaussian product, ``1 <= rank <= min(d1, d2)``.
    d1, d2 : int
        Matrix size, each ``>= 2``.
    spikes : sequence of float
        Spike factors, each ``>= 1`` (``1`` leaves the largest entry as it is).
    rng : numpy.random.Generator
        Source of the Gaussian factors (required: the result is random).

    Returns
    -------
    (scores, stable) : tuple of numpy.ndarray
        ``r_eff`` and the stable rank, one value per spike factor.

    References
    ----------
    Zhang and Saab, Definition 4.1 (approximately rank r) and Remark 4.2 (a rank-r matrix with a
    flat entry profile is approximately rank r).
    """
    d1 = check_int(d1, "d1", minimum=2)
    d2 = check_int(d2, "d2", minimum=2)
    rank = check_int(rank, "rank", minimum=1, maximum=min(d1, d2))
    rng = check_rng(rng)
    s_arr = np.asarray(spikes, dtype=float)
    if s_arr.ndim != 1 or s_arr.size == 0:
        raise ValueError("spikes must be a non-empty 1-d sequence of factors")
    if not np.all(np.isfinite(s_arr)) or np.any(s_arr < 1):
        raise ValueError("spikes must be finite factors >= 1")
    Y = rng.standard_normal((d1, rank)) @ rng.standard_normal((rank, d2))
    top = float(np.abs(Y).max())
    scores = np.empty(s_arr.size)
    stable = np.empty(s_arr.size)
    for i, s in enumerate(s_arr):
        Z = Y.copy()
        Z[0, 0] = s * top
        sv = np.linalg.svd(Z, compute_uv=False)
        scores[i] = (sv.sum() / (np.abs(Z).max() * np.sqrt(Z.size))) ** 2
        stable[i] = np.sum(sv**2) / sv[0] ** 2
    return scores, stable
