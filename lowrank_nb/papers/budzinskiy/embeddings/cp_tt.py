"""CP tensors, their Hadamard products, and CP -> TT random embeddings (§6).

A CP tensor ``[[A_1, ..., A_d]]`` with factors ``A_j`` of shape ``(n_j, m)`` has entries
``sum_a A_1(i_1, a) ... A_d(i_d, a)`` (Eq. (4)). The embedding :func:`cp_to_tt` turns it into a
tensor train with all TT ranks equal to ``r`` whatever ``m`` (Theorem 6.1); Hadamard products
of CP tensors are CP tensors whose factors are face-splitting products (Lemma 6.2); the
Taylor construction :func:`taylor_tt` combines both (Lemma 6.3, Theorem 6.5).

TT cores follow :mod:`lowrank_nb.papers.budzinskiy.tt`: shapes ``(r_{k-1}, n_k, r_k)`` with ``r_0 =
r_d = 1``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from lowrank_nb.core.validate import check_array, check_int, check_rng
from lowrank_nb.papers.budzinskiy.embeddings.hadamard import face_splitting
from lowrank_nb.papers.budzinskiy.tt import tt_add, tt_full

__all__ = [
    "TaylorTT",
    "cp_full",
    "cp_hadamard",
    "cp_to_tt",
    "face_split",
    "realised_tt_error",
    "taylor_tt",
    "tt_constant",
]


def _check_factors(factors: Sequence[np.ndarray], name: str = "factors") -> list[np.ndarray]:
    if not isinstance(factors, (list, tuple)) or len(factors) < 2:
        raise ValueError(f"{name} must be a list of at least 2 factor matrices (n_j, m)")
    out = [check_array(A, f"{name}[{j}]") for j, A in enumerate(factors)]
    m = out[0].shape[1]
    for j, A in enumerate(out):
        if A.shape[1] != m:
            raise ValueError(f"{name}[{j}] has {A.shape[1]} columns; all factors need m = {m}")
    return out


def face_split(mats: Sequence[np.ndarray], max_cols: int = 2**20) -> np.ndarray:
    """Row-wise Kronecker (face-splitting) product of matrices with a common number of rows.

    Row ``i`` of the result is ``mats[0][i] (x) mats[1][i] (x) ...``, so its 2-norm is the
    product of the row norms. It is the transpose of the Khatri--Rao product of the transposes,
    the factor of a Hadamard product: ``(A_1 B_1^T) * (A_2 B_2^T) = F_A F_B^T``.

    Parameters
    ----------
    mats : sequence of ndarray (n, m_s), at least one
    max_cols : int, default 2**20
        Memory guard on ``prod m_s``.

    Returns
    -------
    ndarray (n, prod m_s)

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", proof of Lemma 3.1 and Lemma 6.2.
    """
    if not isinstance(mats, (list, tuple)) or len(mats) == 0:
        raise ValueError("mats must be a non-empty list of matrices")
    max_cols = check_int(max_cols, "max_cols")
    return face_splitting(*mats, max_cols=max_cols)


def cp_full(factors: Sequence[np.ndarray], max_entries: int = 2**26) -> np.ndarray:
    """The dense CP tensor ``[[A_1, ..., A_d]]`` of Eq. (4).

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", §6, Eq. (4).
    """
    As = _check_factors(factors)
    if len(As) > 20:
        raise ValueError(f"at most 20 factors are supported, got {len(As)}")
    max_entries = check_int(max_entries, "max_entries")
    size = math.prod(A.shape[0] for A in As)
    if size > max_entries:
        raise ValueError(f"the tensor would have {size} entries > max_entries = {max_entries}")
    letters = "abcdefghijklmnopqrst"
    spec = ",".join(f"{letters[j]}z" for j in range(len(As)))
    return np.einsum(f"{spec}->{letters[: len(As)]}", *As)


def cp_hadamard(cps: Sequence[Sequence[np.ndarray]], max_cols: int = 2**20) -> list[np.ndarray]:
    """CP factors of the Hadamard product of CP tensors (Lemma 6.2).

    ``[[A_1^(1), ..., A_d^(1)]] * ... * [[A_1^(t), ..., A_d^(t)]] = [[F_1, ..., F_d]]`` with
    ``F_j = face_split(A_j^(1), ..., A_j^(t))``, of CP rank ``m_1 ... m_t``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Lemma 6.2 (proof).
    """
    if not isinstance(cps, (list, tuple)) or len(cps) == 0:
        raise ValueError("cps must be a non-empty list of CP factor lists")
    lists = [_check_factors(c, f"cps[{s}]") for s, c in enumerate(cps)]
    d = len(lists[0])
    for s, c in enumerate(lists):
        if len(c) != d or any(A.shape[0] != B.shape[0] for A, B in zip(c, lists[0])):
            raise ValueError(f"cps[{s}] does not have the same order and mode sizes as cps[0]")
    return [face_split([c[j] for c in lists], max_cols) for j in range(d)]


def cp_to_tt(
    factors: Sequence[np.ndarray], r: int, rng: np.random.Generator | int | None
) -> list[np.ndarray]:
    """Random embedding of a CP tensor into a TT with all ranks ``r`` (Theorem 6.1).

    With independent ``R_1, ..., R_{d-1}`` (``m x r``, iid N(0, 1)) the cores are
    ``G_1 = A_1 R_1 / sqrt(r)``, ``G_j(a, i, b) = sum_x R_{j-1}(x, a) A_j(i, x) R_j(x, b) / r``
    and ``G_d = (A_d R_{d-1})^T / sqrt(r)``. Each ``R_j`` enters the entry quadratically,
    through ``R_j R_j^T / r`` whose mean is the identity, so the TT is an unbiased estimate of
    the CP tensor. This is our reconstruction of the construction of ref. [8] of the paper
    (Budzinskiy & Kazeev, distributed TT via random embeddings), which the paper cites but
    does not reproduce.

    Parameters
    ----------
    factors : list of ndarray (n_j, m), d >= 2
    r : int >= 1
        TT rank of every bond.
    rng : numpy.random.Generator or int

    Returns
    -------
    list of ndarray
        TT cores ``(1, n_1, r), (r, n_2, r), ..., (r, n_d, 1)``.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 6.1 and Eq. (5);
    ref. [8] of that paper, Theorem 2.1 / Corollary 2.2.
    """
    As = _check_factors(factors)
    r = check_int(r, "r")
    rng = check_rng(rng)
    d, m = len(As), As[0].shape[1]
    Rs = [rng.standard_normal((m, r)) for _ in range(d - 1)]
    cores = [(As[0] @ Rs[0] / np.sqrt(r))[None, :, :]]
    for j in range(1, d - 1):
        cores.append(np.einsum("xa,ix,xb->aib", Rs[j - 1], As[j], Rs[j], optimize=True) / r)
    cores.append((As[-1] @ Rs[-1] / np.sqrt(r)).T[:, :, None])
    return cores


def tt_constant(shape: Sequence[int], value: float) -> list[np.ndarray]:
    """The constant tensor ``value`` as a TT of ranks all one.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", proof of Lemma 6.3 (s = 0 term).
    """
    dims = [check_int(n, "shape") for n in shape]
    if len(dims) < 2:
        raise ValueError(f"shape must have at least 2 modes, got {len(dims)}")
    if not np.isfinite(value):
        raise ValueError(f"value must be finite, got {value}")
    cores = [np.ones((1, n, 1)) for n in dims]
    cores[0] = cores[0] * float(value)
    return cores


def _two_inf(A: np.ndarray) -> float:
    return float(np.sqrt(np.max(np.einsum("ij,ij->i", A, A))))


def realised_tt_error(cores: Sequence[np.ndarray], factors: Sequence[np.ndarray]) -> float:
    """Relative error ``||[[A_1..A_d]] - full(cores)||_max / prod_j ||A_j||_{2,inf}``.

    This is the realised ``eps`` of Theorem 6.1.

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Theorem 6.1.
    """
    As = _check_factors(factors)
    full = tt_full(list(cores))
    P = cp_full(As)
    if full.shape != P.shape:
        raise ValueError(f"cores give shape {full.shape} but factors give {P.shape}")
    scale = math.prod(_two_inf(A) for A in As)
    if scale == 0.0:
        raise ValueError("a factor is zero: the relative error is undefined")
    return float(np.max(np.abs(P - full))) / scale


@dataclass
class TaylorTT:
    """Result of :func:`taylor_tt`.

    Attributes
    ----------
    cores : list of ndarray
        The TT approximation of ``h_t(A) = sum_{s<t} c_s A^{*s}``.
    eps : dict
        Realised relative embedding error of every embedded power ``s``.
    terms : list of int
        The powers ``s >= 1`` that were embedded (``c_s != 0`` when zeros are dropped).
    norm_product : float
        ``prod_j ||A_j||_{2,inf}``.
    """

    cores: list[np.ndarray]
    eps: dict[int, float] = field(default_factory=dict)
    terms: list[int] = field(default_factory=list)
    norm_product: float = 0.0

    @property
    def eps_max(self) -> float:
        """The largest realised ``eps`` over the embedded powers (0 if none)."""
        return max(self.eps.values(), default=0.0)

    def algebraic_term(self, coeffs: Sequence[float]) -> float:
        """``eps_max * sum_{s>=1} |c_s| (prod_j ||A_j||)^s``, the second term of Lemma 6.3."""
        return self.eps_max * sum(abs(coeffs[s]) * self.norm_product**s
                                  for s in range(1, len(coeffs)))


def taylor_tt(
    coeffs: Sequence[float],
    factors: Sequence[np.ndarray],
    r: int,
    rng: np.random.Generator | int | None,
    *,
    drop_zero: bool = False,
    max_cols: int = 2**16,
) -> TaylorTT:
    """TT approximation of ``h(A)`` for a CP tensor ``A`` via Taylor + embeddings (Lemma 6.3).

    ``G = c_0 + sum_{s=1}^{t-1} c_s G_s`` where ``G_s = cp_to_tt(A^{*s}, r)`` and ``A^{*s}``
    has the face-split factors of Lemma 6.2 (``m^s`` columns). TT ranks add, so ``G`` has TT
    ranks ``1 + (t - 1) r``. With ``drop_zero`` the vanishing coefficients are skipped (for
    ``sinh``: only odd ``s``, ranks ``ceil((t - 1) / 2) r``).

    Parameters
    ----------
    coeffs : sequence of float, length t >= 2
        Taylor coefficients ``c_s = h^(s)(0) / s!``.
    factors : list of ndarray (n_j, m)
    r : int >= 1
    rng : numpy.random.Generator or int
    drop_zero : bool, default False
    max_cols : int, default 2**16
        Guard on ``m^(t-1)``.

    Returns
    -------
    TaylorTT

    References
    ----------
    S. Budzinskiy, "When big data actually are low-rank ...", Lemma 6.2, Lemma 6.3,
    Corollary 6.4 and Theorem 6.5.
    """
    As = _check_factors(factors)
    c = np.asarray(check_array(np.asarray(coeffs, dtype=float), "coeffs", ndim=1))
    if c.size < 2:
        raise ValueError(f"coeffs must have length t >= 2, got {c.size}")
    r = check_int(r, "r")
    rng = check_rng(rng)
    shape = [A.shape[0] for A in As]
    P = cp_full(As)
    out = TaylorTT(cores=[], norm_product=math.prod(_two_inf(A) for A in As))
    cores = None if (drop_zero and c[0] == 0.0) else tt_constant(shape, c[0])
    for s in range(1, c.size):
        if drop_zero and c[s] == 0.0:
            continue
        powered = [face_split([A] * s, max_cols) for A in As]
        Gs = cp_to_tt(powered, r, rng)
        out.eps[s] = float(np.max(np.abs(P**s - tt_full(Gs)))) / out.norm_product**s
        out.terms.append(s)
        Gs[0] = Gs[0] * c[s]
        cores = Gs if cores is None else tt_add(cores, Gs)
    if cores is None:
        raise ValueError("every coefficient is zero: nothing to approximate")
    out.cores = cores
    return out
