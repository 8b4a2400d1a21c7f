"""Part VI's three views of one attention matrix as curves, for the Explore section.

* :func:`entrywise_rank_profile`: Budzinskiy's entrywise eps-rank of ``A = exp(QK^T/sqrt(m))``
  over a list of tolerances, three ways (certified lower bound, truncated-SVD witness,
  Theorem 3.8's guaranteed rank), from one set of SVDs.
* :func:`performer_fit_profile`: Vodrahalli's view, the Frobenius loss ``|P - P_hat|_F^2`` of
  random Performer features against LFAI-fitted ones, over a list of feature counts.

References
----------
S. Budzinskiy, "When big data actually are low-rank, or entrywise approximation of certain
function-generated matrices", §1 (entrywise eps-rank), Theorem 2.1 and Theorem 3.8;
K. Vodrahalli, R. Shivanna, M. Sathiamoorthy, S. Jain, E. Chi, "Nonlinear initialization
methods for low-rank neural networks" (2022), Definitions B.1 and B.2.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lowrank_nb.core.bounds import theorem38_exp_ranks
from lowrank_nb.core.certify import eps_rank_lower_bounds
from lowrank_nb.core.norms import svd_delta_ranks
from lowrank_nb.core.softmax import softmax_rows
from lowrank_nb.core.validate import check_array, check_int, check_positive, check_rng
from lowrank_nb.papers.vodrahalli.relu import performer_lfai, performer_matrix

__all__ = ["entrywise_rank_profile", "performer_fit_profile", "svd_eps_rank_profile"]


def _eps_grid(eps_values: Sequence[float]) -> np.ndarray:
    e = check_array(eps_values, "eps_values", ndim=1)
    if np.any(e <= 0) or np.any(e >= 1):
        raise ValueError("eps_values must lie in (0, 1)")
    return e


def svd_eps_rank_profile(A: np.ndarray, eps_values: Sequence[float]) -> np.ndarray:
    """Truncated-SVD eps-rank for several tolerances from one SVD.

    For each ``eps`` the smallest ``r`` with ``max|A - A_r| <= eps max|A|``, where ``A_r`` is the
    truncated SVD: the value of :func:`lowrank_nb.core.norms.svd_eps_rank` at every ``eps``,
    with the rank-one updates shared.

    Parameters
    ----------
    A : ndarray (n1, n2), finite, not zero
    eps_values : sequence of float in (0, 1)

    Returns
    -------
    numpy.ndarray of int, one rank per tolerance.

    References
    ----------
    Budzinskiy, §1 (entrywise eps-rank) and §7 (the truncated-SVD baseline).
    """
    Aa = check_array(A, "A", ndim=2)
    e = _eps_grid(eps_values)
    top = float(np.abs(Aa).max())
    if top == 0.0:
        raise ValueError("A is zero: its eps-rank is 0 for every eps")
    return svd_delta_ranks(Aa, e * top)


def entrywise_rank_profile(A: np.ndarray, eps_values: Sequence[float], logit_radius: float, *,
                           c2: float = 1.0) -> dict[str, np.ndarray]:
    """Three entrywise eps-ranks of an attention matrix over several tolerances.

    Parameters
    ----------
    A : ndarray (n1, n2), finite, not zero
        The unnormalised attention matrix ``exp(QK^T / sqrt(m))``.
    eps_values : sequence of float in (0, 1)
        Tolerances relative to ``max|A|``.
    logit_radius : float > 0
        Bound ``beta`` on the logits (for Theorem 3.8).
    c2 : float > 0, default 1.0
        Constant of Eq. (2) inside Theorem 3.8.

    Returns
    -------
    dict of numpy.ndarray
        ``lower`` (certified lower bound, rounded up; :func:`lowrank_nb.core.certify.\
eps_rank_lower_bounds`), ``svd`` (:func:`svd_eps_rank_profile`) and ``bound`` (the rank of
        :func:`lowrank_nb.core.bounds.theorem38_exp_ranks`), one value per tolerance.

    References
    ----------
    Budzinskiy, §1, Theorem 2.1 (the certificate refutes its rank claim at the sizes where it
    is positive) and Theorem 3.8 (rank bound for attention matrices).
    """
    Aa = check_array(A, "A", ndim=2)
    e = _eps_grid(eps_values)
    beta = check_positive(logit_radius, "logit_radius")
    c2 = check_positive(c2, "c2")
    lower = np.ceil(eps_rank_lower_bounds(Aa, e * float(np.abs(Aa).max())))
    bound = theorem38_exp_ranks(*Aa.shape, e, beta, c2=c2)
    return {"lower": lower, "svd": svd_eps_rank_profile(Aa, e).astype(float), "bound": bound}


def performer_fit_profile(Q: np.ndarray, K: np.ndarray, features: Sequence[int], *, draws: int,
                          maxiter: int, rng: np.random.Generator | int) -> dict[str, np.ndarray]:
    """Random Performer features against LFAI-fitted ones, over several feature counts.

    For each count ``R`` (in order, from ``rng``): an LFAI fit of ``R`` features started from a
    standard normal ``m x R`` matrix (``maxiter`` iterations), then ``draws`` random-feature
    matrices; the loss is ``|P - P_hat|_F^2`` with ``P = softmax(QK^T / sqrt(m))``.

    Parameters
    ----------
    Q, K : ndarray (n, m)
    features : sequence of int >= 1
    draws : int >= 1
    maxiter : int >= 1
    rng : numpy Generator or int seed

    Returns
    -------
    dict of numpy.ndarray
        ``random`` (median loss of the random draws) and ``lfai`` (loss of the fitted
        features), one value per feature count.

    References
    ----------
    Vodrahalli et al. (2022), Definitions B.1 (Performer) and B.2 (LFAI loss).
    """
    Qa, Ka = check_array(Q, "Q", ndim=2), check_array(K, "K", ndim=2)
    if Qa.shape[1] != Ka.shape[1]:
        raise ValueError(f"Q and K must have the same width, got {Qa.shape[1]} and {Ka.shape[1]}")
    Rs = [check_int(R, "features", minimum=1) for R in features]
    if not Rs:
        raise ValueError("features must not be empty")
    draws = check_int(draws, "draws")
    maxiter = check_int(maxiter, "maxiter")
    g = check_rng(rng)
    m = Qa.shape[1]
    P = softmax_rows(Qa @ Ka.T / np.sqrt(m))
    rand, fit = np.empty(len(Rs)), np.empty(len(Rs))
    for i, R in enumerate(Rs):
        om = performer_lfai(Qa, Ka, g.standard_normal((m, R)), maxiter=maxiter)
        fit[i] = np.sum((performer_matrix(Qa, Ka, om) - P) ** 2)
        rand[i] = np.median([np.sum((performer_matrix(Qa, Ka, g.standard_normal((m, R))) - P)
                                    ** 2) for _ in range(draws)])
    return {"random": rand, "lfai": fit}
