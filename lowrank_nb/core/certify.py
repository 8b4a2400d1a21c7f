"""Certified lower bounds on the entrywise (max-norm) epsilon-rank of a matrix.

Upper bounds on an epsilon-rank come from constructions; lower bounds need a certificate
that *no* matrix of small rank is close in the max norm. Trace duality gives one that costs a
single SVD: for any test matrix ``Q`` and any ``G`` with ``||F - G||_max <= delta``,

    <F, Q> = <G, Q> + <F - G, Q> <= ||G||_* ||Q||_2 + delta ||Q||_1,
    ||G||_* <= sqrt(rank G) ||G||_F <= sqrt(rank G) (||F||_F + sqrt(n1 n2) delta),

where ``||Q||_1`` is the entrywise 1-norm and ``||Q||_2`` the spectral norm. Hence

    rank G >= ((<F, Q> - delta ||Q||_1) / (||Q||_2 (||F||_F + sqrt(n1 n2) delta)))**2

whenever the numerator is positive.
"""

from __future__ import annotations

import numpy as np

from lowrank_nb.core.norms import svd_delta_rank
from lowrank_nb.core.validate import check_array, check_positive

__all__ = [
    "eps_rank_lower_bound",
    "eps_rank_lower_bounds",
    "svd_eps_rank",
    "trace_duality_bound",
]


def trace_duality_bound(F: np.ndarray, delta: float, Q: np.ndarray) -> float:
    """The trace-duality lower bound on ``rank G`` for one test matrix ``Q``.

    Parameters
    ----------
    F : ndarray of shape (n1, n2)
        The target matrix.
    delta : float >= 0
        Absolute max-norm tolerance: the bound holds for every ``G`` with
        ``||F - G||_max <= delta``.
    Q : ndarray of shape (n1, n2)
        Any nonzero test matrix.

    Returns
    -------
    float
        ``((<F,Q> - delta ||Q||_1) / (||Q||_2 (||F||_F + sqrt(n1 n2) delta)))**2`` if the
        numerator is positive, else 0.0 (no information).

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Section 2 (the bound is the book's
    certificate for the counterexample to Theorem 2.1, derived from trace duality
    ``<G, Q> <= ||G||_* ||Q||_2`` and ``||G||_* <= sqrt(rank G) ||G||_F``).
    """
    Fa = check_array(F, "F")
    Qa = check_array(Q, "Q")
    delta = check_positive(delta, "delta", allow_zero=True)
    if Qa.shape != Fa.shape:
        raise ValueError(f"Q must have the shape of F {Fa.shape}, got {Qa.shape}")
    q_spec = float(np.linalg.norm(Qa, 2))
    if q_spec == 0.0:
        raise ValueError("Q must be a nonzero matrix")
    return _bound(Fa, delta, Qa, q_spec)


def _bound(F: np.ndarray, delta: float, Q: np.ndarray, q_spec: float) -> float:
    products = F * Q
    # Floating-point safety: a summation of N terms errs by at most ~N u sum|terms|, and the
    # LAPACK spectral norm by a few ulps times n; both allowances are charged against us.
    unit = np.finfo(np.float64).eps
    margin = F.size * unit * float(np.abs(products).sum())
    numerator = float(products.sum()) - delta * float(np.abs(Q).sum()) - margin
    if numerator <= 0.0:
        return 0.0
    q_safe = q_spec * (1.0 + max(F.shape) * 16 * unit)
    f_safe = float(np.linalg.norm(F)) * (1.0 + F.size * unit)
    denominator = q_safe * (f_safe + np.sqrt(F.size) * delta)
    return (numerator / denominator) ** 2


def eps_rank_lower_bounds(F: np.ndarray, deltas: np.ndarray | list[float]) -> np.ndarray:
    """:func:`eps_rank_lower_bound` for several tolerances at the cost of one set of SVDs.

    Parameters
    ----------
    F : ndarray of shape (n1, n2)
    deltas : 1-D array of floats >= 0

    Returns
    -------
    ndarray of the same length as ``deltas``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Section 2 and Theorem 2.1.
    """
    Fa = check_array(F, "F")
    d = check_array(deltas, "deltas", ndim=1)
    if np.any(d < 0):
        raise ValueError("deltas must lie in [0, inf)")
    candidates = _test_matrices(Fa)
    return np.array([max(_bound(Fa, float(x), Qm, qs) for Qm, qs in candidates) for x in d])


def _test_matrices(Fa: np.ndarray) -> list[tuple[np.ndarray, float]]:
    U, s, Vt = np.linalg.svd(Fa, full_matrices=False)
    if s[0] == 0.0:
        return [(Fa, 1.0)]  # F = 0: the numerator is never positive, the bound is 0
    candidates = [(Fa, float(s[0]))]
    # Use the spectral norm of the matrix actually formed: after cancellation, F minus its
    # top triple is rounding noise whose norm is not the computed s[1].
    for Qm in (Fa - s[0] * np.outer(U[:, 0], Vt[0]), Fa - Fa.mean()):
        q_spec = float(np.linalg.norm(Qm, 2))
        if q_spec > 1e-8 * s[0]:  # below this Q is rounding noise and certifies nothing
            candidates.append((Qm, q_spec))
    return candidates


def eps_rank_lower_bound(F: np.ndarray, delta: float, Q: np.ndarray | None = None) -> float:
    """Certified lower bound on the rank of every ``G`` with ``||F - G||_max <= delta``.

    The trace-duality bound (module docstring) is evaluated for the test matrices ``F``,
    ``F`` minus its best rank-one part, ``F`` minus its mean, and the optional ``Q``; the
    largest value is returned. Every one of them is a valid certificate, so the maximum is too.

    Parameters
    ----------
    F : ndarray of shape (n1, n2)
        Finite real matrix.
    delta : float >= 0
        Absolute max-norm tolerance (``eps * ||f||_inf`` for a relative accuracy ``eps``).
    Q : ndarray of shape (n1, n2), optional
        An extra test matrix.

    Returns
    -------
    float
        A number ``b`` such that ``rank G >= b`` (hence ``>= ceil(b)``) for every ``G`` within
        ``delta`` of ``F`` in the max norm. 0.0 means "no information".

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Section 2 and Theorem 2.1 (the
    claim this certificate refutes); N. Linial et al., "Complexity measures of sign matrices"
    (2007), for trace-norm / factorisation-norm duality.
    """
    Fa = check_array(F, "F")
    delta = check_positive(delta, "delta", allow_zero=True)
    best = max(_bound(Fa, delta, Qm, qs) for Qm, qs in _test_matrices(Fa))
    if Q is not None:
        best = max(best, trace_duality_bound(Fa, delta, Q))
    return best


def svd_eps_rank(F: np.ndarray, delta: float) -> int:
    """Old name of :func:`lowrank_nb.core.norms.svd_delta_rank` (an absolute ``delta``).

    Kept so that existing code runs; :func:`lowrank_nb.core.norms.svd_eps_rank` is the
    relative form. New code calls ``svd_delta_rank``.

    Parameters
    ----------
    F : ndarray of shape (n1, n2)
    delta : float >= 0

    Returns
    -------
    int in ``[0, min(n1, n2)]``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Section 7.
    """
    return svd_delta_rank(F, delta)
