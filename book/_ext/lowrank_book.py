"""Build-time pages of the book: verification ledger, errata index, reproducibility report.

All of them are generated from the chapter notebooks themselves (cell tags, glued notes, errata
admonitions, the Setup cell's seed) and from this build's execution records, never from a
hand-kept list:

* ``{verification-ledger}``: a summary of verdicts per paper, then one row per numbered result
  of the four papers (``numbered_results.json``, extracted from the paper texts by
  ``tests/tools/paper_catalog.py``): its verdict, the kinds of check (``check:<type>`` tags),
  a note, links to the chapters whose cells carry ``verify:<paper>:<item>`` tags and whether
  those checks ran in this build. Verdicts (issue 14) are tags on the verifying cell,
  ``verdict:<slug>`` for all its items or ``verdict:<paper>:<item>:<slug>`` for one, with
  slugs :data:`VERDICTS`; several cells' verdicts combine to the weakest (:data:`STRENGTH`),
  ``cited``/``implemented`` never mix with others. The note is the text the verifying cell
  glues under ``note-<paper>-<item>`` (read from myst-nb's ``<doc>.glue.json`` files);
  it is required for holds-after-correction, vacuous, and cells that disagree. A result that
  cannot be checked here is named by a ``not-checkable:<paper>:<item>`` tag on a markdown
  cell whose text gives the reason;
* ``{errata-index}``: every ``Erratum — <paper>, <location>`` admonition, with a link; its
  "Kind:" sentence names exactly one of :data:`KINDS` ("Limit at laptop scale" boxes are not
  errata);
* ``{execution-report}``: library versions, the machine, and each notebook's seed and runtime;
* ``{sweep-grids}``: the grids of the paper-scale reproductions (``lowrank_nb.sweep``).

In a full build (every notebook on disk is in the build), every broken rule is a Sphinx
warning, so ``-W`` fails: a result with neither check nor reason, a verify item without
verdict, an unknown or conflicting verdict, a missing required note, an erratum with another
kind or an unknown paper, the same (paper, location) boxed twice, and a false-as-stated
verdict and erratum that do not name each other. ``tests/test_book_ext.py`` runs the same
checks on the committed notebooks. The ``build-finished`` handler writes ``ledger.json`` and
``errata.json`` at the root of the HTML output.

Directives leave placeholders that are filled in ``doctree-resolved``, after every notebook has
been executed.
"""

from __future__ import annotations

import ast
import json
import platform
import re
from collections import defaultdict
from importlib import metadata
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

LOGGER = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
PAPER_NAMES = {
    "budzinskiy": "Budzinskiy (entrywise)",
    "vodrahalli": "Vodrahalli et al. (ReLU init)",
    "zhangsaab": "Zhang–Saab (compression)",
    "dengsong": "Deng–Song–Yuan–Zhou (attention)",
}
# The first word of an erratum title's paper part -> the paper key.
PAPER_KEYS = {"budzinskiy": "budzinskiy", "vodrahalli": "vodrahalli", "zhang": "zhangsaab",
              "deng": "dengsong"}
ERRATUM = re.compile(
    r":::\{admonition\}\s*Erratum\s*[—–-]+\s*(?P<title>[^\n]+)\n(?P<body>.*?)\n:::", re.S)
KINDS = ("typo", "gap", "false as stated")

# Verdicts (issue 14), declared by tags on the verifying cells: slug -> what the ledger shows.
VERDICTS = {
    "holds": "holds",
    "holds-after-correction": "holds after correction",
    "false-as-stated": "false as stated",
    "vacuous": "vacuous at practical sizes",
    "implemented": "implemented",
    "cited": "cited, not reproduced",
}
NOT_CHECKABLE = "not checkable"
# Several cells' verdicts for one item combine to the weakest; cited/implemented do not mix.
STRENGTH = {"false-as-stated": 0, "vacuous": 1, "holds-after-correction": 2, "holds": 3,
            "implemented": 4}
UNMIXABLE = {"cited", "implemented"}
NOTE_REQUIRED = {"holds-after-correction", "vacuous"}
# Result labels in an erratum's Location ("Theorem 3.3 / A.12", "Lemmas 4.1 and 4.2").
_RESULT_KINDS = {
    "theorem": "theorem", "theorems": "theorem", "lemma": "lemma", "lemmas": "lemma",
    "corollary": "corollary", "corollaries": "corollary", "remark": "remark",
    "remarks": "remark", "definition": "definition", "definitions": "definition",
    "assumption": "assumption", "assumptions": "assumption", "example": "example",
    "examples": "example", "figure": "figure", "figures": "figure", "table": "table",
    "tables": "table", "algorithm": "algorithm", "algorithms": "algorithm",
    "problem": "problem", "problems": "problem", "claim": "claim", "claims": "claim",
    "proposition": "proposition", "propositions": "proposition", "fact": "fact",
    "facts": "fact",
}
_NUM = r"(?:[A-Z]\.?\d+(?:\.\d+)*|\d+(?:\.\d+)*)"
_LABELS = re.compile(
    r"\b(?P<kind>(?i:" + "|".join(sorted(_RESULT_KINDS, key=len, reverse=True)) + r"))\s+"
    r"(?P<nums>" + _NUM + r"(?:\s*(?:/|,|and|&|–|-|to)\s*" + _NUM + r")*)\b")


class ledger_placeholder(nodes.General, nodes.Element):  # noqa: N801 (docutils convention)
    pass


class errata_placeholder(nodes.General, nodes.Element):  # noqa: N801
    pass


class report_placeholder(nodes.General, nodes.Element):  # noqa: N801
    pass


class sweeps_placeholder(nodes.General, nodes.Element):  # noqa: N801
    pass


def _directive(node_cls):
    class _Directive(SphinxDirective):
        def run(self):
            return [node_cls()]

    return _Directive


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _reason(text: str) -> str:
    """The prose of a not-checkable cell: directive fences and options dropped, one line."""
    lines = [ln for ln in text.splitlines() if not ln.startswith((":::", ":class:"))]
    return re.sub(r"\s+", " ", " ".join(lines)).strip()


def plain_markup(text: str) -> str:
    """MyST prose reduced for a table cell: citations dropped, other roles to their text,
    emphasis and code marks removed, display math made inline; ``$...$`` is kept."""
    text = re.sub(r"\s*\{cite(?::[a-z]+)?\}`[^`]*`", "", text)
    text = re.sub(r"\{[a-z:-]+\}`([^`<]*?)\s*(?:<[^`]*>)?`", r"\1", text)
    text = text.replace("$$", "$").replace("`", "").replace("**", "").replace("*", "")
    return re.sub(r"\s+", " ", text).strip()


def rich_paragraph(text: str, limit: int | None = None) -> nodes.paragraph:
    """A paragraph of plain text and inline math (MathJax typesets ``nodes.math``), cut at
    ``limit`` characters without splitting a formula."""
    text = plain_markup(text)
    if limit is not None and len(text) > limit:
        cut = text[:limit]
        if cut.count("$") % 2:
            cut = cut[:cut.rfind("$")]
        text = cut.rstrip() + " …"
    para = nodes.paragraph()
    for part in re.split(r"(\$[^$]+\$)", text):
        if len(part) > 2 and part[0] == part[-1] == "$":
            para += nodes.math(part[1:-1], part[1:-1])
        elif part:
            para += nodes.Text(part)
    return para


def ledger_tags(tags: list[str], prefix: str) -> list[tuple[str, str]]:
    """``(paper, item)`` for every ``<prefix>:<paper>:<item>`` tag."""
    out = []
    for tag in tags:
        parts = tag.split(":")
        if len(parts) == 3 and parts[0] == prefix:
            out.append((parts[1], parts[2]))
    return out


def cell_verdicts(tags: list[str]) -> tuple[dict[tuple[str, str], str | None], list[str]]:
    """The verdict slug of each ``verify:`` item of one code cell (``None`` when it has none)
    and the problems with the cell's ``verdict:`` tags (unknown slug, an item the cell does not
    verify, two verdicts for one item)."""
    items = ledger_tags(tags, "verify")
    general: list[str] = []
    qualified: dict[tuple[str, str], list[str]] = defaultdict(list)
    problems = []
    for tag in tags:
        parts = tag.split(":")
        if parts[0] != "verdict":
            continue
        if len(parts) == 2:
            general.append(parts[1])
        elif len(parts) == 4:
            qualified[parts[1], parts[2]].append(parts[3])
            if (parts[1], parts[2]) not in items:
                problems.append(f"'{tag}' names an item the cell does not verify")
        else:
            problems.append(f"malformed verdict tag '{tag}' (verdict:<slug> or "
                            "verdict:<paper>:<item>:<slug>)")
            continue
        if parts[-1] not in VERDICTS:
            problems.append(f"unknown verdict '{parts[-1]}' in '{tag}' "
                            f"(one of {', '.join(VERDICTS)})")
    if general and not items:
        problems.append(f"verdict tag {general} on a cell without verify: tags")
    out: dict[tuple[str, str], str | None] = {}
    for key in items:
        found = qualified.get(key) or general
        if len(set(found)) > 1:
            problems.append(f"{key[0]}:{key[1]} has several verdicts on one cell: {found}")
        out[key] = found[0] if len(set(found)) == 1 and found[0] in VERDICTS else None
    return out, problems


def scan_notebooks(srcdir: Path, docnames: set[str]) -> dict[str, dict]:
    """Per notebook docname: verify tags by item (with check types and verdicts), not-checkable
    reasons, errata, note glue keys named in code, seed, title and tag problems."""
    out = {}
    for doc in sorted(docnames):
        path = srcdir / f"{doc}.ipynb"
        if not path.exists():
            continue
        nb = json.loads(path.read_text())
        verified: dict[tuple[str, str], set[str]] = defaultdict(set)
        verdicts: dict[tuple[str, str], list[str | None]] = defaultdict(list)
        uncheckable: dict[tuple[str, str], str] = {}
        errata = []
        note_keys: set[tuple[str, str]] = set()
        problems = []
        seed = None
        for index, cell in enumerate(nb["cells"]):
            text = _source(cell)
            tags = cell.get("metadata", {}).get("tags", [])
            if cell["cell_type"] == "code":
                checks = {t.split(":", 1)[1] for t in tags if t.startswith("check:")}
                for key in ledger_tags(tags, "verify"):
                    verified[key] |= checks or {"unspecified"}
                slugs, bad = cell_verdicts(tags)
                for key, slug in slugs.items():
                    verdicts[key].append(slug)
                problems += [f"{doc} cell {index}: {msg}" for msg in bad]
                for m in re.finditer(r"""["']note-([a-z]+)-([\w.-]+)["']""", text):
                    note_keys.add((m.group(1), m.group(2)))
                # f"note-<paper>-{item}" in a loop: a note for each of the cell's items
                for paper, stem in re.findall(r"""f["']note-([a-z]+)-([\w.-]*)\{""", text):
                    note_keys |= {k for k in slugs if k[0] == paper and k[1].startswith(stem)}
                match = re.search(r"setup_notebook\(\s*(?:seed\s*=\s*)?(\d+)", text)
                seed = seed if match is None else int(match.group(1))
            else:
                problems += [f"{doc} cell {index}: '{t}' on a markdown cell (verdicts go on "
                             "the verifying code cell)" for t in tags if t.startswith("verdict:")]
                for key in ledger_tags(tags, "not-checkable"):
                    uncheckable[key] = _reason(text)
                for m in ERRATUM.finditer(text):
                    body = re.sub(r"^:class:.*$", "", m.group("body"), flags=re.M).strip()
                    errata.append((m.group("title").strip(), body))
        title = next((line[2:] for c in nb["cells"] if c["cell_type"] == "markdown"
                      for line in _source(c).splitlines() if line.startswith("# ")), doc)
        out[doc] = {"verified": verified, "verdicts": dict(verdicts),
                    "uncheckable": uncheckable, "errata": errata, "note_keys": note_keys,
                    "problems": problems, "seed": seed, "title": title}
    return out


def combine_verdicts(slugs: list[str | None]) -> tuple[str | None, str | None]:
    """``(slug, problem)``: the weakest of several cells' verdicts for one item, or ``None``
    with the reason when a cell has none or they conflict."""
    if not slugs or any(s is None for s in slugs):
        return None, "has a verify: cell without a verdict: tag"
    distinct = set(slugs)
    if len(distinct) > 1 and distinct & UNMIXABLE:
        return None, f"has conflicting verdicts {sorted(distinct)} (cited/implemented mix)"
    return min(distinct, key=lambda s: STRENGTH.get(s, -1)), None


def note_text(value: dict | str | None) -> str:
    """The text of a glued note: the ``text/plain`` of a myst-nb glue record, quotes stripped."""
    if isinstance(value, dict):
        value = value.get("data", {}).get("text/plain")
    if value is None:
        return ""
    text = str(value).strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        try:
            text = str(ast.literal_eval(text))
        except (ValueError, SyntaxError):
            text = text[1:-1]
    return text


def read_glue_notes(folder: Path, docnames: list[str]) -> dict[tuple[str, str], str]:
    """``note-<paper>-<item>`` values glued by the executed notebooks (myst-nb writes
    ``<doc>.glue.json`` beside each executed notebook in ``folder``)."""
    notes = {}
    for doc in docnames:
        path = folder.joinpath(*f"{doc}.glue.json".split("/"))
        if not path.exists():
            continue
        for key, value in json.loads(path.read_text()).items():
            if key.startswith("note-"):
                paper, _, item = key[len("note-"):].partition("-")
                notes[paper, item] = note_text(value)
    return notes


def _table(headers: list[str], rows: list[list[nodes.Node | str]], widths=None) -> nodes.table:
    table = nodes.table(classes=["lowrank-generated"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for w in widths or [1] * len(headers):
        group += nodes.colspec(colwidth=w)
    head = nodes.thead()
    group += head
    row = nodes.row()
    for h in headers:
        row += nodes.entry("", nodes.paragraph(text=h))
    head += row
    body = nodes.tbody()
    group += body
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            entry += cell if isinstance(cell, nodes.Node) else nodes.paragraph(text=str(cell))
            row += entry
        body += row
    return table


def _links(app: Sphinx, fromdoc: str, docs: list[str], anchor: str, titles: dict) -> nodes.Node:
    para = nodes.paragraph()
    for i, doc in enumerate(docs):
        if i:
            para += nodes.Text("; ")
        uri = app.builder.get_relative_uri(fromdoc, doc) + anchor
        para += nodes.reference("", titles.get(doc, doc), refuri=uri, internal=True)
    return para


def run_status(app: Sphinx, docs: list[str]) -> str:
    """Whether the notebooks holding an item's checks executed: passed / FAILED / not executed."""
    data = getattr(app.env, "nb_metadata", {})
    results = [data.get(d, {}).get("exec_data") for d in docs]
    if not docs or any(r is None for r in results):
        return "not executed in this build"
    return "passed" if all(r["succeeded"] for r in results) else "FAILED"


def build_status(verdict: str | None, run: str) -> str:
    """The "This build" cell: did the checks run, worded so that "passed" never stands alone
    on a refuted or merely transcribed result."""
    if run != "passed":
        return run
    return {"false-as-stated": "refuted; checks ran", "vacuous": "checks ran",
            "cited": "transcribed; checks ran", None: "checks ran; verdict missing"
            }.get(verdict, "passed")


def ledger_rows(catalog: dict[str, list[str]], scans: dict[str, dict],
                notes: dict[tuple[str, str], str] | None = None) -> dict[str, list[dict]]:
    """One entry per numbered result (then per extra verified item), by paper: where it is
    verified (or why it cannot be), its checks, combined verdict, note and problems."""
    where: dict[tuple[str, str], list[str]] = defaultdict(list)
    checks: dict[tuple[str, str], set[str]] = defaultdict(set)
    slugs: dict[tuple[str, str], list[str | None]] = defaultdict(list)
    why: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    noted: set[tuple[str, str]] = set()
    for doc, scan in scans.items():
        for key, kinds in scan["verified"].items():
            where[key].append(doc)
            checks[key] |= kinds
            slugs[key] += scan.get("verdicts", {}).get(key, [None])
        for key, reason in scan.get("uncheckable", {}).items():
            why[key].append((doc, reason))
        noted |= scan.get("note_keys", set())
    out: dict[str, list[dict]] = {}
    for paper, items in catalog.items():
        known = set(items)
        extra = sorted({k[1] for k in where if k[0] == paper and k[1] not in known})
        rows = []
        for item in [*items, *extra]:
            key = (paper, item)
            row = {"item": item, "numbered": item in known, "docs": where[key],
                   "checks": sorted(checks[key]), "why": why[key], "slug": None,
                   "note": (notes or {}).get(key, ""), "problems": []}
            if where[key]:
                slug, problem = combine_verdicts(slugs[key])
                row["slug"] = slug
                if problem:
                    row["problems"].append(problem)
                needs = slug in NOTE_REQUIRED or len(set(slugs[key])) > 1
                has = bool(row["note"]) if notes is not None else key in noted
                if needs and slug is not None and not has:
                    row["problems"].append(
                        f"needs a note: glue 'note-{paper}-{item}' in a verifying cell "
                        f"({'cells disagree' if len(set(slugs[key])) > 1 else VERDICTS[slug]})")
            rows.append(row)
        out[paper] = rows
    return out


def verdict_label(row: dict) -> str:
    if row["docs"]:
        return VERDICTS.get(row["slug"], "—")
    return NOT_CHECKABLE if row["why"] else "—"


def uncovered(rows: dict[str, list[dict]]) -> list[str]:
    """``paper:item`` of every numbered result with neither a check nor a reason."""
    return [f"{paper}:{row['item']}" for paper, entries in rows.items() for row in entries
            if not row["docs"] and not row["why"]]


def ledger_problems(rows: dict[str, list[dict]], scans: dict[str, dict]) -> list[str]:
    """Every reason the ledger is not publishable: a result with neither check nor reason, a
    verify item without verdict, conflicting verdicts, an unknown slug, a missing note."""
    out = [f"{key} has no verification cell and no not-checkable reason"
           for key in uncovered(rows)]
    out += [f"{paper}:{row['item']} {msg}" for paper, entries in rows.items()
            for row in entries for msg in row["problems"]]
    out += [msg for scan in scans.values() for msg in scan.get("problems", [])]
    return out


def _reason_cell(app: Sphinx, fromdoc: str, why: list[tuple[str, str]], titles: dict
                 ) -> nodes.Node:
    para = nodes.paragraph()
    for i, (doc, reason) in enumerate(why):
        if i:
            para += nodes.Text(" ")
        para += rich_paragraph(reason).children
        para += nodes.Text(" (")
        uri = app.builder.get_relative_uri(fromdoc, doc) + "#notes-errata"
        para += nodes.reference("", titles.get(doc, doc), refuri=uri, internal=True)
        para += nodes.Text(")")
    return para


def _full_build(app: Sphinx) -> bool:
    """A partial build (build_subset) cannot judge the book-wide rules."""
    on_disk = {str(p.relative_to(app.srcdir).with_suffix(""))
               for p in Path(app.srcdir, "book").rglob("*.ipynb")
               if ".ipynb_checkpoints" not in p.parts}
    return on_disk <= set(app.env.found_docs)


def _glue_folder(app: Sphinx) -> Path:
    from myst_nb.sphinx_ext import OUTPUT_FOLDER

    return Path(app.outdir).parent / OUTPUT_FOLDER


def _book_rows(app: Sphinx) -> tuple[dict[str, list[str]], dict[str, dict], dict]:
    catalog = json.loads((HERE / "numbered_results.json").read_text())
    scans = scan_notebooks(Path(app.srcdir), app.env.found_docs)
    notes = read_glue_notes(_glue_folder(app), sorted(scans))
    return catalog, scans, ledger_rows(catalog, scans, notes)


def summary_counts(rows: dict[str, list[dict]]) -> tuple[list[str], dict[str, dict[str, int]]]:
    """Columns (verdict labels in a fixed order) and, per paper and in all, the number of
    numbered results with each verdict."""
    columns = [*VERDICTS.values(), NOT_CHECKABLE, "—"]
    counts: dict[str, dict[str, int]] = {}
    for paper, entries in rows.items():
        counts[paper] = {c: 0 for c in columns}
        for row in entries:
            if row["numbered"]:
                counts[paper][verdict_label(row)] += 1
    counts["total"] = {c: sum(counts[p][c] for p in rows) for c in columns}
    return columns, counts


def build_ledger(app: Sphinx, fromdoc: str) -> list[nodes.Node]:
    _, scans, rows = _book_rows(app)
    titles = {d: s["title"] for d, s in scans.items()}
    if _full_build(app):
        for msg in ledger_problems(rows, scans):
            LOGGER.warning(f"verification ledger: {msg}", location=fromdoc)
    columns, counts = summary_counts(rows)
    summary_rows = [[PAPER_NAMES.get(p, p), *[str(c[k]) for k in columns],
                     str(sum(c.values()))] for p, c in counts.items() if p != "total"]
    summary_rows.append(["All papers", *[str(counts["total"][k]) for k in columns],
                         str(sum(counts["total"].values()))])
    out: list[nodes.Node] = [
        nodes.paragraph(text="Numbered results by verdict (\"—\": no verdict yet)."),
        _table(["Paper", *columns, "Total"], summary_rows, [3] + [1] * (len(columns) + 1))]
    for paper, entries in rows.items():
        table_rows = []
        for row in entries:
            label = _label(row["item"]) + ("" if row["numbered"] else " *")
            if row["docs"]:
                table_rows.append([
                    label, verdict_label(row), ", ".join(row["checks"]),
                    rich_paragraph(row["note"]) if row["note"] else "",
                    _links(app, fromdoc, row["docs"], "#verification", titles),
                    build_status(row["slug"], run_status(app, row["docs"]))])
            elif row["why"]:
                table_rows.append([label, NOT_CHECKABLE, "—",
                                   _reason_cell(app, fromdoc, row["why"], titles),
                                   _links(app, fromdoc, [d for d, _ in row["why"]],
                                          "#notes-errata", titles), NOT_CHECKABLE])
            else:
                table_rows.append([label, "—", "—", "", "no verification cell", "MISSING"])
        section = nodes.section(ids=[f"ledger-{paper}"])
        section += nodes.title(text=PAPER_NAMES[paper])
        section += _table(["Result", "Verdict", "Checks", "Note", "Verified in", "This build"],
                          table_rows, [2, 2, 2, 4, 4, 2])
        if any(not r["numbered"] for r in entries):
            section += nodes.paragraph(
                text="* equations, definitions and figures without a heading in the paper "
                     "text (not counted in the summary).")
        out.append(section)
    return out


def _label(item: str) -> str:
    """'lemma-A.5' -> 'Lemma A.5' (keep the appendix letter's case)."""
    kind, _, number = item.partition("-")
    return f"{kind.capitalize()} {number}"


def erratum_kind(text: str) -> str | None:
    """The kind named by the erratum's "Kind: ..." sentence when it names exactly one of
    :data:`KINDS` (and nothing like "vacuous"), else ``None``."""
    low = re.sub(r"[*_]", "", re.sub(r"\s+", " ", text.lower()))
    match = re.search(r"\bkind:\s*(.*?)(?:\.(?:\s|$)|$)", low)
    if not match:
        return None
    sentence = re.sub(r"\([^)]*\)", " ", match.group(1))  # "(typo-level)" is a comment
    named = [k for k in KINDS if re.search(rf"\b{k}s?\b", sentence)]
    if len(named) != 1 or "vacuous" in sentence:
        return None
    return named[0]


def _kind(text: str) -> str:
    """The erratum's kind for the index: one of :data:`KINDS`, else "see text"."""
    return erratum_kind(text) or "see text"


def paper_key(name: str) -> str | None:
    """'Zhang and Saab' / 'Zhang–Saab' / 'Deng et al.' -> the paper key, else ``None``."""
    first = re.split(r"[\s,–—-]+", name.strip().lower(), maxsplit=1)[0]
    return PAPER_KEYS.get(first)


def location_items(location: str) -> list[str]:
    """Item ids of the numbered results a Location names: 'Theorem 3.3 / A.12 and Algorithm
    3' -> ['theorem-3.3', 'theorem-A.12', 'algorithm-3']; a range names its two ends."""
    out = []
    for m in _LABELS.finditer(location):
        kind = _RESULT_KINDS[m.group("kind").lower()]
        for num in re.findall(_NUM, m.group("nums")):
            item = f"{kind}-{num}"
            if item not in out:
                out.append(item)
    return out


def normalise_location(location: str) -> str:
    text = plain_markup(location).lower().replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", re.sub(r"[^\w.\-/() ]", " ", text)).strip(" .")


def errata_entries(scans: dict[str, dict]) -> list[dict]:
    """Every erratum box: doc, title, paper name and key, location, body, kind, item ids."""
    out = []
    for doc, scan in scans.items():
        for title, body in scan["errata"]:
            paper, _, location = title.partition(",")
            out.append({"doc": doc, "title": title, "paper_name": paper.strip(),
                        "paper": paper_key(paper), "location": location.strip(),
                        "body": body, "kind": erratum_kind(body),
                        "items": location_items(location)})
    return out


def errata_problems(entries: list[dict], rows: dict[str, list[dict]] | None = None
                    ) -> list[str]:
    """The errata rules (issue 14 §2): known paper, a Location, exactly one kind; each error
    once; and, given the ledger rows, false-as-stated verdicts and errata name each other."""
    out = []
    seen: dict[tuple[str | None, str], str] = {}
    for e in entries:
        where = f"{e['doc']}: 'Erratum — {e['title']}'"
        if e["paper"] is None:
            out.append(f"{where}: unknown paper '{e['paper_name']}' "
                       "(Budzinskiy, Vodrahalli, Zhang–Saab, Deng)")
        if not e["location"]:
            out.append(f"{where}: the title needs 'Paper, Location'")
        if e["kind"] is None:
            out.append(f"{where}: its 'Kind:' sentence must name exactly one of "
                       f"{', '.join(KINDS)}")
        key = (e["paper"], normalise_location(e["location"]))
        if key in seen:
            out.append(f"{where}: the same error is also boxed in {seen[key]}; link to it")
        seen.setdefault(key, e["doc"])
    if rows is None:
        return out
    verdict = {(p, r["item"]): r["slug"] for p, entries_ in rows.items() for r in entries_
               if r["docs"]}
    refuted = {k for k, v in verdict.items() if v == "false-as-stated"}
    # Only an id a Location can name ("theorem-3.3", not "claim-taylor-scope" or "eq-5").
    nameable = re.compile(f"(?:{'|'.join(set(_RESULT_KINDS.values()))})-{_NUM}")
    named_false = {(e["paper"], item) for e in entries if e["kind"] == "false as stated"
                   for item in e["items"]}
    for paper, item in sorted(k for k in refuted - named_false if nameable.fullmatch(k[1])):
        out.append(f"{paper}:{item} has verdict false-as-stated but no 'false as stated' "
                   "erratum names it in its Location")
    for e in entries:
        if e["kind"] != "false as stated":
            continue
        known = [(e["paper"], i) for i in e["items"] if (e["paper"], i) in verdict]
        if known and not any(k in refuted for k in known):
            out.append(f"{e['doc']}: 'Erratum — {e['title']}' is 'false as stated' but "
                       f"{', '.join(f'{p}:{i}' for p, i in known)} has no false-as-stated "
                       "verdict")
    return out


def build_errata(app: Sphinx, fromdoc: str) -> list[nodes.Node]:
    _, scans, rows = _book_rows(app)
    titles = {d: s["title"] for d, s in scans.items()}
    entries = errata_entries(scans)
    if _full_build(app):
        for msg in errata_problems(entries, rows):
            LOGGER.warning(f"errata index: {msg}", location=fromdoc)
    table_rows = []
    for e in entries:
        table_rows.append([e["paper_name"], rich_paragraph(e["location"] or "—"),
                           rich_paragraph(e["body"], limit=400), e["kind"] or "see text",
                           _links(app, fromdoc, [e["doc"]], "#notes-errata", titles)])
    table_rows.sort(key=lambda r: (r[0], r[1].astext()))
    return [nodes.paragraph(text=f"{len(table_rows)} errata boxes in this build."),
            _table(["Source", "Location", "What is wrong (evidence in the chapter)", "Kind",
                    "Chapter"], table_rows, [2, 2, 8, 2, 3])]


def write_json_indexes(app: Sphinx, exception: Exception | None) -> None:
    """``ledger.json`` and ``errata.json`` at the root of the HTML output (``build-finished``)."""
    if exception is not None or app.builder.format != "html":
        return
    _, scans, rows = _book_rows(app)
    results = []
    for paper, entries in rows.items():
        for row in entries:
            docs = row["docs"] or [d for d, _ in row["why"]]
            anchor = "#verification" if row["docs"] else "#notes-errata"
            results.append({
                "paper": paper, "item": row["item"], "numbered": row["numbered"],
                "verdict": verdict_label(row), "note": row["note"] or (
                    " ".join(r for _, r in row["why"]) if not row["docs"] else ""),
                "checks": row["checks"],
                "pages": [app.builder.get_target_uri(d) + anchor for d in docs],
                "status": (build_status(row["slug"], run_status(app, row["docs"]))
                           if row["docs"] else NOT_CHECKABLE if row["why"] else "MISSING")})
    errata = [{"paper": e["paper"] or e["paper_name"], "location": e["location"],
               "kind": e["kind"] or "see text", "items": e["items"],
               "page": app.builder.get_target_uri(e["doc"]) + "#notes-errata"}
              for e in errata_entries(scans)]
    out = Path(app.outdir)
    (out / "ledger.json").write_text(json.dumps({"results": results}, indent=1,
                                                ensure_ascii=False))
    (out / "errata.json").write_text(json.dumps(errata, indent=1, ensure_ascii=False))


def build_report(app: Sphinx, fromdoc: str) -> list[nodes.Node]:
    scans = scan_notebooks(Path(app.srcdir), app.env.found_docs)
    data = getattr(app.env, "nb_metadata", {})
    libs = ["numpy", "scipy", "numba", "matplotlib", "ipywidgets", "jupyter-book", "sphinx",
            "myst-nb", "ipykernel", "threadpoolctl"]
    versions = [[name, metadata.version(name)] for name in libs]
    versions.insert(0, ["python", platform.python_version()])
    machine = [["platform", platform.platform()], ["processor", platform.machine()],
               ["cores", str(__import__("os").cpu_count())]]
    rows = []
    total = 0.0
    for doc, scan in scans.items():
        exec_data = data.get(doc, {}).get("exec_data") or {}
        runtime = exec_data.get("runtime")
        total += runtime or 0.0
        rows.append([_links(app, fromdoc, [doc], "", {doc: scan["title"]}),
                     str(scan["seed"]), "—" if runtime is None else f"{runtime:.1f}"])
    return [_table(["Library", "Version"], versions, [3, 2]),
            _table(["Machine", ""], machine, [2, 5]),
            nodes.paragraph(text=f"Notebook execution in this build: {total:.0f} s in all."),
            _table(["Chapter", "Seed", "Execution time (s)"], rows, [6, 1, 2])]


def build_sweeps(app: Sphinx, fromdoc: str) -> list[nodes.Node]:
    """The grids behind ``make reproduce``, read from ``lowrank_nb.sweep`` (never retyped)."""
    from lowrank_nb.sweep import FIGURE_GRIDS, grid_points

    rows = []
    for (fig, scale), parts in sorted(FIGURE_GRIDS.items()):
        for func, grid in parts:
            swept = ", ".join(f"{k} ∈ {{{', '.join(map(str, v))}}}" for k, v in grid.items()
                              if len(v) > 1)
            rows.append([f"Figure {fig}", scale, func.__name__, str(len(grid_points(grid))),
                         swept])
    return [_table(["Figure", "Scale", "Point function", "Points", "Swept parameters"], rows,
                   [2, 2, 3, 1, 8])]


BUILDERS = {ledger_placeholder: build_ledger, errata_placeholder: build_errata,
            report_placeholder: build_report, sweeps_placeholder: build_sweeps}


def on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for cls, build in BUILDERS.items():
        for node in list(doctree.findall(cls)):
            node.replace_self(build(app, docname))
    if any(doctree.findall(nodes.math)):
        # The math domain decided at read time, before these tables existed, whether the page
        # needs MathJax; the generated cells carry inline math, so tell it now.
        app.env.get_domain("math").data["has_equations"][docname] = True


def quoted_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{quoted}`...```: a value *not* computed in the chapter (printed in a paper, or an input
    the chapter fixes), so the prose-number rule (``tests/tools/prose_numbers.py``) lets it
    stand. Rendered as its text, with ``$...$`` spans as inline math."""
    node = nodes.inline(rawtext, classes=["lr-quoted"])
    for i, part in enumerate(re.split(r"\$([^$]+)\$", text)):
        if part:
            node += nodes.math(part, part) if i % 2 else nodes.Text(part)
    return [node], []


def setup(app: Sphinx) -> dict:
    app.add_role("quoted", quoted_role)
    for cls in BUILDERS:
        app.add_node(cls)
    app.add_directive("verification-ledger", _directive(ledger_placeholder))
    app.add_directive("errata-index", _directive(errata_placeholder))
    app.add_directive("execution-report", _directive(report_placeholder))
    app.add_directive("sweep-grids", _directive(sweeps_placeholder))
    app.connect("doctree-resolved", on_doctree_resolved)
    app.connect("build-finished", write_json_indexes)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
