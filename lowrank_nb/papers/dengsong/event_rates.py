"""Exact rates of the four separation events as functions of the number m of weight vectors.

Used by the Explore sections of Part V's cross-attention and Section-7 chapters: one exact
computation per dataset point (the per-weight-vector firing probabilities) gives every ``m``.

References
----------
Y. Deng, Z. Song, K. Yuan, T. Zhou, "Why softmax attention outperforms linear attention",
Theorems D.5-D.17, E.4, F.5-F.17 and Section 7.2 (Figures 4, 5 and 7).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from lowrank_nb.core.validate import check_real
from lowrank_nb.papers.dengsong.separation import (
    exact_fire_probs_cross,
    exact_fire_probs_self_ones,
)
from lowrank_nb.papers.dengsong.separation_exact import exact_fire_probs_self_identity

__all__ = ["SETTINGS", "separation_event_rates"]

SETTINGS = ("cross", "self-ones", "self-identity")


@lru_cache(maxsize=8192)
def _fire_probs(setting: str, n: int, d: int, a0: float, a1: float, b: float, c: float
                ) -> dict[str, float]:
    """Per-weight-vector firing probabilities, cached: an explorer asks for them at every m."""
    if setting == "cross":
        return exact_fire_probs_cross(n, d, a0, a1)
    if setting == "self-ones":
        return exact_fire_probs_self_ones(n, d, a0, a1, b, c)
    return exact_fire_probs_self_identity(n, d, a0, a1, b, c)


def separation_event_rates(setting: str, n: int, d: int, m: int | Sequence[int], *,
                           a0: float = 0.01, a1: float = 1.2, b: float = 0.2, c: float = 0.8
                           ) -> dict[str, np.ndarray]:
    """Exact probabilities of the four events and of their conjunction, for each ``m``.

    With ``m`` i.i.d. Rademacher weight vectors shared by the four (network, dataset) pairs and
    per-vector firing probabilities ``p`` (exact, from the closed-form attention rows), the
    returned rates are ``P[F_exp(D1) > 0] = 1 - (1 - p_exp_D1)^m``,
    ``P[F_lin(D1) = 0] = (1 - p_lin_D1)^m``, the same for ``F_exp(D0) = 0`` and
    ``F_lin(D0) = 0``, ``P[no false alarm] = (1 - p_bad)^m`` (none of the three networks that
    must stay at 0 fires) and ``P[success] = (1 - p_bad)^m - q^m``.

    Parameters
    ----------
    setting : {"cross", "self-ones", "self-identity"}
        Cross-attention (Definition F.1, ``tau = 0.9``; ``b`` and ``c`` unused), or
        self-attention (Definition D.1) with ``X = 1_{d x d}`` or ``X = I_d``
        (``tau = (c + 0.1) sqrt(ln n)``).
    n, d : int
        Sequence length and width; ``(d - 1) | n`` for cross-attention, ``d >= 3`` and
        ``(d - 2) | n`` for self-attention.
    m : int or sequence of int
        Numbers of weight vectors, each ``>= 1``.
    a0, a1, b, c : float, optional
        Dataset parameters (spike sizes of D0 and D1, Type-II and Type-III entries).

    Returns
    -------
    dict of numpy.ndarray
        Keys ``exp_D1``, ``lin_D1``, ``exp_D0``, ``lin_D0``, ``no_false_alarm`` and ``success``,
        one value per ``m``, each in ``[0, 1]``.

    References
    ----------
    Deng et al., Theorems D.5-D.17 (X = 1), E.4 (X = I_d), F.5-F.17 (cross-attention) and
    Figures 4, 5 and 7 of Section 7.2.
    """
    if setting not in SETTINGS:
        raise ValueError(f"setting must be one of {SETTINGS}, got {setting!r}")
    m_arr = np.atleast_1d(np.asarray(m))
    if m_arr.ndim != 1 or m_arr.size == 0 or not np.issubdtype(m_arr.dtype, np.integer) \
            or np.any(m_arr < 1):
        raise ValueError(f"m must be an integer >= 1 or a non-empty sequence of them, got {m!r}")
    a0, a1 = check_real(a0, "a0"), check_real(a1, "a1")
    p = _fire_probs(setting, n, d, a0, a1, check_real(b, "b"), check_real(c, "c"))
    mm = m_arr.astype(float)
    out = {"exp_D1": 1.0 - (1.0 - p["exp_D1"]) ** mm}
    for key in ("lin_D1", "exp_D0", "lin_D0"):
        out[key] = (1.0 - p[key]) ** mm
    out["no_false_alarm"] = (1.0 - p["p_bad"]) ** mm
    # clip: the difference of two powers can round a hair below 0
    out["success"] = np.clip((1.0 - p["p_bad"]) ** mm - p["q"] ** mm, 0.0, 1.0)
    return out
