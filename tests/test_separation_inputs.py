"""Bad input to the separation sweep and the Performer spike model is named, not propagated."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lowrank_nb.attention import performer_spike_model
from lowrank_nb.separation import sweep


@pytest.mark.parametrize("b", [math.nan, -5.0, math.inf])
def test_performer_spike_model_rejects_bad_b(b: float) -> None:
    with pytest.raises(ValueError, match=r"^b must be finite"):
        performer_spike_model(256, b=b)


def test_performer_spike_model_rejects_bad_c() -> None:
    with pytest.raises(ValueError, match=r"^c must be finite"):
        performer_spike_model(256, c=-0.1)


def test_sweep_names_an_unknown_parameter() -> None:
    def runner(n: int, d: int, trials: int, rng: np.random.Generator) -> dict:
        raise AssertionError("never called: the unknown name is caught first")

    with pytest.raises(ValueError, match="'dd' is not a parameter of runner"):
        sweep(runner, "n", [4], trials=1, rng=np.random.default_rng(0), dd=3)
    with pytest.raises(ValueError, match="'nn' is not a parameter of runner"):
        sweep(runner, "nn", [4], trials=1, rng=np.random.default_rng(0), d=3)
