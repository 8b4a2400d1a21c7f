"""Arithmetic on the paper's transcribed ImageNet tables (Tables 1-7, Section 4.2).

The book does not rerun ImageNet; it checks what the paper *says about* its own tables: the
printed "best by" margins and the claim that LFAI wins are separated from the other
initialisations.

References
----------
K. Vodrahalli et al., "Nonlinear initialization methods for low-rank neural networks" (2022),
Tables 1-7 and Section 4.2.
"""

from __future__ import annotations

import numpy as np

from lowrank_nb.core.validate import check_array, check_int

__all__ = ["lfai_separated", "table_margin"]


def table_margin(scores, winner: int) -> float:
    """Margin of one table entry over the best of the others: ``s[winner] - max_{j != winner} s_j``.

    Parameters
    ----------
    scores : array_like, 1-D, finite, at least 2 entries
        One row of a results table (e.g. top-1 accuracies of the four initialisations).
    winner : int in [0, len(scores) - 1]
        Index of the entry whose margin is wanted.

    Returns
    -------
    float
        Positive when ``winner`` is the unique best entry.

    References
    ----------
    Vodrahalli et al. (2022), Tables 2-5 and 7 (the printed "best by" margins) computed from
    Tables 1 and 6.
    """
    s = check_array(scores, "scores", ndim=1)
    if s.size < 2:
        raise ValueError(f"scores must have at least 2 entries, got {s.size}")
    winner = check_int(winner, "winner", minimum=0, maximum=s.size - 1)
    return float(s[winner] - np.max(np.delete(s, winner)))


def lfai_separated(mu, se) -> bool:
    """Is the better LFAI variant separated by +-1 SE from baseline and spectral?

    The columns are ordered as in the paper's tables: baseline, spectral, LFAI-Adam,
    LFAI-WS-Adam. The test is ``mu_i - se_i > max(mu_j + se_j, j in {baseline, spectral})``
    with ``i`` the LFAI variant of larger mean.

    Parameters
    ----------
    mu : array_like, shape (4,), finite
        Mean top-1 accuracies.
    se : array_like, shape (4,), finite, >= 0
        Their printed standard errors.

    Returns
    -------
    bool

    References
    ----------
    Vodrahalli et al. (2022), Section 4.2 (the significance claim), Tables 1 and 6.
    """
    m = check_array(mu, "mu", ndim=1)
    s = check_array(se, "se", ndim=1)
    if m.shape != (4,) or s.shape != (4,):
        raise ValueError(f"mu and se must have shape (4,), got {m.shape} and {s.shape}")
    if np.any(s < 0):
        raise ValueError("se must be >= 0")
    i = 2 + int(np.argmax(m[2:]))
    return bool(m[i] - s[i] > max(m[:2] + s[:2]))
