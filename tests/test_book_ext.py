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
                                      ":class: warning\n\nA typo in the sign. Kind: typo.\n:::"),
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
    assert scan["errata"] == [("Paper X, Lemma 2", "A typo in the sign. Kind: typo.")]


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
    nb.cells[0].metadata["tags"] = ["not-checkable:vodrahalli:table-9", "verdict:holds"]
    (tmp_path / "book").mkdir()
    nbformat.write(nb, tmp_path / "book" / "ch.ipynb")
    scan = lowrank_book.scan_notebooks(tmp_path, {"book/ch"})["book/ch"]
    assert scan["uncheckable"] == {("vodrahalli", "table-9"):
                                   "Needs ImageNet and weeks of GPU time."}
    assert scan["problems"] == ["book/ch cell 0: 'verdict:holds' on a markdown cell (verdicts "
                                "go on the verifying code cell)"]
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
    # The build's errata rules (issue 14 §2) over the committed notebooks: a known paper, a
    # Location, exactly one kind (typo, gap, false as stated), each error boxed once, and
    # false-as-stated verdicts and errata naming each other. Same check as the build warning.
    scans = _real_scans()
    entries = lowrank_book.errata_entries(scans)
    assert len(entries) >= 30, "the errata index lost boxes (title must start 'Erratum — ')"
    catalog = json.loads((ROOT / "book" / "_ext" / "numbered_results.json").read_text())
    problems = lowrank_book.errata_problems(entries, lowrank_book.ledger_rows(catalog, scans))
    assert problems == [], "\n".join(problems)


def test_every_verify_item_has_a_verdict_and_its_notes() -> None:
    # The build's ledger rules (issue 14 §1) over the committed notebooks: a verdict on every
    # verify: item, no conflicting verdicts or unknown slugs, the required notes glued.
    catalog = json.loads((ROOT / "book" / "_ext" / "numbered_results.json").read_text())
    scans = _real_scans()
    problems = lowrank_book.ledger_problems(lowrank_book.ledger_rows(catalog, scans), scans)
    assert problems == [], "\n".join(problems)


def test_erratum_kind_is_exactly_one_of_three() -> None:
    kind = lowrank_book.erratum_kind
    assert kind("The sign is wrong. Kind: typo.") == "typo"
    assert kind("Kind: **false as stated** (typo-level). Source: x.") == "false as stated"
    assert kind("Two of them. Kind: typos; the statements hold.") == "typo"
    assert kind("Kind: gap") == "gap"
    assert kind("The gap is large. Kind: typo / gap.") is None  # two kinds
    assert kind("Kind: vacuous at practical sizes.") is None  # a verdict, not an erratum
    assert kind("Kind: vacuous at practical sizes / gap.") is None
    assert kind("A typo, no kind sentence.") is None
    assert lowrank_book._kind("No kind here.") == "see text"


def test_paper_names_and_locations_parse() -> None:
    key = lowrank_book.paper_key
    assert [key(n) for n in ("Budzinskiy", "Vodrahalli et al.", "Zhang–Saab", "Zhang-Saab",
                             "Zhang and Saab", "Deng et al.", "Deng–Song–Yuan–Zhou")] == [
        "budzinskiy", "vodrahalli", "zhangsaab", "zhangsaab", "zhangsaab", "dengsong",
        "dengsong"]
    assert key("specification (Theorem 1.3 check)") is None
    items = lowrank_book.location_items
    assert items("Theorem 3.3") == ["theorem-3.3"]
    assert items("Lemma F.8 (two-sided event)") == ["lemma-F.8"]
    assert items("Lemmas 4.1 and 4.2") == ["lemma-4.1", "lemma-4.2"]
    assert items("Theorems 4.5 and 4.8") == ["theorem-4.5", "theorem-4.8"]
    assert items("Theorem 3.3 / A.12 and Algorithm 3") == [
        "theorem-3.3", "theorem-A.12", "algorithm-3"]
    assert items("Lemma D.2 Part 4a and Lemmas D.8/D.12") == [
        "lemma-D.2", "lemma-D.8", "lemma-D.12"]
    assert items("Proof of Lemma 4.11") == ["lemma-4.11"]
    assert items("Figure 1 caption") == ["figure-1"]
    assert items("Eq. (1)") == [] and items("§7.2 and App. F.6") == []


def _entry(doc: str, title: str, body: str) -> dict:
    return lowrank_book.errata_entries({doc: {"errata": [(title, body)]}})[0]


def _rows(slugs: dict[str, list[str | None]], notes=None) -> dict[str, list[dict]]:
    """Ledger rows for paper 'vodrahalli' from per-item lists of cell verdicts."""
    scans = {}
    for i, (item, cells) in enumerate(slugs.items()):
        scans[f"book/ch{i}"] = {"verified": {("vodrahalli", item): {"exact"}},
                                "verdicts": {("vodrahalli", item): cells}, "errata": []}
    return lowrank_book.ledger_rows({"vodrahalli": list(slugs)}, scans, notes)


def test_errata_rules_each_error_once_known_paper_and_kind() -> None:
    ok = _entry("book/a", "Vodrahalli et al., Theorem 3.3 (the constant)",
                "Counterexample. Kind: false as stated.")
    again = _entry("book/b", "Vodrahalli et al., Theorem  3.3 (the constant).",
                   "Same thing. Kind: false as stated.")
    odd = _entry("book/c", "Spec, Lemma 2", "Kind: typo.")
    vacuous = _entry("book/d", "Zhang–Saab, Theorem 4.4", "Kind: vacuous at practical sizes.")
    assert lowrank_book.errata_problems([ok]) == []
    problems = lowrank_book.errata_problems([ok, again, odd, vacuous])
    assert len(problems) == 3
    assert "also boxed in book/a" in problems[0]
    assert "unknown paper 'Spec'" in problems[1]
    assert "Kind:" in problems[2] and "book/d" in problems[2]


def test_false_as_stated_verdicts_and_errata_name_each_other() -> None:
    rows = _rows({"theorem-3.3": ["holds"], "theorem-3.5": ["false-as-stated", "holds"],
                  "claim-scope": ["false-as-stated"], "eq-9": ["false-as-stated"]},
                 notes={("vodrahalli", "theorem-3.5"): "part 2 fails"})
    wrong = _entry("book/a", "Vodrahalli et al., Theorem 3.3", "Kind: false as stated.")
    problems = lowrank_book.errata_problems([wrong], rows)
    assert len(problems) == 2
    assert problems[0].startswith("vodrahalli:theorem-3.5 has verdict false-as-stated")
    assert "vodrahalli:theorem-3.3 has no false-as-stated verdict" in problems[1]
    right = _entry("book/b", "Vodrahalli et al., Theorems 3.4 and 3.5 (part 2)",
                   "Kind: false as stated.")
    # A typo erratum on a holding result is fine; a "false as stated" box on Eq. (1) (not a
    # numbered result) is not matched against verdicts, nor are ids a Location cannot name.
    typo = _entry("book/c", "Vodrahalli et al., Theorem 3.3", "Kind: typo.")
    eq = _entry("book/d", "Vodrahalli et al., Eq. (1)", "Kind: false as stated.")
    assert lowrank_book.errata_problems([right, typo, eq], rows) == []


def test_verdict_tags_parse_and_combine() -> None:
    slugs, problems = lowrank_book.cell_verdicts(
        ["verify:budzinskiy:theorem-3.8", "verify:budzinskiy:lemma-3.3", "check:exact",
         "verdict:holds", "verdict:budzinskiy:lemma-3.3:vacuous"])
    assert slugs == {("budzinskiy", "theorem-3.8"): "holds",
                     ("budzinskiy", "lemma-3.3"): "vacuous"} and problems == []
    slugs, problems = lowrank_book.cell_verdicts(["verify:budzinskiy:theorem-3.8"])
    assert slugs == {("budzinskiy", "theorem-3.8"): None} and problems == []
    _, problems = lowrank_book.cell_verdicts(["verify:budzinskiy:theorem-3.8", "verdict:true"])
    assert problems and "unknown verdict 'true'" in problems[0]
    _, problems = lowrank_book.cell_verdicts(["verify:budzinskiy:theorem-3.8",
                                              "verdict:budzinskiy:theorem-3.9:holds"])
    assert "does not verify" in problems[0]
    _, problems = lowrank_book.cell_verdicts(["verdict:holds"])
    assert "without verify" in problems[0]
    combine = lowrank_book.combine_verdicts
    assert combine(["holds", "false-as-stated", "vacuous"]) == ("false-as-stated", None)
    assert combine(["holds", "holds-after-correction"]) == ("holds-after-correction", None)
    assert combine(["vacuous", "holds-after-correction"]) == ("vacuous", None)
    assert combine(["cited", "cited"]) == ("cited", None)
    assert combine(["implemented", "holds"])[0] is None  # implemented mixed: conflict
    assert combine(["cited", "holds"])[0] is None
    assert combine(["holds", None])[0] is None  # one cell without a verdict


def test_ledger_problems_need_verdicts_and_notes() -> None:
    rows = _rows({"theorem-3.3": ["holds"], "theorem-3.5": ["vacuous"],
                  "lemma-A.5": ["holds", "false-as-stated"], "lemma-A.4": [None],
                  "table-1": ["cited", "holds"], "lemma-A.3": ["holds-after-correction"]},
                 notes={("vodrahalli", "lemma-A.3"): "the sign of eq. (9)"})
    problems = lowrank_book.ledger_problems(rows, {})
    assert sorted(p.split()[0] for p in problems) == [
        "vodrahalli:lemma-A.4", "vodrahalli:lemma-A.5", "vodrahalli:table-1",
        "vodrahalli:theorem-3.5"]
    by = {r["item"]: r for r in rows["vodrahalli"]}
    assert by["lemma-A.5"]["slug"] == "false-as-stated"
    assert "cells disagree" in by["lemma-A.5"]["problems"][0]
    assert "vacuous at practical sizes" in by["theorem-3.5"]["problems"][0]
    assert lowrank_book.verdict_label(by["lemma-A.3"]) == "holds after correction"
    assert by["lemma-A.3"]["note"] == "the sign of eq. (9)"
    # Without glue data (unit tests), a note counts when its key appears in a cell's code.
    scans = {"book/ch": {"verified": {("vodrahalli", "theorem-3.5"): {"exact"}},
                         "verdicts": {("vodrahalli", "theorem-3.5"): ["vacuous"]},
                         "note_keys": {("vodrahalli", "theorem-3.5")}}}
    rows = lowrank_book.ledger_rows({"vodrahalli": ["theorem-3.5"]}, scans)
    assert lowrank_book.ledger_problems(rows, scans) == []


def test_scan_reads_verdicts_and_note_keys(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        'assert n_star > 1000\nglue("note-budzinskiy-theorem-3.8", f"from n = {n_star}", '
        "display=False)")]
    nb.cells[0].metadata["tags"] = ["verify:budzinskiy:theorem-3.8", "check:inequality",
                                    "verdict:vacuous", "verdict:bogus"]
    (tmp_path / "book").mkdir()
    nbformat.write(nb, tmp_path / "book" / "ch.ipynb")
    nb.cells.append(nbformat.v4.new_code_cell(
        'for item in ("lemma-F.8", "lemma-F.12"):\n'
        '    glue(f"note-dengsong-{item}", "fails", display=False)'))
    nb.cells[1].metadata["tags"] = ["verify:dengsong:lemma-F.8", "verify:dengsong:lemma-F.12",
                                    "verify:budzinskiy:lemma-3.3", "verdict:vacuous"]
    nbformat.write(nb, tmp_path / "book" / "ch.ipynb")
    scan = lowrank_book.scan_notebooks(tmp_path, {"book/ch"})["book/ch"]
    assert scan["note_keys"] == {("budzinskiy", "theorem-3.8"), ("dengsong", "lemma-F.8"),
                                 ("dengsong", "lemma-F.12")}
    assert scan["verdicts"][("budzinskiy", "theorem-3.8")] == [None]
    assert any("book/ch cell 0: unknown verdict 'bogus'" in p for p in scan["problems"])


def test_limit_boxes_are_not_errata(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(
        ":::{admonition} Limit at laptop scale — Budzinskiy, Theorem 3.8\n:class: note\n\n"
        "Non-vacuous only from n = {glue:text}`n_star`.\n:::\n\n"
        ":::{admonition} Erratum — Budzinskiy, Lemma 3.3\n:class: warning\n\n"
        "A sign. Kind: typo.\n:::")]
    (tmp_path / "book").mkdir()
    nbformat.write(nb, tmp_path / "book" / "ch.ipynb")
    scan = lowrank_book.scan_notebooks(tmp_path, {"book/ch"})["book/ch"]
    assert scan["errata"] == [("Budzinskiy, Lemma 3.3", "A sign. Kind: typo.")]


def test_glue_notes_are_read_from_the_execution_folder(tmp_path: Path) -> None:
    folder = tmp_path / "jupyter_execute" / "book" / "part1"
    folder.mkdir(parents=True)
    record = {"output_type": "display_data", "metadata": {"scrapbook": {"name": "x"}},
              "data": {"text/plain": "'non-vacuous only from n = 13,301'"}}
    (folder / "ch.glue.json").write_text(json.dumps(
        {"note-budzinskiy-theorem-3.8": record, "other": record,
         "note-vodrahalli-lemma-A.5": {"data": {"text/plain": '"it\'s fine"'}}}))
    notes = lowrank_book.read_glue_notes(tmp_path / "jupyter_execute", ["book/part1/ch", "x"])
    assert notes == {("budzinskiy", "theorem-3.8"): "non-vacuous only from n = 13,301",
                     ("vodrahalli", "lemma-A.5"): "it's fine"}


def test_build_status_never_says_passed_alone_on_refuted_or_cited() -> None:
    status = lowrank_book.build_status
    assert status("holds", "passed") == "passed"
    assert status("holds-after-correction", "passed") == "passed"
    assert status("implemented", "FAILED") == "FAILED"
    assert status("false-as-stated", "passed") == "refuted; checks ran"
    assert status("false-as-stated", "not executed in this build") == (
        "not executed in this build")
    assert status("vacuous", "passed") == "checks ran"
    assert status("cited", "passed") == "transcribed; checks ran"
    assert status(None, "passed") != "passed"


def test_summary_counts_by_verdict() -> None:
    rows = _rows({"theorem-3.3": ["holds"], "theorem-3.5": ["vacuous"], "lemma-A.5": ["holds"],
                  "table-1": [None]})
    rows["vodrahalli"].append({"item": "eq-9", "numbered": False, "docs": ["x"], "why": [],
                               "slug": "holds"})
    columns, counts = lowrank_book.summary_counts(rows)
    assert counts["vodrahalli"]["holds"] == 2  # eq-9 is not a numbered result
    assert counts["vodrahalli"]["vacuous at practical sizes"] == 1
    assert counts["vodrahalli"]["—"] == 1
    assert counts["total"] == counts["vodrahalli"] and "not checkable" in columns


def test_quoted_role_renders_text_and_inline_math() -> None:
    from docutils import nodes

    text = "$\\varepsilon = 10^{-3}$ and 2000"
    out, messages = lowrank_book.quoted_role("quoted", f"{{quoted}}`{text}`", text, 1, None)
    assert messages == []
    (node,) = out
    assert isinstance(node, nodes.inline) and node["classes"] == ["lr-quoted"]
    assert [type(c).__name__ for c in node.children] == ["math", "Text"]
    assert node.children[0].astext() == "\\varepsilon = 10^{-3}"
    assert node.astext() == "\\varepsilon = 10^{-3} and 2000"


def test_table_cells_keep_math_and_drop_markup() -> None:
    text = ("At $n=300$ see {doc}`the chapter <../x>` and {cite:p}`key`, **bold** `code` "
            "and $$x^2$$.")
    assert lowrank_book.plain_markup(text) == "At $n=300$ see the chapter and, bold code and $x^2$."
    para = lowrank_book.rich_paragraph(text)
    assert [type(c).__name__ for c in para.children] == ["Text", "math", "Text", "math", "Text"]
    cut = lowrank_book.rich_paragraph("a $\\frac{1}{2}$ b", limit=5)  # never splits a formula
    assert cut.astext() == "a …" and not cut.children[0].astext().count("$")


class _FakeBuilder:
    format = "html"

    @staticmethod
    def get_relative_uri(fromdoc: str, doc: str) -> str:
        return doc + ".html"

    @staticmethod
    def get_target_uri(doc: str) -> str:
        return doc + ".html"


class _FakeApp:
    """Just what the ledger, errata and JSON writers read from a Sphinx application."""

    def __init__(self, srcdir: Path, docs: set[str], succeeded: bool = True) -> None:
        from types import SimpleNamespace

        self.srcdir = str(srcdir)
        self.outdir = str(srcdir / "_build" / "html")
        Path(self.outdir).mkdir(parents=True, exist_ok=True)
        self.builder = _FakeBuilder()
        meta = {d: {"exec_data": {"succeeded": succeeded, "runtime": 1.0}} for d in docs}
        self.env = SimpleNamespace(found_docs=docs, nb_metadata=meta)


def _book_with_two_chapters(tmp_path: Path) -> None:
    (tmp_path / "book").mkdir()
    for name, tags, note in [
        ("a", ["verify:vodrahalli:theorem-3.3", "check:counterexample",
               "verdict:false-as-stated"], ""),
        ("b", ["verify:vodrahalli:theorem-3.5", "check:exact", "verdict:vacuous"],
         'glue("note-vodrahalli-theorem-3.5", f"from n = {n}", display=False)\n'),
    ]:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell(
            f"# Chapter {name}\n\n:::{{admonition}} Erratum — Vodrahalli et al., Theorem 3.3\n"
            ":class: warning\n\nA counterexample. Kind: false as stated.\n:::"),
            nbformat.v4.new_code_cell(note + "assert True")]
        nb.cells[1].metadata["tags"] = tags
        nbformat.write(nb, tmp_path / "book" / f"{name}.ipynb")
    glue = tmp_path / "_build" / "jupyter_execute" / "book"
    glue.mkdir(parents=True)
    (glue / "b.glue.json").write_text(json.dumps(
        {"note-vodrahalli-theorem-3.5": {"data": {"text/plain": "'from n = 13,301'"}}}))


def test_build_warns_only_in_a_full_build_and_writes_json(tmp_path: Path, caplog) -> None:
    import logging

    _book_with_two_chapters(tmp_path)
    app = _FakeApp(tmp_path, {"book/a", "book/b"})
    with caplog.at_level(logging.WARNING):
        lowrank_book.build_ledger(app, "book/ledger")
        lowrank_book.build_errata(app, "book/errata")
    warnings = [r.getMessage() for r in caplog.records]
    # Full build: every other numbered result lacks a check, and the erratum is boxed twice.
    assert any("vodrahalli:theorem-A.12 has no verification cell" in w for w in warnings)
    assert any("also boxed in book/a" in w for w in warnings)
    assert not any("theorem-3.5" in w or "theorem-3.3 has" in w for w in warnings)
    lowrank_book.write_json_indexes(app, None)
    ledger = json.loads((tmp_path / "_build" / "html" / "ledger.json").read_text())
    by = {(r["paper"], r["item"]): r for r in ledger["results"]}
    assert by["vodrahalli", "theorem-3.3"] == {
        "paper": "vodrahalli", "item": "theorem-3.3", "numbered": True,
        "verdict": "false as stated", "note": "", "checks": ["counterexample"],
        "pages": ["book/a.html#verification"], "status": "refuted; checks ran"}
    assert by["vodrahalli", "theorem-3.5"]["note"] == "from n = 13,301"
    assert by["vodrahalli", "theorem-3.5"]["status"] == "checks ran"
    errata = json.loads((tmp_path / "_build" / "html" / "errata.json").read_text())
    assert errata[0] == {"paper": "vodrahalli", "location": "Theorem 3.3",
                         "kind": "false as stated", "items": ["theorem-3.3"],
                         "page": "book/a.html#notes-errata"}
    # A partial build (a notebook on disk is not in the build) cannot judge: no warnings.
    caplog.clear()
    partial = _FakeApp(tmp_path, {"book/a"})
    with caplog.at_level(logging.WARNING):
        lowrank_book.build_ledger(partial, "book/ledger")
        lowrank_book.build_errata(partial, "book/errata")
    assert caplog.records == []
