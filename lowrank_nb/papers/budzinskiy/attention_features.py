"""Random-feature approximations of the attention matrix at a controlled logit scale.

Section 1.3 applies Theorem 3.8 to ``A = exp(Q K^T / sqrt(m))``. Its constant carries
``e^{R^2 / sqrt(m)}`` for queries and keys of norm ``R``, so the experiments fix the
**logit scale** ``R^2 / sqrt(m)`` rather than ``R``: :func:`sphere_tokens` draws queries and
keys at a given scale, and :func:`random_feature_errors` measures the entrywise errors of the
trigonometric (Theorem 5.2 route) and positive (Performer) random features there.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from lowrank_nb.core.sampling import sample_sphere
from lowrank_nb.core.softmax import positive_random_features
from lowrank_nb.core.validate import check_array, check_int, check_positive, check_rng
from lowrank_nb.papers.budzinskiy.attention_matrix import (
    attention_from_matrix,
    attention_transfer_bounds,
    exp_logits,
    trig_softmax_factors,
)

__all__ = [
    "attention_feature_profile",
    "attention_feature_tables",
    "feature_moments",
    "random_feature_errors",
    "sphere_tokens",
    "trig_transfer_errors",
]



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
    gen = check_rng(rng)
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
    gen = check_rng(rng)
    Q, K = sphere_tokens(n, m, scale, rng=gen)
    A = exp_logits(Q, K)
    Om = gen.standard_normal((m, rho))
    L, R = trig_softmax_factors(Q * m**-0.25, K * m**-0.25, Om)
    Pq, Pk = (positive_random_features(X * m**-0.25, Om) for X in (Q, K))
    ref = np.exp(scale) if theory_norm else A.max()
    return (float(np.max(np.abs(A - L @ R.T)) / ref), float(np.max(np.abs(A - Pq @ Pk.T)) / ref),
            float(A.max() / np.exp(scale)))


def feature_moments(q: np.ndarray, k: np.ndarray) -> dict[str, tuple[float, ...]]:
    """Exact moments of one positive and one trigonometric random feature for ``e^{q^T k}``.

    With ``omega ~ N(0, I)``: ``Y_+ = exp(omega^T (q + k) - (|q|^2 + |k|^2) / 2)`` (Performer)
    and ``Y_trig = exp((|q|^2 + |k|^2) / 2) cos(omega^T (q - k))``. Both have mean
    ``e^{q^T k}``; the formulas follow from ``E e^{a omega^T z} = e^{a^2 |z|^2 / 2}`` and
    ``E cos(a omega^T z) = e^{-a^2 |z|^2 / 2}`` (with ``cos^2 = (1 + cos 2x) / 2`` and
    ``cos^4 = (3 + 4 cos 2x + cos 4x) / 8``).

    Parameters
    ----------
    q, k : 1-D arrays of the same length
        Query and key, already scaled (by ``m**-0.25`` for softmax attention).

    Returns
    -------
    dict
        ``"pos"`` and ``"trig"``: ``(E Y, E Y^2, E Y^4)``; ``"relvar"``: the relative
        variances ``Var Y / (E Y)^2`` of the positive and the trigonometric feature,
        ``e^{|q + k|^2} - 1`` and ``e^{|q - k|^2} (1 - e^{-|q - k|^2})^2 / 2``.

    Raises
    ------
    TypeError
        If ``q`` or ``k`` is not an array of reals.
    ValueError
        If ``q`` or ``k`` is not 1-D, empty or not finite, or their lengths differ.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Section 1.3 and Theorem 5.2
    (trigonometric features); K. Choromanski et al., "Rethinking attention with Performers"
    (2021), Lemma 2 (variance of the positive features). The fourth moments are derived in the
    book.
    """
    qa, ka = check_array(q, "q", ndim=1), check_array(k, "k", ndim=1)
    if qa.shape != ka.shape:
        raise ValueError(f"q and k must have the same length, got {qa.size} and {ka.size}")
    nq, nk, qk = qa @ qa, ka @ ka, qa @ ka
    zp, zm = (qa + ka) @ (qa + ka), (qa - ka) @ (qa - ka)
    pos = (np.exp(qk), np.exp(nq + nk + 4 * qk), np.exp(8 * zp - 2 * nq - 2 * nk))
    trig = (np.exp(qk), np.exp(nq + nk) * (1 + np.exp(-2 * zm)) / 2,
            np.exp(2 * (nq + nk)) * (3 / 8 + np.exp(-2 * zm) / 2 + np.exp(-8 * zm) / 8))
    relvar = (np.exp(zp) - 1, 0.5 * np.exp(zm) * (1 - np.exp(-zm)) ** 2)
    return {"pos": tuple(float(x) for x in pos), "trig": tuple(float(x) for x in trig),
            "relvar": tuple(float(x) for x in relvar)}


def trig_transfer_errors(
    n: int, m: int, scale: float, rho: int, *, rng: np.random.Generator | int
) -> tuple[float, float, float]:
    """Realised attention-output error of trigonometric features, and the two transfer bounds.

    Draws ``Q, K`` with :func:`sphere_tokens`, then values ``V`` (``n x m``, standard normal),
    then the frequencies ``Omega`` (``m x rho``); ``G = L R^T`` from
    :func:`~lowrank_nb.papers.budzinskiy.attention_matrix.trig_softmax_factors` and
    ``delta = ||A - G||_max``.

    Parameters
    ----------
    n : int >= 1
        Number of tokens.
    m : int >= 1
        Head dimension (also the width of ``V``).
    scale : float > 0
        Logit scale ``R^2 / sqrt(m)``.
    rho : int >= 1
        Number of random frequencies.
    rng : numpy.random.Generator or int (required keyword)

    Returns
    -------
    (realised, sharp, spec) : tuple of float
        ``||Att(G) - Att(A)||_max`` and the bounds ``"sharp"`` and ``"spec"`` of
        :func:`~lowrank_nb.papers.budzinskiy.attention_matrix.attention_transfer_bounds`
        (``inf`` where a bound's condition on ``delta`` fails).

    Raises
    ------
    TypeError
        If ``rng`` is missing or an argument has the wrong type.
    ValueError
        If ``n``, ``m`` or ``rho`` is below 1, ``scale`` is not in ``(0, inf)``, or ``G`` has a
        non-positive row sum (possible only for very few features).

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Section 1.3 (definition of
    ``Att``); the transfer bound is derived in the book (spec [derived]), not in the paper.
    """
    n = check_int(n, "n")
    m = check_int(m, "m")
    scale = check_positive(scale, "scale")
    rho = check_int(rho, "rho")
    gen = check_rng(rng)
    Q, K = sphere_tokens(n, m, scale, rng=gen)
    V = gen.standard_normal((n, m))
    A = exp_logits(Q, K)
    L, R = trig_softmax_factors(Q * m**-0.25, K * m**-0.25, gen.standard_normal((m, rho)))
    G = L @ R.T
    delta = np.max(np.abs(A - G))
    realised = np.max(np.abs(attention_from_matrix(G, V) - attention_from_matrix(A, V)))
    b = attention_transfer_bounds(A, delta, V)
    return float(realised), float(b["sharp"]), float(b["spec"])


def attention_feature_tables(n: int, m: int, rho: int, values: int, *,
                             rng: np.random.Generator | int) -> dict[str, np.ndarray]:
    """Unit-sphere queries and keys, values and frequency projections, for any logit scale.

    Draws (in this order) the directions ``U_Q, U_K`` of ``n`` queries and keys, uniform on
    the unit sphere of ``R^m``, Gaussian values ``V`` (``n x values``) and ``rho`` Gaussian
    frequencies ``Omega`` (``m x rho``), and stores the projections ``U_Q Omega`` and
    ``U_K Omega``. Queries and keys at logit scale ``s`` are ``R U`` with
    ``R^2 / sqrt(m) = s`` (as :func:`sphere_tokens` draws them), so their rescaled rows
    ``m^{-1/4} R U = sqrt(s) U`` and every feature follow from these tables by scaling:
    :func:`attention_feature_profile` evaluates any scale and any number of frequencies up to
    ``rho`` (the first ones) without drawing again.

    Parameters
    ----------
    n : int >= 1
        Number of tokens.
    m : int >= 1
        Head dimension.
    rho : int >= 1
        Largest number of frequencies.
    values : int >= 1
        Number of columns of ``V``.
    rng : numpy.random.Generator or int (required keyword)

    Returns
    -------
    dict
        ``"uq", "uk"`` (``n x m``), ``"v"`` (``n x values``), ``"pq", "pk"`` (``n x rho``).

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank, or entrywise approximation of certain
    function-generated matrices", Section 1.3 and Theorem 5.2; K. Choromanski et al.,
    "Rethinking attention with Performers" (2021), Lemma 1.
    """
    n = check_int(n, "n")
    m = check_int(m, "m")
    rho = check_int(rho, "rho")
    values = check_int(values, "values")
    gen = check_rng(rng)
    uq, uk = sample_sphere(n, m, rng=gen), sample_sphere(n, m, rng=gen)
    v = gen.standard_normal((n, values))
    om = gen.standard_normal((m, rho))
    return {"uq": uq, "uk": uk, "v": v, "pq": uq @ om, "pk": uk @ om}


def attention_feature_profile(tables: dict[str, np.ndarray], scale: float,
                              rhos: Sequence[int], *, theory_norm: bool = False
                              ) -> dict[str, np.ndarray]:
    """Errors of trigonometric and positive random features of attention, against ``rho``.

    With ``s = scale``, ``A = exp(s U_Q U_K^T)`` (logits in ``[-s, s]``); with the first
    ``rho`` frequencies, the trigonometric approximation is
    ``G = e^s (1/rho) sum_k cos(sqrt(s) omega_k^T (u_i - w_j))`` (the pair ``[cos, sin]`` of
    Theorem 5.2, ``2 rho`` columns) and the positive one is
    ``G = e^{-s} (1/rho) sum_k exp(sqrt(s) omega_k^T (u_i + w_j))`` (Performer, ``rho``
    columns). For each ``rho`` in ``rhos`` and each map it reports
    ``||A - G||_max / max A`` (or ``/ e^s``, see ``theory_norm``), the realised output error
    ``||Att(max(G, tiny)) - Att(A)||_max`` with ``Att(A) = D^{-1} A V``, and the sharp
    transfer bound of
    :func:`~lowrank_nb.papers.budzinskiy.attention_matrix.attention_transfer_bounds` at
    ``delta = ||A - G||_max`` (``inf`` where its condition ``delta < min_i mean_j A_ij``
    fails). The sums over frequencies are accumulated from one ``rho`` to the next.

    Parameters
    ----------
    tables : dict
        Output of :func:`attention_feature_tables`.
    scale : float > 0
        Logit scale ``R^2 / sqrt(m)``.
    rhos : sequence of int
        Numbers of frequencies, strictly increasing, each in ``[1, rho]``.
    theory_norm : bool, default False
        Divide the errors of ``A`` by ``e^scale`` (the theory's normalisation
        ``e^{|q||k| / sqrt(m)}``) instead of by ``max A`` (the convention of the paper's
        Section 7), as in :func:`random_feature_errors`.

    Returns
    -------
    dict
        Keys ``"trig_a", "pos_a", "trig_out", "pos_out", "trig_bound", "pos_bound"``, one
        value per ``rho``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Section 1.3 and Theorem 5.2;
    K. Choromanski et al. (2021), Lemma 1; the transfer bound is the book's derivation.
    """
    keys = {"uq", "uk", "v", "pq", "pk"}
    if not isinstance(tables, dict) or not keys <= set(tables):
        raise TypeError("tables must be the dict returned by attention_feature_tables")
    s = check_positive(scale, "scale")
    if not isinstance(theory_norm, bool):
        raise TypeError(f"theory_norm must be a bool, got {type(theory_norm).__name__}")
    if s > 50:
        raise ValueError(f"scale must lie in (0, 50] (exp(scale) overflows the features), got {s}")
    rho_max = tables["pq"].shape[1]
    r_arr = [check_int(r, "rhos", maximum=rho_max) for r in rhos]
    if not r_arr or any(b <= a for a, b in itertools.pairwise(r_arr)):
        raise ValueError("rhos must be a non-empty, strictly increasing sequence in "
                         f"[1, {rho_max}]")
    A = np.exp(s * (tables["uq"] @ tables["uk"].T))
    V = tables["v"]
    att = (A @ V) / A.sum(axis=1)[:, None]
    ref = float(np.exp(s)) if theory_norm else float(A.max())
    # the sharp bound of attention_transfer_bounds, with its A- and V-statistics computed once
    row_mean = float(A.mean(axis=1).min())
    width = float(np.max(V.max(axis=0) - V.min(axis=0)))
    root = np.sqrt(s)
    top = r_arr[-1]
    pq, pk = root * tables["pq"][:, :top], root * tables["pk"][:, :top]
    cq, sq, ck, sk = np.cos(pq), np.sin(pq), np.cos(pk), np.sin(pk)
    eq, ek = np.exp(pq - s / 2), np.exp(pk - s / 2)
    trig_sum = np.zeros_like(A)
    pos_sum = np.zeros_like(A)
    out = {key: np.empty(len(r_arr)) for key in
           ("trig_a", "pos_a", "trig_out", "pos_out", "trig_bound", "pos_bound")}
    done = 0
    for i, rho in enumerate(r_arr):
        blk = slice(done, rho)
        trig_sum += cq[:, blk] @ ck[:, blk].T + sq[:, blk] @ sk[:, blk].T
        pos_sum += eq[:, blk] @ ek[:, blk].T
        done = rho
        for name, G in (("trig", np.exp(s) * trig_sum / rho), ("pos", pos_sum / rho)):
            delta = float(np.max(np.abs(A - G)))
            out[f"{name}_a"][i] = delta / ref
            Gp = np.maximum(G, 1e-300)  # as in the chapter: a positive G for D^{-1} G V
            out[f"{name}_out"][i] = float(np.max(np.abs((Gp @ V) / Gp.sum(axis=1)[:, None] - att)))
            out[f"{name}_bound"][i] = (delta * width / (row_mean - delta) if delta < row_mean
                                       else np.inf)
    return out
