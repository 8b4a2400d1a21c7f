"""Certified bounds on the max-norm eps-rank of the counterexample family, scanned over ``m``.

For each latent dimension ``m`` the scan draws the counterexample matrix of
:mod:`lowrank_nb.papers.budzinskiy.refutation` and, as a control, ``cos(M X Y^T)`` on
independent ball points (the inner-product class of Section 3, same ``C = 1`` and ``M``),
and records the trace-duality lower bound on the eps-rank of both and the truncated-SVD rank
(an upper bound) of the counterexample.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lowrank_nb.core.certify import _test_matrices, eps_rank_lower_bounds
from lowrank_nb.core.norms import svd_delta_ranks, svd_error_profile
from lowrank_nb.core.sampling import sample_ball
from lowrank_nb.core.validate import check_array, check_int, check_positive, check_rng
from lowrank_nb.papers.budzinskiy.refutation import counterexample_matrix, counterexample_points

__all__ = ["EpsRankProfile", "eps_rank_profile", "eps_rank_scan"]


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
    gen = check_rng(rng)
    out: dict[str, list] = {"cx_lb": [], "cx_ub": [], "ip_lb": []}
    for m in ms:
        X, Y = counterexample_points(n, m, gen)
        F = counterexample_matrix(X, Y, M)
        out["cx_lb"].append(eps_rank_lower_bounds(F, d))
        out["cx_ub"].append(svd_delta_ranks(F, d).tolist())
        Xb, Yb = sample_ball(n, m, rng=gen), sample_ball(n, m, rng=gen)
        out["ip_lb"].append(eps_rank_lower_bounds(np.cos(M * Xb @ Yb.T), d))
    return {k: np.array(v) for k, v in out.items()}


_UNIT = np.finfo(np.float64).eps


def _duality_terms(F: np.ndarray) -> np.ndarray:
    # per test matrix Q of lowrank_nb.core.certify: the floats of its bound that do not depend
    # on delta, [<F,Q>, margin, ||Q||_1, safe ||Q||_2, safe ||F||_F, sqrt(size)]; NaN rows pad
    # to three candidates
    out = np.full((3, 6), np.nan)
    f_safe = float(np.linalg.norm(F)) * (1.0 + F.size * _UNIT)
    for k, (Q, q_spec) in enumerate(_test_matrices(F)):
        products = F * Q
        margin = F.size * _UNIT * float(np.abs(products).sum())
        q_safe = q_spec * (1.0 + max(F.shape) * 16 * _UNIT)
        out[k] = (float(products.sum()), margin, float(np.abs(Q).sum()), q_safe, f_safe,
                  np.sqrt(F.size))
    return out


def _bounds_from_terms(terms: np.ndarray, delta: float) -> float:
    best = 0.0
    for inner, margin, q1, q_safe, f_safe, root in terms:
        if np.isnan(inner):
            continue
        numerator = inner - delta * q1 - margin  # the same operations as certify._bound
        if numerator > 0.0:
            best = max(best, (numerator / (q_safe * (f_safe + root * delta))) ** 2)
    return best


@dataclass(frozen=True)
class EpsRankProfile:
    """What :func:`eps_rank_profile` returns: the delta-free part of :func:`eps_rank_scan`.

    Attributes
    ----------
    m_values : ndarray of int
        The latent dimensions, in the order they were drawn.
    svd_errors : ndarray, shape (len(m_values), n)
        ``||F - F_r||_max`` of the counterexample's truncated SVD for ``r = 0, ..., n - 1``.
    cx_terms, ip_terms : ndarray, shape (len(m_values), 3, 6)
        The delta-free floats of the trace-duality bounds (counterexample, control).
    """

    m_values: np.ndarray
    svd_errors: np.ndarray
    cx_terms: np.ndarray
    ip_terms: np.ndarray

    def at(self, delta: float) -> dict[str, np.ndarray]:
        """The three curves of :func:`eps_rank_scan` at one tolerance ``delta >= 0``.

        Returns ``{"cx_lb", "cx_ub", "ip_lb"}``, each of shape ``(len(m_values),)``, equal to
        ``eps_rank_scan(..., (delta,), ...)[key][:, 0]`` for the same draws.
        """
        delta = check_positive(delta, "delta", allow_zero=True)
        hits = self.svd_errors <= delta
        n = self.svd_errors.shape[1]
        ub = np.where(hits.any(axis=1), hits.argmax(axis=1), n)
        return {"cx_lb": np.array([_bounds_from_terms(t, delta) for t in self.cx_terms]),
                "cx_ub": ub,
                "ip_lb": np.array([_bounds_from_terms(t, delta) for t in self.ip_terms])}


def eps_rank_profile(n: int, M: float, m_values: Sequence[int], *,
                     rng: np.random.Generator | int) -> EpsRankProfile:
    """The draws and SVDs of :func:`eps_rank_scan`, kept so that any tolerance costs microseconds.

    Same draws as ``eps_rank_scan(n, M, m_values, deltas, rng=rng)`` (for any ``deltas``);
    ``eps_rank_profile(...).at(delta)`` returns its curves at one ``delta``, bit for bit. The
    Explore section of Part II's refutation chapter uses it for a live tolerance slider.

    Parameters
    ----------
    n : int >= 1
        Matrix size (``n x n``).
    M : float > 0
        Frequency bound of Example 1.2.
    m_values : sequence of int >= 1, non-empty
        Latent dimensions, in the order they are drawn.
    rng : numpy.random.Generator or int (required keyword)

    Returns
    -------
    EpsRankProfile

    Raises
    ------
    TypeError
        If ``rng`` is missing or an argument has the wrong type.
    ValueError
        If ``n < 1``, ``M`` is not in ``(0, inf)``, ``m_values`` is empty or an ``m`` is
        below 1.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank, or entrywise approximation of certain
    function-generated matrices", Section 2 and Theorem 2.1 (the claim the counterexample
    refutes) and Section 3 (the inner-product class).
    """
    n = check_int(n, "n")
    M = check_positive(M, "M")
    if isinstance(m_values, (str, bytes)) or len(m_values) == 0:
        raise ValueError("m_values must be a non-empty sequence of ints >= 1")
    ms = [check_int(m, "m_values[i]") for m in m_values]
    gen = check_rng(rng)
    errs, cx, ip = [], [], []
    for m in ms:
        X, Y = counterexample_points(n, m, gen)
        F = counterexample_matrix(X, Y, M)
        # the errors of svd_delta_rank's downdates at every rank below the full one
        errs.append(svd_error_profile(F, max_rank=min(F.shape) - 1))
        cx.append(_duality_terms(F))
        Xb, Yb = sample_ball(n, m, rng=gen), sample_ball(n, m, rng=gen)
        ip.append(_duality_terms(np.cos(M * Xb @ Yb.T)))
    return EpsRankProfile(np.array(ms), np.array(errs), np.array(cx), np.array(ip))
