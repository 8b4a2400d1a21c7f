"""Tensor trains (TT): TT-SVD, reconstruction, random TTs, sums and ranks.

A TT of order d is a list of cores ``G_k`` of shape ``(r_{k-1}, n_k, r_k)`` with
``r_0 = r_d = 1``; entry ``T(i_1, ..., i_d) = G_1[:, i_1, :] @ ... @ G_d[:, i_d, :]``.
Reshapes are C-order throughout (the author's Julia code is column-major; the TT-SVD is
equally valid in either order).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lowrank_nb.core.validate import check_array, check_int, check_rng
from lowrank_nb.papers.budzinskiy.altproj import (
    APResult,
    bracket_search,
    check_ap_params,
    robust_svd,
)

__all__ = ["lrta_qap", "tt_add", "tt_full", "tt_random", "tt_ranks", "tt_svd"]


def _check_cores(cores: Sequence[np.ndarray]) -> list[np.ndarray]:
    if not isinstance(cores, (list, tuple)) or len(cores) < 2:
        raise ValueError("cores must be a list of at least 2 arrays of shape (r_prev, n, r_next)")
    out = [check_array(c, f"cores[{k}]", ndim=3) for k, c in enumerate(cores)]
    if out[0].shape[0] != 1 or out[-1].shape[2] != 1:
        raise ValueError("the first core must have shape (1, n, r) and the last (r, n, 1)")
    for k in range(len(out) - 1):
        if out[k].shape[2] != out[k + 1].shape[0]:
            raise ValueError(f"cores[{k}] and cores[{k + 1}] have mismatched TT rank "
                             f"({out[k].shape[2]} vs {out[k + 1].shape[0]})")
    return out


def _check_ranks(ranks: int | Sequence[int], d: int) -> list[int]:
    """Bond ranks as a list of d - 1 ints >= 1 (one int applies to every bond)."""
    if isinstance(ranks, (int, np.integer)):
        ranks = [int(ranks)] * (d - 1)
    ranks = [check_int(r, "ranks") for r in ranks]
    if len(ranks) != d - 1:
        raise ValueError(f"ranks must have d - 1 = {d - 1} entries, got {len(ranks)}")
    return ranks


def tt_ranks(cores: Sequence[np.ndarray]) -> tuple[int, ...]:
    """The TT ranks ``(r_1, ..., r_{d-1})``.

    References
    ----------
    I. Oseledets, "Tensor-train decomposition" (2011); S. Budzinskiy, "When big data actually
    are low-rank ...", §6 (TT format).
    """
    return tuple(c.shape[2] for c in _check_cores(cores)[:-1])


def tt_full(cores: Sequence[np.ndarray]) -> np.ndarray:
    """Contract a TT into the full tensor.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §6 (TT format).
    """
    return _tt_full_nocheck(_check_cores(cores))


def tt_svd(T: np.ndarray, ranks: int | Sequence[int]) -> list[np.ndarray]:
    """Quasi-optimal TT approximation by sequential truncated SVDs (TT-SVD).

    Parameters
    ----------
    T : ndarray of order d >= 2
    ranks : int or sequence of d - 1 ints >= 1
        Maximal TT ranks (a single int applies to every bond).

    Returns
    -------
    list of ndarray
        Cores of shapes ``(r_{k-1}, n_k, r_k)``.

    References
    ----------
    I. Oseledets, "Tensor-train decomposition" (2011), Algorithm 1; S. Budzinskiy, "When big
    data actually are low-rank ...", §7 (the TT-SVD projection of the tensor AP).
    """
    Ta = check_array(T, "T", ndim=tuple(range(2, 21)))
    d = Ta.ndim
    ranks = _check_ranks(ranks, d)
    return _tt_svd_nocheck(Ta, ranks)


def tt_random(
    shape: Sequence[int], ranks: int | Sequence[int], rng: np.random.Generator | int | None
) -> list[np.ndarray]:
    """A random TT with iid N(0,1) cores scaled as in the author's ``ttrand``.

    The first core is scaled by ``1/sqrt(r_1)``, middle cores by ``1/sqrt(r_{k-1} r_k)`` and the
    last by ``1/sqrt(r_{d-1})``, so entries of the full tensor are O(1).

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7 (initialisation of the TT AP).
    """
    shape = [check_int(n, "shape") for n in shape]
    d = len(shape)
    if d < 2:
        raise ValueError(f"shape must have at least 2 modes, got {d}")
    ranks = _check_ranks(ranks, d)
    rng = check_rng(rng)
    full = [1, *ranks, 1]
    cores = []
    for k, n in enumerate(shape):
        scale = 1.0 / np.sqrt(full[k] * full[k + 1])
        cores.append(rng.standard_normal((full[k], n, full[k + 1])) * scale)
    return cores


def tt_add(a: Sequence[np.ndarray], b: Sequence[np.ndarray]) -> list[np.ndarray]:
    """The TT of ``full(a) + full(b)`` by block cores; its ranks are the sums of the ranks.

    References
    ----------
    I. Oseledets, "Tensor-train decomposition" (2011), §4.1.
    """
    A, B = _check_cores(a), _check_cores(b)
    if len(A) != len(B) or any(x.shape[1] != y.shape[1] for x, y in zip(A, B)):
        raise ValueError("a and b must be TTs of the same shape")
    d = len(A)
    cores = []
    for k, (x, y) in enumerate(zip(A, B)):
        n = x.shape[1]
        if k == 0:
            cores.append(np.concatenate([x, y], axis=2))
        elif k == d - 1:
            cores.append(np.concatenate([x, y], axis=0))
        else:
            c = np.zeros((x.shape[0] + y.shape[0], n, x.shape[2] + y.shape[2]))
            c[: x.shape[0], :, : x.shape[2]] = x
            c[x.shape[0] :, :, x.shape[2] :] = y
            cores.append(c)
    return cores


def lrta_qap(
    T: np.ndarray,
    ranks: int | Sequence[int],
    *,
    rng: np.random.Generator | int | None,
    max_steps: int = 20000,
    trace: bool = False,
    c: tuple[float, float, float, float] = (1e-2, 1e-3, 2.0 / 3.0, 2e-2),
):
    """Max-norm TT approximation by quasi-optimal alternating projections (TT-SVD projection).

    The same bracket on ``eps`` as :func:`lowrank_nb.papers.budzinskiy.altproj.lrma_ap`, with the
    rank
    projection replaced by TT-SVD (quasi-optimal, not the Euclidean projection onto fixed TT
    ranks) and the start drawn by :func:`tt_random` (the author's ``ttrand`` scaling).

    Parameters
    ----------
    T : ndarray of order d >= 2, finite
    ranks : int or sequence of d - 1 ints >= 1
    rng : numpy Generator or int seed
    max_steps : int >= 1
        Cap on projection steps; the best iterate is returned.
    trace : bool
        Record ``eps``, ``err``, ``eps1``, ``eps2`` per step.
    c : (c1, c2, c3, c4)
        Bracket hyperparameters, default as published.

    Returns
    -------
    lowrank_nb.papers.budzinskiy.altproj.APResult
        ``U`` holds the best TT cores (``V`` is None), with ``error`` and ``rel_error``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §7.1 (``src/lrta_max.jl``);
    S. Budzinskiy, "Quasioptimal alternating projections ..." [7].
    """

    Ta = check_array(T, "T", ndim=tuple(range(2, 21)))
    d = Ta.ndim
    ranks = _check_ranks(ranks, d)
    rng = check_rng(rng)
    max_steps = check_int(max_steps, "max_steps", minimum=1)
    c1, c2, c3, c4 = check_ap_params(c)

    def step(C: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
        cores = _tt_svd_nocheck(C, ranks)  # quasi-optimal, not the Euclidean projection
        return cores, _tt_full_nocheck(cores)

    cores = tt_random(Ta.shape, ranks, rng)
    best, search = bracket_search(Ta, cores, _tt_full_nocheck(cores) - Ta, step,
                                  max_steps=max_steps, c=(c1, c2, c3, c4), trace=trace)
    return APResult(U=best, V=None, method="tt-qap", **search)


def _tt_svd_nocheck(T: np.ndarray, ranks: Sequence[int]) -> list[np.ndarray]:
    # TT-SVD without input checks, for the QAP inner loop (validated once by the caller).

    cores = []
    r_prev = 1
    B = T
    for k in range(T.ndim - 1):
        B = B.reshape(r_prev * T.shape[k], -1)
        U, s, Vt = robust_svd(B)
        r = min(ranks[k], s.size)
        cores.append(U[:, :r].reshape(r_prev, T.shape[k], r))
        B = s[:r, None] * Vt[:r]
        r_prev = r
    cores.append(B.reshape(r_prev, T.shape[-1], 1))
    return cores


def _tt_full_nocheck(cores: Sequence[np.ndarray]) -> np.ndarray:
    out = cores[0].reshape(cores[0].shape[1], cores[0].shape[2])
    shape = [cores[0].shape[1]]
    for c in cores[1:]:
        out = (out @ c.reshape(c.shape[0], -1)).reshape(-1, c.shape[2])
        shape.append(c.shape[1])
    return out.reshape(shape)
