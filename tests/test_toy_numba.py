"""The compiled toy Monte Carlo (lowrank_nb.papers.dengsong.toy_numba) against the NumPy path."""

import numpy as np
import pytest

from lowrank_nb.papers.dengsong import separation as S  # noqa: N812
from lowrank_nb.papers.dengsong.toy_numba import toy_fire_flags

KEYS = ("success", "exp_D1", "lin_D1", "exp_D0", "lin_D0")


@pytest.mark.parametrize(("n", "m", "tau"), [(100, 3, 0.5), (1000, 2, 0.5), (300, 4, 0.05)])
def test_numba_and_numpy_paths_agree(n, m, tau):
    # tau = 0.05 is inside the noise: every event has a rate strictly between 0 and 1 there
    a = S.toy_success(n, m, tau, trials=6000, rng=np.random.default_rng(1), method="numba")
    b = S.toy_success(n, m, tau, trials=6000, rng=np.random.default_rng(2), method="numpy")
    for key in KEYS:
        se = np.hypot(a[key + "_se"], b[key + "_se"])
        # two independent runs: 4.5 SE of the difference (floor 1e-3 where both rates are 0/1)
        assert abs(a[key] - b[key]) <= 4.5 * max(se, 1e-3), key


def test_numba_exp_d1_matches_lemma_5_2_and_is_seeded():
    # P(F_exp(D1) > 0) = 1 - 2^-m exactly when the spike carries almost all softmax weight
    fl = toy_fire_flags(1000, 3, 0.5, 20000, rng=np.random.default_rng(5))
    p = fl[:, 0].mean()
    assert abs(p - 0.875) <= 4 * np.sqrt(0.875 * 0.125 / 20000)  # 4 SE
    assert not fl[:, 1:].any()  # the linear networks and softmax on D0 never fire at tau=0.5
    again = toy_fire_flags(1000, 3, 0.5, 20000, rng=np.random.default_rng(5))
    assert np.array_equal(fl, again)


def test_numba_low_tau_fires_everything():
    # tau = -1.5 < min <f, y> = -1: every network fires, a certificate-free branch of the kernel
    fl = toy_fire_flags(64, 2, -1.5, 50, rng=np.random.default_rng(0))
    assert fl.all()


def test_toy_fire_flags_bad_inputs():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="n"):
        toy_fire_flags(1, 3, 0.5, 10, rng=rng)
    with pytest.raises(ValueError, match="hi"):
        toy_fire_flags(10, 3, 0.5, 10, rng=rng, lo=2.0, hi=1.0)
    with pytest.raises(TypeError, match="rng"):
        toy_fire_flags(10, 3, 0.5, 10, rng=None)
    with pytest.raises(ValueError, match="share_y"):
        S.toy_success(10, 3, trials=5, rng=rng, method="numba", share_y=False)
