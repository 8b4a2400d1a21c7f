"""Certified bounds on the max-norm eps-rank of the counterexample family, scanned over ``m``.

For each latent dimension ``m`` the scan draws the counterexample matrix of
:mod:`lowrank_nb.papers.budzinskiy.refutation` and, as a control, ``cos(M X Y^T)`` on
independent ball points (the inner-product class of Section 3, same ``C = 1`` and ``M``),
and records the trace-duality lower bound on the eps-rank of both and the truncated-SVD rank
(an upper bound) of the counterexample.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lowrank_nb.core.certify import eps_rank_lower_bounds, svd_eps_rank
from lowrank_nb.core.sampling import sample_ball
from lowrank_nb.core.validate import check_array, check_int, check_positive, check_rng
from lowrank_nb.papers.budzinskiy.refutation import counterexample_matrix, counterexample_points

__all__ = ["eps_rank_scan"]


def eps_rank_scan(
    n: int,
    M: float,
    m_values: Sequence[int],
    deltas: Sequence[float],
    *,
    rng: np.random.Generator | int,
) -> dict[str, np.ndarray]:
    """Certified eps-rank lower bounds and SVD ranks of the counterexample, for each ``m``.

    For each ``m`` in ``m_values`` (in order) the draws are: the counterexample points
    (``counterexample_points(n, m, rng)``), then ``X``, then ``Y`` uniform in the unit ball.

    Parameters
    ----------
    n : int >= 1
        Matrix size (``n x n``).
    M : float > 0
        Frequency bound of Example 1.2 (the same ``M`` for both families).
    m_values : sequence of int >= 1, non-empty
        Latent dimensions, in the order they are drawn.
    deltas : sequence of float >= 0, non-empty
        Absolute max-norm tolerances (``eps ||f||_inf`` with ``||f||_inf = 1``).
    rng : numpy.random.Generator or int (required keyword)

    Returns
    -------
    dict of ndarray, each of shape ``(len(m_values), len(deltas))``
        ``"cx_lb"``: certified lower bound for the counterexample;
        ``"cx_ub"``: truncated-SVD rank within ``delta`` of the counterexample (an upper bound
        on its eps-rank, as ints); ``"ip_lb"``: certified lower bound for ``cos(M X Y^T)``.

    Raises
    ------
    TypeError
        If ``rng`` is missing or an argument has the wrong type.
    ValueError
        If ``n < 1``, ``M`` is not in ``(0, inf)``, ``m_values`` or ``deltas`` is empty, an
        ``m`` is below 1 or a ``delta`` is negative.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank, or entrywise approximation of certain
    function-generated matrices", Section 2 and Theorem 2.1 (the dimension-free claim of
    Udell and Townsend that the counterexample refutes) and Section 3 (the inner-product
    class, whose certified rank stays flat in ``m``).
    """
    n = check_int(n, "n")
    M = check_positive(M, "M")
    if isinstance(m_values, (str, bytes)) or len(m_values) == 0:
        raise ValueError("m_values must be a non-empty sequence of ints >= 1")
    ms = [check_int(m, "m_values[i]") for m in m_values]
    d = check_array(list(deltas), "deltas", ndim=1)
    if np.any(d < 0):
        raise ValueError("deltas must lie in [0, inf)")
    if rng is None:
        raise TypeError("rng must be a numpy.random.Generator or a non-negative int seed, "
                        "got None (results must be reproducible)")
    gen = check_rng(rng)
    out: dict[str, list] = {"cx_lb": [], "cx_ub": [], "ip_lb": []}
    for m in ms:
        X, Y = counterexample_points(n, m, gen)
        F = counterexample_matrix(X, Y, M)
        out["cx_lb"].append(eps_rank_lower_bounds(F, d))
        out["cx_ub"].append([svd_eps_rank(F, float(x)) for x in d])
        Xb, Yb = sample_ball(n, m, rng=gen), sample_ball(n, m, rng=gen)
        out["ip_lb"].append(eps_rank_lower_bounds(np.cos(M * Xb @ Yb.T), d))
    return {k: np.array(v) for k, v in out.items()}
