"""The live app shows glued prose values (Jupyter's renderer knows no glue roles)."""

from __future__ import annotations

import pytest

from lowrank_nb.book import app


def test_render_glue_formats_each_value() -> None:
    text = "n = {glue:text}`n01:,d`, slope {glue:text}`s:.2f`, plain {glue}`w`."
    assert app.render_glue(text, {"n01": 23291, "s": -0.834, "w": "ReLU SVD"}) == \
        "n = 23,291, slope -0.83, plain ReLU SVD."
    with pytest.raises(KeyError, match="'missing'"):
        app.render_glue("{glue:text}`missing`", {})


def test_explore_markdown_with_glue_becomes_a_rendering_cell(monkeypatch) -> None:
    cell = app._explore_markdown("Slope {glue:text}`s:.1f` and {cite:p}`paper`.")
    assert cell.cell_type == "code"
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj.data))
    exec(cell.source, {"_LR_GLUED": {"s": 0.25}})  # the app kernel defines _LR_GLUED
    assert shown == ["Slope 0.2 and [paper]."]
    plain = app._explore_markdown("No roles here, only $x$.")
    assert plain.cell_type == "markdown"


def test_app_notebook_records_glue_before_the_chapter_runs() -> None:
    nb = app.build_app_notebook("part6/attention_views")
    assert "_LR_GLUED = {}" in nb.cells[1].source
    assert any("render_glue" in c.source for c in nb.cells[2:])
