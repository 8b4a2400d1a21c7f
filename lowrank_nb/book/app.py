"""A chapter's Explore section as a standalone live page (Voilà): ``make app CHAPTER=...``.

Every chapter follows the skeleton Overview, Setup, Statement, Derivation, Verification,
Explore, Notes & errata. The Explore code may use names defined earlier, so the app notebook
keeps every earlier code cell but silences it (``%%capture`` as its first line), drops the
earlier prose, and then shows the Explore section's markdown and code cells. Voilà runs it in
a live kernel and shows only the outputs: the sliders and the figure, recomputed on every
slider move (``LOWRANK_NB_PRECOMPUTE`` is removed from the server's environment).

The page makes no request to any host but the server's: Voilà's ``lab`` template links
Font Awesome from a CDN, so the app uses a small template (written next to the notebook)
that drops every CDN line of that block. MathJax and the widget runtime ship with Voilà.

Usage::

    python -m lowrank_nb.book.app part1/jl_maxnorm --out _build/app            # write the app only
    python -m lowrank_nb.book.app part1/jl_maxnorm --out _build/app --serve --port 8866
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import nbformat

from lowrank_nb.core.validate import check_int

__all__ = [
    "BOOK",
    "TEMPLATE",
    "app_environment",
    "available_chapters",
    "build_app_notebook",
    "main",
    "render_glue",
    "resolve_chapter",
    "voila_command",
    "write_app",
]

BOOK = Path(os.environ.get("LOWRANK_NB_ROOT", Path.cwd())).resolve() / "book"
TEMPLATE = "lowrank-app"
EXPLORE = "Explore"
_HEADING = re.compile(r"^## +(.+?)\s*$")
_TITLE = re.compile(r"^# +(.+?)\s*$", re.M)
_ROLE = re.compile(r"\{([a-z:]+)\}`([^`]*)`")

# Voilà's lab template with two changes, so that the page asks no other host for anything:
# its notebook_css block links Font Awesome from cdn.jsdelivr.net (keep every other line of
# that block), and nbconvert's mermaid loader would import mermaid from cdnjs.cloudflare.com
# if a page had diagrams (the apps have none: drop it).
_INDEX_J2 = """{%- extends 'lab/index.html.j2' -%}
{%- block notebook_css -%}
{%- for line in super().split('\\n') if 'cdn.jsdelivr.net' not in line %}
{{ line }}
{%- endfor %}
{%- endblock notebook_css -%}
{%- block html_head_js_mermaidjs -%}
{%- endblock html_head_js_mermaidjs -%}
"""
_CONF = {"base_template": "lab"}


def available_chapters(book: Path = BOOK) -> list[str]:
    """Chapters an app can be made of, as ``partN/name`` (sorted).

    References
    ----------
    Project issue #8 ("Live use beyond Jupyter"); the chapter skeleton enforced by
    ``tests/test_notebooks_static.py``.
    """
    return sorted(f"{p.parent.name}/{p.stem}" for p in book.glob("part*/*.ipynb"))


def resolve_chapter(chapter: str, book: Path = BOOK) -> Path:
    """Return the notebook path of ``chapter``.

    Parameters
    ----------
    chapter : str
        ``part1/jl_maxnorm``, ``book/part1/jl_maxnorm`` or either with ``.ipynb``.
    book : Path
        The book's source folder (default: the repository's ``book/``).

    Raises
    ------
    TypeError
        If ``chapter`` is not a string.
    ValueError
        If it names no chapter; the message lists the allowed values.

    References
    ----------
    Project issue #8 ("Live use beyond Jupyter").
    """
    if not isinstance(chapter, str):
        raise TypeError(f"chapter must be a string like 'part1/jl_maxnorm', "
                        f"got {type(chapter).__name__}")
    name = chapter.strip().replace("\\", "/").removeprefix("./").removeprefix("book/")
    name = name.removesuffix(".ipynb")
    allowed = available_chapters(book)
    if name not in allowed:
        raise ValueError(f"chapter must be one of {allowed} (optionally prefixed by 'book/' "
                         f"or suffixed by '.ipynb'), got {chapter!r}")
    return book / f"{name}.ipynb"


_GLUE_ROLE = re.compile(r"\{glue(?::text)?\}`([^`:]+)(?::([^`]*))?`")
# Runs first in the app kernel: every value the chapter glues is also kept in _LR_GLUED, so the
# Explore prose can show it (the Jupyter renderer knows no glue roles).
_GLUE_RECORDER = """%%capture
import myst_nb as _lr_myst_nb

_LR_GLUED = {}
_lr_glue = _lr_myst_nb.glue


def _lr_record(name, variable, display=True):
    _LR_GLUED[name] = variable
    return _lr_glue(name, variable, display)


_lr_myst_nb.glue = _lr_record
"""


def render_glue(text: str, values: dict[str, object]) -> str:
    """Replace ``{glue:text}`key:fmt``` roles by the glued values, formatted.

    Parameters
    ----------
    text : str
        Markdown with myst-nb glue roles.
    values : dict
        Glued values by key (a key missing there raises ``KeyError`` naming it).

    Returns
    -------
    str

    References
    ----------
    myst-nb documentation, "Glue variables into your pages" (the ``glue:text`` role).
    """
    def value(match: re.Match[str]) -> str:
        key, spec = match.group(1), match.group(2) or ""
        if key not in values:
            raise KeyError(f"no value glued under {key!r}")
        return format(values[key], spec)

    return _GLUE_ROLE.sub(value, text)


def _explore_markdown(text: str) -> nbformat.NotebookNode:
    """A markdown cell, or, if it has glue roles, a code cell that renders it with the values."""
    if not _GLUE_ROLE.search(text):
        return nbformat.v4.new_markdown_cell(_demyst(text))
    protected = _GLUE_ROLE.sub(lambda m: "\0" + m.group(0)[1:], text)
    template = _demyst(protected).replace("\0", "{")
    cell = nbformat.v4.new_code_cell(
        "from IPython.display import Markdown, display\n\n"
        "from lowrank_nb.book.app import render_glue\n\n"
        f"display(Markdown(render_glue({template!r}, _LR_GLUED)))")
    cell.metadata["tags"] = ["hide-input"]
    return cell


def _demyst(text: str) -> str:
    """MyST roles the Jupyter renderer does not know: keep their text, drop link targets."""

    def plain(match: re.Match[str]) -> str:
        role, body = match.groups()
        body = re.sub(r"\s*<[^>]*>\s*$", "", body).strip()
        return f"[{body}]" if role.startswith("cite") else body

    return _ROLE.sub(plain, text)


def _sections(source: str, current: str | None) -> list[tuple[str | None, str]]:
    """Split a markdown cell at its ``##`` headings: ``[(section, text), ...]``."""
    parts: list[tuple[str | None, list[str]]] = [(current, [])]
    for line in source.splitlines():
        heading = _HEADING.match(line)
        if heading:
            parts.append((heading.group(1), []))
        parts[-1][1].append(line)
    return [(sec, "\n".join(lines).strip("\n")) for sec, lines in parts if lines]


def build_app_notebook(chapter: str, book: Path = BOOK) -> nbformat.NotebookNode:
    """The app notebook of ``chapter``: title, a note, silenced earlier code, the Explore section.

    Parameters
    ----------
    chapter : str
        As for :func:`resolve_chapter`.
    book : Path
        The book's source folder.

    Returns
    -------
    nbformat.NotebookNode
        Cells: the chapter title and a one-line note (markdown); every code cell before
        ``## Explore`` with ``%%capture`` prepended; the Explore markdown and code cells.

    Raises
    ------
    ValueError
        If the chapter has no ``## Explore`` section or no code in it.

    References
    ----------
    Project issue #8 ("Live use beyond Jupyter"); the chapter skeleton Overview, Setup,
    Statement, Derivation, Verification, Explore, Notes & errata.
    """
    path = resolve_chapter(chapter, book)
    src = nbformat.read(path, as_version=4)
    rel = f"{path.parent.name}/{path.stem}"
    title = rel
    for cell in src.cells:
        if cell.cell_type == "markdown":
            found = _TITLE.search(cell.source)
            if found:
                title = found.group(1)
                break

    section: str | None = None
    seen_explore = False
    hidden: list[nbformat.NotebookNode] = []
    shown: list[nbformat.NotebookNode] = []
    for cell in src.cells:
        if cell.cell_type == "markdown":
            for sec, text in _sections(cell.source, section):
                section = sec
                seen_explore |= sec == EXPLORE
                if sec == EXPLORE and text.strip():
                    shown.append(_explore_markdown(text))
        elif cell.cell_type == "code":
            if section == EXPLORE:
                shown.append(nbformat.v4.new_code_cell(cell.source))
            elif not seen_explore and cell.source.strip():
                hidden.append(nbformat.v4.new_code_cell("%%capture\n" + cell.source))
    if not seen_explore:
        raise ValueError(f"chapter {rel!r} has no '## {EXPLORE}' section")
    if not any(c.cell_type == "code" for c in shown):
        raise ValueError(f"chapter {rel!r} has no code cell in its '## {EXPLORE}' section")

    note = (f"*Live app of the Explore section of `book/{rel}.ipynb`: the chapter's earlier "
            f"cells ran silently in this kernel, and every slider move recomputes the figure "
            f"here. The derivations, proofs and checks are in the book chapter.*")
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                  "language": "python"},
                   "language_info": {"name": "python"}}
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\n{note}"),
                nbformat.v4.new_code_cell(_GLUE_RECORDER), *hidden, *shown]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"app-{i}"
    nbformat.validate(nb)
    return nb


def write_app(chapter: str, out: str | os.PathLike[str], book: Path = BOOK) -> Path:
    """Write the app notebook of ``chapter`` and the Voilà template into ``out``.

    Files: ``out/<name>.ipynb`` and ``out/jupyter/voila/templates/lowrank-app/``
    (``conf.json``, ``index.html.j2``); pass ``out/jupyter`` on ``JUPYTER_PATH``
    (:func:`app_environment` does).

    Returns
    -------
    Path
        The app notebook.

    References
    ----------
    Project issue #8 ("Live use beyond Jupyter"); Voilà's custom templates
    (``<data dir>/voila/templates/<name>/conf.json`` with ``base_template``).
    """
    if not isinstance(out, (str, os.PathLike)):
        raise TypeError(f"out must be a path, got {type(out).__name__}")
    nb = build_app_notebook(chapter, book)
    out = Path(out)
    template = out / "jupyter" / "voila" / "templates" / TEMPLATE
    template.mkdir(parents=True, exist_ok=True)
    (template / "conf.json").write_text(json.dumps(_CONF, indent=1) + "\n")
    (template / "index.html.j2").write_text(_INDEX_J2)
    target = out / f"{resolve_chapter(chapter, book).stem}.ipynb"
    nbformat.write(nb, target)
    return target


def voila_command(notebook: str | os.PathLike[str], port: int = 8866) -> list[str]:
    """The Voilà command line serving ``notebook`` on ``127.0.0.1:port``, no browser.

    Parameters
    ----------
    notebook : path
        An app notebook written by :func:`write_app`.
    port : int in [1, 65535]
        Exactly this port (no retries on a busy port: the printed URL is the real one).

    References
    ----------
    Voilà 0.5 command-line options (``voila --help-all``).
    """
    if not isinstance(notebook, (str, os.PathLike)):
        raise TypeError(f"notebook must be a path, got {type(notebook).__name__}")
    port = check_int(port, "port", minimum=1, maximum=65535)
    voila = Path(sys.executable).with_name("voila")
    return [str(voila) if voila.exists() else "voila", str(notebook),
            "--no-browser", "--Voila.ip=127.0.0.1", f"--Voila.port={port}",
            "--Voila.port_retries=0", f"--template={TEMPLATE}", "--theme=light",
            "--VoilaConfiguration.show_tracebacks=True"]


def app_environment(out: str | os.PathLike[str],
                    base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment of the Voilà server: template on ``JUPYTER_PATH``, live widgets, one thread.

    ``LOWRANK_NB_PRECOMPUTE`` is removed (the kernel must recompute on every slider move);
    the BLAS/OpenMP thread counts default to 1.

    References
    ----------
    Project issue #8; :mod:`lowrank_nb.book.explorer` (``LOWRANK_NB_PRECOMPUTE``).
    """
    if not isinstance(out, (str, os.PathLike)):
        raise TypeError(f"out must be a path, got {type(out).__name__}")
    env = dict(os.environ if base is None else base)
    env.pop("LOWRANK_NB_PRECOMPUTE", None)
    data = str(Path(out).resolve() / "jupyter")
    env["JUPYTER_PATH"] = os.pathsep.join([data, *filter(None, [env.get("JUPYTER_PATH")])])
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    return env


def main(argv: Sequence[str] | None = None) -> int:
    """Write a chapter's app notebook; with ``--serve``, serve it with Voilà on 127.0.0.1."""
    parser = argparse.ArgumentParser(
        prog="python -m lowrank_nb.book.app",
        description="A chapter's Explore widgets as a standalone live page (Voila).")
    parser.add_argument("chapter", help="e.g. part1/jl_maxnorm (or book/part1/jl_maxnorm.ipynb)")
    parser.add_argument("--out", default="_build/app", help="output folder (default _build/app)")
    parser.add_argument("--serve", action="store_true", help="serve the app with Voila")
    parser.add_argument("--port", type=int, default=8866, help="port on 127.0.0.1 (default 8866)")
    args = parser.parse_args(argv)
    try:
        notebook = write_app(args.chapter, args.out)
        command = voila_command(notebook, args.port)
    except (TypeError, ValueError) as err:
        parser.error(str(err))
    print(f"app notebook: {notebook}", flush=True)
    if not args.serve:
        return 0
    print(f"Serving the Explore section of {args.chapter} at http://127.0.0.1:{args.port}/ "
          f"(the first load runs the chapter; Ctrl-C stops the server)", flush=True)
    os.execve(command[0] if os.path.isabs(command[0]) else _which(command[0]),
              command, app_environment(args.out))
    return 0  # pragma: no cover  (execve does not return)


def _which(name: str) -> str:
    import shutil

    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: run `make env` (requirements.txt pins voila)")
    return found


if __name__ == "__main__":
    sys.exit(main())
