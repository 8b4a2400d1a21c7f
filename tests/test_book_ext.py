"""The build-time ledger reads tags, errata and seeds from notebooks (book/_ext)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import lowrank_book  # noqa: E402


def test_scan_notebooks_reads_tags_errata_and_seed(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A chapter\n\n## Notes & errata\n\n"
                                      ":::{admonition} Erratum — Paper X, Lemma 2\n"
                                      ":class: warning\n\nA typo in the sign.\n:::"),
        nbformat.v4.new_code_cell("rng = setup_notebook(seed=42)"),
        nbformat.v4.new_code_cell("assert 1 + 1 == 2"),
    ]
    nb.cells[2].metadata["tags"] = ["verify:budzinskiy:theorem-1.3", "check:exact"]
    (tmp_path / "book").mkdir()
    nbformat.write(nb, tmp_path / "book" / "ch.ipynb")
    scans = lowrank_book.scan_notebooks(tmp_path, {"book/ch", "book/missing"})
    assert set(scans) == {"book/ch"}
    scan = scans["book/ch"]
    assert scan["seed"] == 42
    assert scan["title"] == "A chapter"
    assert scan["verified"] == {("budzinskiy", "theorem-1.3"): {"exact"}}
    assert scan["errata"] == [("Paper X, Lemma 2", "A typo in the sign.")]
    assert lowrank_book._kind("A typo in the sign.") == "typo"


def test_catalog_covers_each_paper() -> None:
    catalog = json.loads((ROOT / "book" / "_ext" / "numbered_results.json").read_text())
    assert set(catalog) == set(lowrank_book.PAPER_NAMES)
    assert "theorem-1.3" in catalog["budzinskiy"]
    assert "theorem-3.5" in catalog["vodrahalli"]
    assert "theorem-4.9" in catalog["zhangsaab"]
    assert "lemma-D.17" in catalog["dengsong"] or "theorem-D.17" in catalog["dengsong"]


def test_result_labels_keep_appendix_letters() -> None:
    assert lowrank_book._label("lemma-A.5") == "Lemma A.5"
    assert lowrank_book._label("theorem-1.3") == "Theorem 1.3"


def _real_scans() -> dict[str, dict]:
    docs = {str(p.relative_to(ROOT).with_suffix(""))
            for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts}
    return lowrank_book.scan_notebooks(ROOT, docs)


def test_not_checkable_cells_give_their_reason(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(
        ":::{admonition} Not checkable here — Paper X, Table 9\n:class: note\n\n"
        "Needs ImageNet\nand weeks of GPU time.\n:::")]
    nb.cells[0].metadata["tags"] = ["not-checkable:vodrahalli:table-9"]
    (tmp_path / "book").mkdir()
    nbformat.write(nb, tmp_path / "book" / "ch.ipynb")
    scan = lowrank_book.scan_notebooks(tmp_path, {"book/ch"})["book/ch"]
    assert scan["uncheckable"] == {("vodrahalli", "table-9"):
                                   "Needs ImageNet and weeks of GPU time."}
    rows = lowrank_book.ledger_rows({"vodrahalli": ["table-9", "table-10"]}, {"book/ch": scan})
    assert lowrank_book.uncovered(rows) == ["vodrahalli:table-10"]


def test_every_numbered_result_is_verified_or_has_a_reason() -> None:
    # The same rule is a Sphinx warning in the build (so `-W` fails); this catches it early.
    catalog = json.loads((ROOT / "book" / "_ext" / "numbered_results.json").read_text())
    rows = lowrank_book.ledger_rows(catalog, _real_scans())
    missing = lowrank_book.uncovered(rows)
    assert missing == [], f"numbered results with no verification cell and no reason: {missing}"


def test_catalog_matches_the_paper_texts() -> None:
    papers = ROOT.parent / "shared" / "papers"
    if not papers.is_dir():
        pytest.skip("the paper texts (shared/papers beside the checkout) are not here")
    sys.path.insert(0, str(ROOT / "tests" / "tools"))
    import paper_catalog

    catalog = json.loads((ROOT / "book" / "_ext" / "numbered_results.json").read_text())
    assert paper_catalog.catalog(papers) == catalog, (
        "book/_ext/numbered_results.json is stale: run python tests/tools/paper_catalog.py")


def test_every_erratum_names_its_paper_location_and_kind() -> None:
    errata = [(doc, title, body) for doc, scan in _real_scans().items()
              for title, body in scan["errata"]]
    assert len(errata) >= 40, "the errata index lost boxes (title must start 'Erratum — ')"
    for doc, title, body in errata:
        source, _, location = title.partition(",")
        assert source.strip() and location.strip(), f"{doc}: '{title}' needs 'Paper, location'"
        assert lowrank_book._kind(body) != "see text", (
            f"{doc}: '{title}' must say its kind: {', '.join(lowrank_book.KINDS)}")


def test_kind_prefers_the_kind_sentence() -> None:
    assert lowrank_book._kind("The gap is large. Kind: typo / gap.") == "typo"
    assert lowrank_book._kind("Kind: vacuous at practical sizes / gap") == (
        "vacuous at practical sizes")
    assert lowrank_book._kind("No kind here.") == "see text"


def test_table_cells_keep_math_and_drop_markup() -> None:
    text = ("At $n=300$ see {doc}`the chapter <../x>` and {cite:p}`key`, **bold** `code` "
            "and $$x^2$$.")
    assert lowrank_book.plain_markup(text) == "At $n=300$ see the chapter and, bold code and $x^2$."
    para = lowrank_book.rich_paragraph(text)
    assert [type(c).__name__ for c in para.children] == ["Text", "math", "Text", "math", "Text"]
    cut = lowrank_book.rich_paragraph("a $\\frac{1}{2}$ b", limit=5)  # never splits a formula
    assert cut.astext() == "a …" and not cut.children[0].astext().count("$")
