"""The reproduction-scale extension: declarations parsed, judged and collected."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
import lowrank_scale as scale


def _record(value: object) -> dict:
    return {"data": {"text/plain": repr(value)}, "metadata": {}}


def test_parse_scale_reads_a_glued_dict() -> None:
    s = scale.parse_scale("scale-dengsong-figure-3", _record(
        {"paper_points": 291, "paper_trials": 1000, "book_points": 291, "book_trials": 1000}))
    assert (s["paper"], s["figure"], s["at_paper_scale"]) == ("dengsong", "figure-3", True)
    assert scale.parse_scale("note-dengsong-figure-3", _record("x")) is None


@pytest.mark.parametrize(("value", "expected"), [
    ({"paper_points": 291, "paper_trials": 1000, "book_points": 33, "book_trials": 600}, False),
    ({"paper_points": 291, "paper_trials": 1000, "book_points": 291, "book_trials": 600}, False),
    ({"paper_points": None, "paper_trials": 5, "book_points": 40, "book_trials": 5}, True),
    ({"paper_points": None, "paper_trials": None, "book_points": 40, "book_trials": 5}, None),
])
def test_at_paper_scale(value: dict, expected: bool | None) -> None:
    assert scale.at_paper_scale(value) is expected


@pytest.mark.parametrize(("key", "value", "match"), [
    ("scale-nobody-figure-1", {}, "paper in"),
    ("scale-dengsong-figure-3", {"paper_points": 1}, "exactly the keys"),
    ("scale-dengsong-figure-3", {"paper_points": 0, "paper_trials": 1, "book_points": 1,
                                 "book_trials": 1}, "paper_points must be a positive int"),
    ("scale-dengsong-figure-3", {"paper_points": 2.5, "paper_trials": 1, "book_points": 1,
                                 "book_trials": 1}, "paper_points must be a positive int"),
])
def test_bad_declarations_are_named(key: str, value: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        scale.parse_scale(key, _record(value))


def test_read_scales_collects_every_chapter(tmp_path: Path) -> None:
    folder = tmp_path / "book" / "part5"
    folder.mkdir(parents=True)
    value = {"paper_points": 100, "paper_trials": 1000, "book_points": 100, "book_trials": 1000}
    (folder / "a.glue.json").write_text(json.dumps({
        "scale-dengsong-figure-4": _record(value), "other": _record(1)}))
    found = scale.read_scales(tmp_path, ["book/part5/a", "book/part5/missing"])
    assert [(s["figure"], s["doc"]) for s in found] == [("figure-4", "book/part5/a")]


def test_api_usage_reads_package_imports_and_resolves_old_paths() -> None:
    import lowrank_api as api

    assert api.chapter_imports("from lowrank_nb.relu import relu_svd, nlra_objective\nx = 1") == [
        ("lowrank_nb.relu", "relu_svd"), ("lowrank_nb.relu", "nlra_objective")]
    assert api.chapter_imports("%timeit f()") == []
    assert api._real_name("lowrank_nb.separation.self_success") == \
        "lowrank_nb.papers.dengsong.separation.self_success"
    assert api._real_name("lowrank_nb.separation.EVENTS") == api.EXISTS
    assert api._real_name("lowrank_nb.separation.no_such_function") is None
