"""Structural checks on every chapter notebook, without executing it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(
    p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)
SKELETON = ["Overview", "Setup", "Statement", "Derivation", "Verification", "Explore", "Notes"]
TOC = (ROOT / "_toc.yml").read_text()


def _load(path: Path) -> dict:
    return json.loads(path.read_text())


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def test_book_has_notebooks() -> None:
    assert NOTEBOOKS, "no chapter notebooks found under book/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_committed_without_outputs(path: Path) -> None:
    for cell in _load(path)["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs", []) == [], f"{path.name}: stored outputs; clear them"
            assert cell.get("execution_count") is None, f"{path.name}: stored execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_follows_skeleton(path: Path) -> None:
    nb = _load(path)
    headings = [
        line
        for cell in nb["cells"]
        if cell["cell_type"] == "markdown"
        for line in _source(cell).splitlines()
        if line.startswith("## ")
    ]
    titles = [line for cell in nb["cells"] if cell["cell_type"] == "markdown"
              for line in _source(cell).splitlines() if line.startswith("# ")]
    assert len(titles) == 1, f"{path.name}: exactly one '# Title' expected, got {titles}"
    # Titles appear in the sidebar and prev/next links, where MathJax does not typeset them.
    assert "$" not in titles[0], f"{path.name}: no math in the title (use Unicode): {titles[0]}"
    positions = []
    for part in SKELETON:
        hits = [i for i, h in enumerate(headings) if part.lower() in h.lower()]
        assert hits, f"{path.name}: no '## {part}' section (skeleton: {' -> '.join(SKELETON)})"
        positions.append(hits[0])
    assert positions == sorted(positions), f"{path.name}: sections out of order: {headings}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_is_listed_seeded_and_asserts(path: Path) -> None:
    rel = str(path.relative_to(ROOT).with_suffix(""))
    assert f"file: {rel}" in TOC, f"{rel} is not in _toc.yml"
    code = "\n".join(_source(c) for c in _load(path)["cells"] if c["cell_type"] == "code")
    assert re.search(r"setup_notebook\(\s*(seed\s*=\s*)?\d+", code), (
        f"{path.name}: the Setup section must call lowrank_nb.setup_notebook(seed)"
    )
    assert re.search(r"^\s*assert\b", code, re.M), f"{path.name}: no assert cell"
    assert "explore(" in code, f"{path.name}: no Explore widget (lowrank_nb.widgets.explore)"
    assert not re.search(r"^\s*(from numba|import numba|@njit|@jit)", code, re.M), (
        f"{path.name}: jitted code belongs in lowrank_nb, not in notebooks"
    )
    assert "np.random.seed" not in code, f"{path.name}: use the seeded Generator instead"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_ledger_tags_sit_on_asserting_cells(path: Path) -> None:
    # The verification ledger links a numbered result to the cells tagged verify:<paper>:<item>;
    # such a cell must assert something, or the ledger would claim a check that is not made.
    for i, cell in enumerate(_load(path)["cells"]):
        tags = cell.get("metadata", {}).get("tags", [])
        verify = [t for t in tags if t.startswith("verify:")]
        if not verify:
            continue
        assert cell["cell_type"] == "code", f"{path.name} cell {i}: verify tag on markdown"
        assert re.search(r"^\s*assert\b|np\.testing\.assert", _source(cell), re.M), (
            f"{path.name} cell {i}: tagged {verify[0]} but asserts nothing")
        assert all(len(t.split(":")) == 3 for t in verify), f"{path.name} cell {i}: {verify}"
        assert any(t.startswith("check:") for t in tags), (
            f"{path.name} cell {i}: verify tag without a check:<kind> tag")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_not_checkable_tags_carry_a_reason(path: Path) -> None:
    # A "not checkable" ledger row shows the tagged markdown cell's text as its reason.
    for i, cell in enumerate(_load(path)["cells"]):
        tags = [t for t in cell.get("metadata", {}).get("tags", [])
                if t.startswith("not-checkable:")]
        if not tags:
            continue
        assert cell["cell_type"] == "markdown", f"{path.name} cell {i}: {tags[0]} on code"
        assert all(len(t.split(":")) == 3 for t in tags), f"{path.name} cell {i}: {tags}"
        prose = [ln for ln in _source(cell).splitlines()
                 if ln.strip() and not ln.startswith((":::", ":class:"))]
        assert len(" ".join(prose)) >= 40, f"{path.name} cell {i}: give the reason in prose"
