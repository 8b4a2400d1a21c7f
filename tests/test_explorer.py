"""The Explore machinery (lowrank_nb.book.explorer) and the pilot's data function."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from lowrank_nb.book.explorer import (
    Explore,
    Param,
    decode_payload,
    encode_payload,
    explores,
    install_bokehjs,
)
from lowrank_nb.papers.zhangsaab.spikiness import spike_scores

X = np.geomspace(1.0, 10.0, 7)


def _data(a, b):
    return {"x": X, "y": {"sum": a + b * X, "prod": a * X ** b}}


def _explore(**kw):
    return Explore(_data, [Param("a", range(1, 13)), Param("b", np.linspace(0, 1, 12))],
                   x_label="x", y_label="y", **kw)


def test_payload_round_trip_is_float32_exact():
    rng = np.random.default_rng(0)
    curves = rng.standard_normal((5, 3, X.size))
    curves[1, 2, 3] = np.nan  # a gap in one curve survives the trip
    x, back = decode_payload(json.loads(json.dumps(encode_payload(X, curves))))
    np.testing.assert_array_equal(x, X)
    np.testing.assert_array_equal(back, curves.astype(np.float32))


def test_payload_bad_input():
    with pytest.raises(ValueError, match="shape"):
        encode_payload(X, np.zeros((2, 3, X.size + 1)))
    with pytest.raises(ValueError, match="finite"):
        encode_payload(X, np.full((1, 1, X.size), np.inf))
    good = encode_payload(X, np.zeros((2, 1, X.size)))
    with pytest.raises(ValueError, match="bytes"):
        decode_payload({**good, "shape": [3, 1, X.size]})


def test_grid_density_rules():
    with pytest.raises(ValueError, match="at least 6"):
        Param("r", [1, 2, 3, 4, 5])
    with pytest.raises(ValueError, match="increasing"):
        Param("r", [1, 2, 3, 3, 4, 5, 6])
    with pytest.raises(ValueError, match="median"):  # 6 and 6 positions: median 6 < 12
        Explore(_data, [Param("a", range(6)), Param("b", range(6))], x_label="", y_label="")
    with pytest.raises(ValueError, match="integer"):
        Param("r", np.linspace(0, 1, 7), integer=True)
    with pytest.raises(ValueError, match="default"):
        Param("r", range(7), default=9)
    with pytest.raises(TypeError):
        Explore(_data, ["a"], x_label="", y_label="")


def test_static_html_holds_every_grid_point():
    ex = _explore()
    page = ex.static_html()
    assert page.startswith('<div class="lr-explorer"')
    assert page.count('type="range"') == 2 and 'aria-valuetext="a = 6"' in page
    spec = json.loads(re.search(r'class="lr-data">(.*?)</script>', page).group(1))
    _, curves = decode_payload(spec)
    assert curves.shape == (12 * 12, 2, X.size)
    # point (a index 4, b index 7) in row-major order, recomputed independently
    a, b = 5, np.linspace(0, 1, 12)[7]
    np.testing.assert_allclose(curves[4 * 12 + 7, 1], a * X ** b, rtol=1e-6)  # float32
    assert spec["grid"][0] == list(range(1, 13))


def test_live_update_accepts_off_grid_values_and_rejects_out_of_range():
    ex = _explore()
    ex.evaluate(a=1, b=0.0)
    ex.update(a=7, b=0.123)  # 0.123 is not on the static grid
    assert len(ex.timings) == 1
    with pytest.raises(ValueError, match=r"\[1, 12\]"):
        ex.update(a=13, b=0.5)
    with pytest.raises(ValueError, match="integer"):
        ex.update(a=2.5, b=0.5)
    with pytest.raises(TypeError):
        ex.update(a="3", b=0.5)


def test_data_must_share_x_and_series():
    def moving(a, b):
        return {"x": X * a, "y": {"s": X}}

    ex = Explore(moving, [Param("a", range(1, 13)), Param("b", range(12))], x_label="",
                 y_label="")
    with pytest.raises(ValueError, match="same at every"):
        ex.precompute()


def test_live_widget_updates_source_in_place():
    pytest.importorskip("jupyter_bokeh")
    ex = _explore()
    box = ex.widget()
    source = ex._source
    box.sliders["a"].value = 9
    np.testing.assert_allclose(source.data["s0"], 9 + box.sliders["b"].value * X)
    assert ex._source is source and ex.timings
    assert ex in explores()


def test_install_bokehjs(tmp_path):
    paths = install_bokehjs(tmp_path)
    assert (tmp_path / "bokeh.min.js").stat().st_size > 100_000
    assert all(p.exists() for p in paths)


def test_spike_scores_against_direct_formulas():
    rng = np.random.default_rng(3)
    scores, stable = spike_scores(3, 20, 15, [1.0, 4.0], rng=np.random.default_rng(3))
    Y = rng.standard_normal((20, 3)) @ rng.standard_normal((3, 15))
    Y[0, 0] = 4.0 * np.abs(Y).max()
    s = np.linalg.svd(Y, compute_uv=False)
    np.testing.assert_allclose(scores[1], (s.sum() / (np.abs(Y).max() * np.sqrt(300))) ** 2)
    np.testing.assert_allclose(stable[1], (s ** 2).sum() / s[0] ** 2)
    # Remark 4.2 with a flat profile: a rank-3 product scores at most 3
    assert scores[0] <= 3


def test_spike_scores_bad_input():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="rank"):
        spike_scores(30, 20, 15, [1.0], rng=rng)
    with pytest.raises(ValueError, match="spikes"):
        spike_scores(2, 20, 15, [0.5], rng=rng)
    with pytest.raises(ValueError, match="spikes"):
        spike_scores(2, 20, 15, [], rng=rng)


def test_tex_axis_labels_ask_for_the_tex_bundle_and_plain_read_outs():
    from lowrank_nb.book.explorer import _plain

    assert _plain(r"$$r_{\rm eff}(Y)$$") == "r_eff(Y)"
    assert _plain(r"$$\text{spike factor } s$$") == "spike factor s"
    tex = Explore(_data, [Param("a", range(1, 13)), Param("b", np.linspace(0, 1, 12))],
                  x_label=r"$$\varepsilon$$", y_label="y")
    spec = json.loads(re.search(r'class="lr-data">(.*?)</script>', tex.static_html()).group(1))
    assert spec["tex"] is True
    plain = json.loads(re.search(r'class="lr-data">(.*?)</script>',
                                 _explore().static_html()).group(1))
    assert plain["tex"] is False


def test_label_html_typesets_math_and_rejects_unbalanced_dollars():
    from lowrank_nb.book.explorer import _label_html

    assert _label_html("rank $r$ <b>") == (
        'rank <span class="math notranslate nohighlight">\\(r\\)</span> &lt;b&gt;')
    with pytest.raises(ValueError, match="unbalanced"):
        _label_html("rank $r")


def test_many_series_get_distinct_line_styles():
    def many(a, b):
        return {"x": X, "y": {f"c{k}": a + k * b * X for k in range(11)}}

    ex = Explore(many, [Param("a", range(1, 13)), Param("b", np.linspace(0, 1, 12))],
                 x_label="x", y_label="y")
    x, curves = ex.evaluate(a=1, b=0.5)
    fig, _ = ex.figure(x, curves)
    lines = [r.glyph for r in fig.renderers if type(r.glyph).__name__ == "Line"]
    styles = {(g.line_color, tuple(g.line_dash)) for g in lines}
    assert len(lines) == 11 and len(styles) == 11


def test_legend_placement():
    ex = _explore(legend="outside")
    x, curves = ex.evaluate(a=1, b=0.5)
    fig, _ = ex.figure(x, curves)
    assert fig.below and type(fig.below[-1]).__name__ == "Legend"
    inside = _explore(legend="top_right")
    fig, _ = inside.figure(*inside.evaluate(a=1, b=0.5))
    assert fig.legend[0].location == "top_right"
    with pytest.raises(ValueError, match="legend must be"):
        _explore(legend="nowhere")
