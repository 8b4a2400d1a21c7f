"""The scale of every reproduced figure: paper grid against book grid, from the chapters' glue.

A chapter cell that reproduces a paper's figure (or an experiment with a stated grid) glues

    glue("scale-<paper>-<figure>", {"paper_points": 291, "paper_trials": 1000,
                                   "book_points": 291, "book_trials": 1000}, display=False)

with plain integers, or ``None`` where the paper states no grid or trial count. This extension
reads those values from myst-nb's ``<doc>.glue.json`` files after execution and

* fills the ``{reproduction-scale}`` directive with a table (one row per declaration), and
* writes ``_build/html/reproducibility.json``:
  ``{"notebooks": {"part5/toy_softmax_regression": seconds, ...}, "figures": [{"paper": ...,
  "figure": ..., "paper_points": ..., "paper_trials": ..., "book_points": ...,
  "book_trials": ..., "at_paper_scale": ..., "page": ...}, ...]}``.

Paper keys and figure ids are those of ``numbered_results.json``.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

from docutils import nodes

# The sibling extension's table and glue-folder helpers (book/_ext is on sys.path).
from lowrank_book import _glue_folder, _table
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

LOGGER = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
FIELDS = ("paper_points", "paper_trials", "book_points", "book_trials")
PAPERS = ("budzinskiy", "vodrahalli", "zhangsaab", "dengsong")


class scale_placeholder(nodes.General, nodes.Element):  # noqa: N801 (docutils convention)
    pass


class ScaleDirective(SphinxDirective):
    def run(self):
        return [scale_placeholder()]


def parse_scale(key: str, record: dict | str) -> dict | None:
    """One declaration from a glue record; ``None`` if the key is not a scale key."""
    if not key.startswith("scale-"):
        return None
    paper, _, figure = key[len("scale-"):].partition("-")
    if paper not in PAPERS or not figure:
        raise ValueError(f"{key}: expected scale-<paper>-<figure> with paper in {PAPERS}")
    text = record.get("data", {}).get("text/plain") if isinstance(record, dict) else record
    value = ast.literal_eval(text)
    if not isinstance(value, dict) or set(value) != set(FIELDS):
        raise ValueError(f"{key}: the value must be a dict with exactly the keys {FIELDS}")
    for field in FIELDS:
        v = value[field]
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 1):
            raise ValueError(f"{key}: {field} must be a positive int or None, got {v!r}")
    return {"paper": paper, "figure": figure, **value, "at_paper_scale": at_paper_scale(value)}


def at_paper_scale(value: dict) -> bool | None:
    """Book grid and trials at least the paper's; ``None`` where the paper states neither."""
    pairs = [(value["paper_points"], value["book_points"]),
             (value["paper_trials"], value["book_trials"])]
    stated = [(p, b) for p, b in pairs if p is not None]
    if not stated:
        return None
    return all(b is not None and b >= p for p, b in stated)


def read_scales(folder: Path, docnames: list[str]) -> list[dict]:
    """Every scale declaration of the executed notebooks, with the chapter it came from."""
    out = []
    for doc in sorted(docnames):
        path = folder.joinpath(*f"{doc}.glue.json".split("/"))
        if not path.exists():
            continue
        for key, record in json.loads(path.read_text()).items():
            scale = parse_scale(key, record)
            if scale is not None:
                out.append({**scale, "doc": doc})
    return sorted(out, key=lambda s: (s["paper"], s["figure"], s["doc"]))


def _cell(value) -> str:
    return "not stated" if value is None else f"{value:,}"


def build_table(app: Sphinx, fromdoc: str) -> list[nodes.Node]:
    scales = read_scales(_glue_folder(app), sorted(app.env.found_docs))
    rows = []
    for s in scales:
        verdict = {True: "yes", False: "no", None: "no stated grid"}[s["at_paper_scale"]]
        link = nodes.reference("", s["doc"], internal=True,
                               refuri=app.builder.get_relative_uri(fromdoc, s["doc"]))
        rows.append([s["paper"], s["figure"], *(_cell(s[f]) for f in FIELDS), verdict,
                     nodes.paragraph("", "", link)])
    below = sum(s["at_paper_scale"] is False for s in scales)
    summary = nodes.paragraph(text=f"{len(scales)} reproduced figures and experiments declare "
                                   f"their scale in this build; {below} run below the paper's "
                                   "stated grid or trial count.")
    return [summary, _table(["Paper", "Figure", "Paper points", "Paper trials", "Book points",
                             "Book trials", "At paper scale", "Chapter"], rows)]


def on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(scale_placeholder)):
        node.replace_self(build_table(app, docname))


def write_json(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    data = getattr(app.env, "nb_metadata", {})
    runtimes = {}
    for doc in sorted(app.env.found_docs):
        exec_data = data.get(doc, {}).get("exec_data") or {}
        if exec_data.get("runtime") is not None:
            runtimes[doc.removeprefix("book/")] = round(float(exec_data["runtime"]), 2)
    figures = [{k: v for k, v in s.items() if k != "doc"}
               | {"page": app.builder.get_target_uri(s["doc"])}
               for s in read_scales(_glue_folder(app), sorted(app.env.found_docs))]
    (Path(app.outdir) / "reproducibility.json").write_text(
        json.dumps({"notebooks": runtimes, "figures": figures}, indent=1))


def setup(app: Sphinx) -> dict:
    app.add_node(scale_placeholder)
    app.add_directive("reproduction-scale", ScaleDirective)
    app.connect("doctree-resolved", on_doctree_resolved)
    app.connect("build-finished", write_json)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
