"""Build-time pages of the book: verification ledger, errata index, reproducibility report.

All three are generated from the chapter notebooks themselves (cell tags, errata admonitions,
the Setup cell's seed) and from this build's execution records, never from a hand-kept list:

* ``{verification-ledger}``: one row per numbered result of the four papers
  (``numbered_results.json``, extracted from the paper texts by ``tests/tools/paper_catalog.py``),
  with links to the chapters whose cells carry ``verify:<paper>:<item>`` tags, the kind of check
  (``check:<type>`` tags) and whether those notebooks executed in this build. A result that
  cannot be checked here is named by a ``not-checkable:<paper>:<item>`` tag on a markdown cell
  whose text gives the reason. A result with neither is a Sphinx warning, so ``-W`` fails the
  build;
* ``{errata-index}``: every ``Erratum — <paper>, <location>`` admonition, with a link;
* ``{execution-report}``: library versions, the machine, and each notebook's seed and runtime;
* ``{sweep-grids}``: the grids of the paper-scale reproductions (``lowrank_nb.sweep``).

Directives leave placeholders that are filled in ``doctree-resolved``, after every notebook has
been executed.
"""

from __future__ import annotations

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
ERRATUM = re.compile(
    r":::\{admonition\}\s*Erratum\s*[—–-]+\s*(?P<title>[^\n]+)\n(?P<body>.*?)\n:::", re.S)
KINDS = ("false as stated", "vacuous", "gap", "typo")


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


def scan_notebooks(srcdir: Path, docnames: set[str]) -> dict[str, dict]:
    """Per notebook docname: verify tags by item, check types, not-checkable reasons, errata,
    seed and title."""
    out = {}
    for doc in sorted(docnames):
        path = srcdir / f"{doc}.ipynb"
        if not path.exists():
            continue
        nb = json.loads(path.read_text())
        verified: dict[tuple[str, str], set[str]] = defaultdict(set)
        uncheckable: dict[tuple[str, str], str] = {}
        errata = []
        seed = None
        for cell in nb["cells"]:
            text = _source(cell)
            tags = cell.get("metadata", {}).get("tags", [])
            if cell["cell_type"] == "code":
                checks = {t.split(":", 1)[1] for t in tags if t.startswith("check:")}
                for key in ledger_tags(tags, "verify"):
                    verified[key] |= checks or {"unspecified"}
                match = re.search(r"setup_notebook\(\s*(?:seed\s*=\s*)?(\d+)", text)
                seed = seed if match is None else int(match.group(1))
            else:
                for key in ledger_tags(tags, "not-checkable"):
                    uncheckable[key] = _reason(text)
                for m in ERRATUM.finditer(text):
                    body = re.sub(r"^:class:.*$", "", m.group("body"), flags=re.M).strip()
                    errata.append((m.group("title").strip(), body))
        title = next((line[2:] for c in nb["cells"] if c["cell_type"] == "markdown"
                      for line in _source(c).splitlines() if line.startswith("# ")), doc)
        out[doc] = {"verified": verified, "uncheckable": uncheckable, "errata": errata,
                    "seed": seed, "title": title}
    return out


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


def _status(app: Sphinx, docs: list[str]) -> str:
    data = getattr(app.env, "nb_metadata", {})
    results = [data.get(d, {}).get("exec_data") for d in docs]
    if any(r is None for r in results):
        return "not executed in this build"
    return "passed" if all(r["succeeded"] for r in results) else "FAILED"


def ledger_rows(catalog: dict[str, list[str]], scans: dict[str, dict]) -> dict[str, list[dict]]:
    """One entry per numbered result: where it is verified (or why it cannot be), by paper."""
    where: dict[tuple[str, str], list[str]] = defaultdict(list)
    checks: dict[tuple[str, str], set[str]] = defaultdict(set)
    why: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for doc, scan in scans.items():
        for key, kinds in scan["verified"].items():
            where[key].append(doc)
            checks[key] |= kinds
        for key, reason in scan.get("uncheckable", {}).items():
            why[key].append((doc, reason))
    out: dict[str, list[dict]] = {}
    for paper, items in catalog.items():
        out[paper] = [{"item": item, "docs": where[paper, item],
                       "checks": sorted(checks[paper, item]), "why": why[paper, item]}
                      for item in items]
    return out


def uncovered(rows: dict[str, list[dict]]) -> list[str]:
    """``paper:item`` of every numbered result with neither a check nor a reason."""
    return [f"{paper}:{row['item']}" for paper, entries in rows.items() for row in entries
            if not row["docs"] and not row["why"]]


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


def build_ledger(app: Sphinx, fromdoc: str) -> list[nodes.Node]:
    catalog = json.loads((HERE / "numbered_results.json").read_text())
    scans = scan_notebooks(Path(app.srcdir), app.env.found_docs)
    titles = {d: s["title"] for d, s in scans.items()}
    rows = ledger_rows(catalog, scans)
    on_disk = {str(p.relative_to(app.srcdir).with_suffix(""))
               for p in Path(app.srcdir, "book").rglob("*.ipynb")
               if ".ipynb_checkpoints" not in p.parts}
    if on_disk <= set(app.env.found_docs):  # a partial build (build_subset) cannot judge
        for key in uncovered(rows):
            LOGGER.warning(f"verification ledger: {key} has no verification cell and no "
                           "not-checkable reason", location=fromdoc)
    out: list[nodes.Node] = []
    counts = {"verified": 0, "not checkable": 0, "missing": 0}
    for paper, entries in rows.items():
        table_rows = []
        for row in entries:
            label = _label(row["item"])
            if row["docs"]:
                counts["verified"] += 1
                table_rows.append([label, ", ".join(row["checks"]),
                                   _links(app, fromdoc, row["docs"], "#verification", titles),
                                   _status(app, row["docs"])])
            elif row["why"]:
                counts["not checkable"] += 1
                table_rows.append([label, "not checkable",
                                   _reason_cell(app, fromdoc, row["why"], titles),
                                   "not checkable"])
            else:
                counts["missing"] += 1
                table_rows.append([label, "—", "no verification cell", "MISSING"])
        known = set(catalog[paper])
        extra = sorted({k[1] for scan in scans.values() for k in scan["verified"]
                        if k[0] == paper and k[1] not in known})
        section = nodes.section(ids=[f"ledger-{paper}"])
        section += nodes.title(text=PAPER_NAMES[paper])
        section += _table(["Result", "Kind of check", "Verified in", "This build"], table_rows,
                          [2, 2, 5, 2])
        if extra:
            section += nodes.paragraph(
                text="Also verified (equations, definitions and figures without a heading in "
                     "the paper text): " + ", ".join(extra) + ".")
        out.append(section)
    total = sum(counts.values())
    summary = nodes.paragraph(
        text=f"{total} numbered results: {counts['verified']} with a verification cell in this "
             f"build, {counts['not checkable']} not checkable here (with the reason), "
             f"{counts['missing']} missing.")
    return [summary, *out]


def _label(item: str) -> str:
    """'lemma-A.5' -> 'Lemma A.5' (keep the appendix letter's case)."""
    kind, _, number = item.partition("-")
    return f"{kind.capitalize()} {number}"


def _kind(text: str) -> str:
    """The erratum's kind, one of :data:`KINDS`: read from its "Kind: ..." sentence when there
    is one (the earliest kind named there wins), else from the whole text."""
    low = re.sub(r"\s+", " ", text.lower())
    match = re.search(r"kind:\**\s*([^.]*)", low)
    for scope in ([match.group(1)] if match else []) + [low]:
        found = sorted((scope.find(k), k) for k in KINDS if k in scope)
        if found:
            kind = found[0][1]
            return "vacuous at practical sizes" if kind == "vacuous" else kind
    return "see text"


def build_errata(app: Sphinx, fromdoc: str) -> list[nodes.Node]:
    scans = scan_notebooks(Path(app.srcdir), app.env.found_docs)
    titles = {d: s["title"] for d, s in scans.items()}
    rows = []
    for doc, scan in scans.items():
        for title, body in scan["errata"]:
            paper, _, location = title.partition(",")
            rows.append([paper.strip(), rich_paragraph(location.strip() or "—"),
                         rich_paragraph(body, limit=400), _kind(body),
                         _links(app, fromdoc, [doc], "#notes-errata", titles)])
    rows.sort(key=lambda r: (r[0], r[1].astext()))
    return [nodes.paragraph(text=f"{len(rows)} errata boxes in this build."),
            _table(["Source", "Location", "What is wrong (evidence in the chapter)", "Kind",
                    "Chapter"], rows, [2, 2, 8, 2, 3])]


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
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
