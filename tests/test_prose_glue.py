import ast

import numpy as np
import pytest

from lowrank_nb.book import prose_glue
from lowrank_nb.book.prose_glue import plain


def test_plain_unwraps_numpy_scalars_so_the_repr_parses():
    for value, kind in ((np.float64(0.25), float), (np.int64(7), int), (np.array(1.5), float),
                        (3, int), (2.0, float), ("note", str)):
        out = plain(value)
        assert type(out) is kind
        assert ast.literal_eval(repr(out)) == value


def test_plain_rejects_arrays_bools_and_other_types():
    for bad in (np.arange(3), True, np.bool_(False), None, [1.0], {"a": 1}):
        with pytest.raises(TypeError):
            plain(bad)


def test_glue_stores_the_plain_value(monkeypatch):
    seen = {}

    def fake_glue(key, value, display=True):
        seen[key] = (value, display)

    import myst_nb

    monkeypatch.setattr(myst_nb, "glue", fake_glue)
    assert prose_glue.glue("k", np.float64(0.5)) == 0.5
    assert seen["k"] == (0.5, False) and type(seen["k"][0]) is float
    with pytest.raises(ValueError):
        prose_glue.glue("k", 1.0, display=True)
