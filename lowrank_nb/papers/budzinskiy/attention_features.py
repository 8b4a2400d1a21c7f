"""Random-feature approximations of the attention matrix at a controlled logit scale.

Section 1.3 applies Theorem 3.8 to ``A = exp(Q K^T / sqrt(m))``. Its constant carries
``e^{R^2 / sqrt(m)}`` for queries and keys of norm ``R``, so the experiments fix the
**logit scale** ``R^2 / sqrt(m)`` rather than ``R``: :func:`sphere_tokens` draws queries and
keys at a given scale, and :func:`random_feature_errors` measures the entrywise errors of the
trigonometric (Theorem 5.2 route) and positive (Performer) random features there.
"""

from __future__ import annotations

import numpy as np

from lowrank_nb.core.sampling import sample_sphere
from lowrank_nb.core.softmax import positive_random_features
from lowrank_nb.core.validate import check_int, check_positive, check_rng
from lowrank_nb.papers.budzinskiy.attention_matrix import exp_logits, trig_softmax_factors

__all__ = ["random_feature_errors", "sphere_tokens"]


def _required_rng(rng: object) -> np.random.Generator:
    if rng is None:
        raise TypeError("rng must be a numpy.random.Generator or a non-negative int seed, "
                        "got None (results must be reproducible)")
    return check_rng(rng)


def sphere_tokens(
    n: int, m: int, scale: float, *, rng: np.random.Generator | int
) -> tuple[np.ndarray, np.ndarray]:
    """Queries and keys on the sphere of radius ``R`` with logit scale ``R^2 / sqrt(m) = scale``.

    Every logit ``q^T k / sqrt(m)`` then lies in ``[-scale, scale]``, and the largest entry of
    ``A = exp(Q K^T / sqrt(m))`` is at most ``e^scale``.

    Parameters
    ----------
    n : int >= 1
        Number of tokens (rows of ``Q`` and of ``K``).
    m : int >= 1
        Head dimension.
    scale : float > 0
        The logit scale ``R^2 / sqrt(m)``.
    rng : numpy.random.Generator or int (required keyword)
        Source of randomness; ``Q`` is drawn first, then ``K``.

    Returns
    -------
    (Q, K) : tuple of ndarray of shape (n, m)
        Rows of norm ``R = sqrt(scale * sqrt(m))`` (up to round-off).

    Raises
    ------
    TypeError
        If ``n`` or ``m`` is not an int, ``scale`` not a real number or ``rng`` is missing.
    ValueError
        If ``n < 1``, ``m < 1`` or ``scale`` is not in ``(0, inf)``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank, or entrywise approximation of certain
    function-generated matrices", Section 1.3 (softmax attention) and Theorem 3.8 (the
    constant ``e^{M ||W||_2 R^2}`` with ``W = I / sqrt(m)``).
    """
    n = check_int(n, "n")
    m = check_int(m, "m")
    scale = check_positive(scale, "scale")
    gen = _required_rng(rng)
    R = np.sqrt(scale * np.sqrt(m))
    return sample_sphere(n, m, R=R, rng=gen), sample_sphere(n, m, R=R, rng=gen)


def random_feature_errors(
    n: int,
    m: int,
    scale: float,
    rho: int,
    *,
    rng: np.random.Generator | int,
    theory_norm: bool = False,
) -> tuple[float, float, float]:
    """Max-norm errors of trigonometric and positive random features for ``exp(Q K^T / sqrt m)``.

    Draws ``Q, K`` with :func:`sphere_tokens`, then one Gaussian frequency matrix
    ``Omega`` (``m x rho``) shared by both feature maps: the trigonometric pair
    ``[cos, sin]`` of :func:`~lowrank_nb.papers.budzinskiy.attention_matrix.trig_softmax_factors`
    (``2 rho`` columns) and Performer's positive features ``exp(Omega^T x - |x|^2 / 2)``
    (``rho`` columns), both applied to the rows scaled by ``m**-0.25``.

    Parameters
    ----------
    n : int >= 1
        Number of tokens.
    m : int >= 1
        Head dimension.
    scale : float > 0
        Logit scale ``R^2 / sqrt(m)``.
    rho : int >= 1
        Number of random frequencies.
    rng : numpy.random.Generator or int (required keyword)
        Draw order: ``Q``, ``K``, then ``Omega``.
    theory_norm : bool, default False
        Divide the errors by ``e^scale`` (the theory's normalisation
        ``e^{|q||k| / sqrt(m)}``) instead of by the sample maximum ``max A`` (the convention
        of the paper's Section 7).

    Returns
    -------
    (trig, positive, max_ratio) : tuple of float
        ``||A - G||_max / ref`` for the trigonometric and the positive features, and
        ``max A / e^scale`` (at most 1), where ``ref`` is ``max A`` or ``e^scale``.

    Raises
    ------
    TypeError
        If an argument has the wrong type or ``rng`` is missing.
    ValueError
        If ``n``, ``m`` or ``rho`` is below 1 or ``scale`` is not in ``(0, inf)``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Section 1.3 (rank comparison
    with Performer), Theorems 3.8 and 5.2; K. Choromanski et al., "Rethinking attention with
    Performers" (2021), Lemma 1 (positive random features).
    """
    n = check_int(n, "n")
    m = check_int(m, "m")
    scale = check_positive(scale, "scale")
    rho = check_int(rho, "rho")
    if not isinstance(theory_norm, bool):
        raise TypeError(f"theory_norm must be a bool, got {type(theory_norm).__name__}")
    gen = _required_rng(rng)
    Q, K = sphere_tokens(n, m, scale, rng=gen)
    A = exp_logits(Q, K)
    Om = gen.standard_normal((m, rho))
    L, R = trig_softmax_factors(Q * m**-0.25, K * m**-0.25, Om)
    Pq, Pk = (positive_random_features(X * m**-0.25, Om) for X in (Q, K))
    ref = np.exp(scale) if theory_norm else A.max()
    return (float(np.max(np.abs(A - L @ R.T)) / ref), float(np.max(np.abs(A - Pq @ Pk.T)) / ref),
            float(A.max() / np.exp(scale)))
