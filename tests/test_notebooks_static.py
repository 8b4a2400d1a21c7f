"""Structural checks on every chapter notebook, without executing it."""

from __future__ import annotations

import ast
import builtins
import json
import re
import sys
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
    assert "Explore(" in code, (
        f"{path.name}: no Explore section (lowrank_nb.book.explorer.Explore)")
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


sys.path.insert(0, str(ROOT / "tests" / "tools"))
import prose_numbers  # noqa: E402


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_prose_has_no_hand_typed_numbers(path: Path) -> None:
    # The prose-number rule (issue 14 §3): computed values are glued, values from a paper or
    # fixed inputs are wrapped in {quoted}; tests/tools/prose_numbers.py lists the offenders.
    hits = prose_numbers.notebook_hits(path)
    assert hits == [], "\n".join(hits)


@pytest.mark.parametrize("text, number", [
    ("the error is 0.446 at the largest size", "0.446"),
    ("we take n = 2,000 points", "2,000"),
    ("we take 2000 points", "2000"),
    ("about 5·10⁶ samples", "5"),
    ("$\\varepsilon \\approx 2.8\\cdot 10^{6}$", "2.8"),
    ("false alarms of 1.3% per sign vector", "1.3"),
    ("a gain of $0.095\\%$", "0.095"),
    ("$n = 10{,}000$", "10{,}000"),
    ("Eq. (12) and 2,000 trials", "2,000"),
    ("Theorem 4.11 gives 13.7 here", "13.7"),
    ("in 2023 the", "2023"),
])
def test_prose_checker_flags_hand_typed_numbers(text: str, number: str) -> None:
    hits = prose_numbers.hand_typed_numbers(text)
    assert [h.split(":")[0] for h in hits] == [number], hits


@pytest.mark.parametrize("text", [
    "the error is {glue:text}`err:.3f` here",
    "we take {glue:text}`n_points` points",
    "the paper uses {quoted}`2000` points and {quoted}`$\\varepsilon = 10^{-3}$`",
    "by Theorem 4.11 and Eq. (12), see §7.2, Table 3 and arXiv:2310.12345",
    "Remarks 4.10, 4.12 and 4.13; Lemmas 4.1, 4.2 and 4.11",
    "for $m\\in\\{64,256\\}$ and $d = 3$",
    "errors 0.5 and 0.25, rank 12, $10^{6}$ and $1\\cdot 10^{-3}$",
    "the algorithm of Du et al. (2018) and Oseledets 2011",
    "`x = 0.446` in code, [a link](https://example.org/2000.html)",
    "```python\nn = 123456\n```",
])
def test_prose_checker_passes_glued_quoted_and_labels(text: str) -> None:
    assert prose_numbers.hand_typed_numbers(text) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_defines_at_most_two_functions(path: Path) -> None:
    """Notebooks call, plot, assert and explain: helpers live in lowrank_nb, with tests."""
    defs = [name for cell in _load(path)["cells"] if cell["cell_type"] == "code"
            for name in re.findall(r"^\s*(?:async\s+)?def (\w+)", _source(cell), re.M)]
    assert len(defs) <= 2, f"{path.name} defines {defs}: move all but the Explore callback " \
        "(and at most one more) into the package"


def _explore_cells(nb: dict) -> list[dict]:
    out, section = [], None
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in _source(cell).splitlines():
                if line.startswith("## "):
                    section = line[3:].strip()
        elif section == "Explore":
            out.append(cell)
    return out


def _bound_names(tree: ast.AST) -> set[str]:
    """Names a block of code binds: assignments, imports, defs, loop/with/comprehension targets."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            out.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
            args = node.args if not isinstance(node, ast.ClassDef) else None
            if args is not None:
                out.update(a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs])
                out.update(a.arg for a in (args.vararg, args.kwarg) if a is not None)
        elif isinstance(node, ast.Lambda):
            out.update(a.arg for a in [*node.args.args, *node.args.kwonlyargs])
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            out.add(node.name)
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_explore_section_is_collapsed_and_self_contained(path: Path) -> None:
    # The Explore code is collapsed in the HTML (the reader meets the sliders first), and it
    # runs after the Setup cell alone: the benchmark, tests/tools/explore_check.py and a reader
    # who jumps to Explore run exactly that.
    nb = _load(path)
    cells = _explore_cells(nb)
    shown = [c for c in cells if "Explore(" in _source(c)]
    assert shown, f"{path.name}: the Explore section builds no Explore"
    for cell in shown:
        assert "hide-input" in cell.get("metadata", {}).get("tags", []), (
            f"{path.name}: the Explore code cell needs the hide-input tag")
    setup = ast.parse(_source(nb["cells"][1]))
    code = ast.parse("\n".join(_source(c) for c in cells))
    known = _bound_names(setup) | _bound_names(code) | set(dir(builtins))
    used = {n.id for n in ast.walk(code) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    assert used <= known, (
        f"{path.name}: the Explore section uses {sorted(used - known)}, defined in neither "
        "the Setup cell nor the Explore section")
