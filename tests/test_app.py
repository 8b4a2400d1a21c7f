"""lowrank_nb.app: the app notebook of a chapter's Explore section (no server here).

The served page is checked in tests/app (headless Chromium, a live Voila server).
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from lowrank_nb import app
from lowrank_nb.app import (
    app_environment,
    available_chapters,
    build_app_notebook,
    main,
    resolve_chapter,
    voila_command,
    write_app,
)

CHAPTER = "part1/jl_maxnorm"


def _sections_of(path: Path) -> list[tuple[str | None, nbformat.NotebookNode]]:
    """(section, cell) for every cell of a chapter, the section being the last ## heading."""
    section, out = None, []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            heads = [ln[3:].strip() for ln in cell.source.splitlines() if ln.startswith("## ")]
            out.append((heads[0] if heads else section, cell))
            section = heads[-1] if heads else section
        else:
            out.append((section, cell))
    return out


def _toy_book(tmp_path: Path, cells: list[nbformat.NotebookNode]) -> Path:
    book = tmp_path / "book"
    (book / "part9").mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nbformat.write(nb, book / "part9" / "toy.ipynb")
    return book


def test_available_chapters_are_the_book_notebooks() -> None:
    chapters = available_chapters()
    assert CHAPTER in chapters
    assert chapters == sorted(chapters)
    assert all((app.BOOK / f"{c}.ipynb").is_file() for c in chapters)


@pytest.mark.parametrize("spelling", [CHAPTER, f"book/{CHAPTER}", f"{CHAPTER}.ipynb",
                                      f"book/{CHAPTER}.ipynb", f"./book/{CHAPTER}.ipynb"])
def test_resolve_chapter_spellings(spelling: str) -> None:
    assert resolve_chapter(spelling) == app.BOOK / "part1" / "jl_maxnorm.ipynb"


@pytest.mark.parametrize("bad", ["part1/nope", "jl_maxnorm", "", "part1/jl_maxnorm.py",
                                 "../part1/jl_maxnorm"])
def test_resolve_chapter_bad_name_lists_allowed(bad: str) -> None:
    with pytest.raises(ValueError, match="chapter must be one of") as err:
        resolve_chapter(bad)
    assert CHAPTER in str(err.value)


def test_resolve_chapter_bad_type() -> None:
    with pytest.raises(TypeError, match="chapter must be a string"):
        resolve_chapter(3)  # type: ignore[arg-type]


@pytest.mark.parametrize("chapter", [CHAPTER, "part4/theorem49", "part3/spectral_vs_function"])
def test_app_notebook_structure(chapter: str) -> None:
    src = app.BOOK / f"{chapter}.ipynb"
    nb = build_app_notebook(chapter)
    nbformat.validate(nb)
    sections = _sections_of(src)
    title_cell = nb.cells[0]
    assert title_cell.cell_type == "markdown"
    assert title_cell.source.startswith("# ") and "Live app" in title_cell.source
    first_md = next(c for c in nbformat.read(src, as_version=4).cells if c.cell_type == "markdown")
    title = next(ln for ln in first_md.source.splitlines() if ln.startswith("# "))
    assert title_cell.source.splitlines()[0] == title

    explore_at = next(i for i, (s, _) in enumerate(sections) if s == "Explore")
    earlier = [c.source for _, c in sections[:explore_at]
               if c.cell_type == "code" and c.source.strip()]
    explore_code = [c.source for s, c in sections if s == "Explore" and c.cell_type == "code"]
    assert "_LR_GLUED = {}" in nb.cells[1].source  # the glue recorder runs first
    hidden = [c.source for c in nb.cells[2:] if c.source.startswith("%%capture\n")]
    assert hidden == ["%%capture\n" + s for s in earlier]
    shown_code = [c.source for c in nb.cells if c.cell_type == "code"
                  and not c.source.startswith("%%capture") and "render_glue(" not in c.source]
    assert shown_code == explore_code and explore_code
    md = [c.source for c in nb.cells[1:] if c.cell_type == "markdown"]
    assert md[0].startswith("## Explore")
    text = "\n".join(md)
    for other in ("## Overview", "## Setup", "## Statement", "## Derivation", "## Verification",
                  "## Notes & errata", "Erratum"):
        assert other not in text
    # order: title, silenced code, then the Explore section
    kinds = ["hidden" if c.source.startswith("%%capture") else c.cell_type for c in nb.cells[1:]]
    assert kinds == sorted(kinds, key=lambda k: k != "hidden")


def test_heading_in_the_middle_of_a_cell(tmp_path: Path) -> None:
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    book = _toy_book(tmp_path, [
        md("(p9-toy)=\n# Toy chapter\n\n## Overview\ntext"),
        code("x = 1"),
        md("## Verification\nchecked {cite:t}`doe2020` and {doc}`the other <../part1/gamma2>`"
           "\n\n## Explore\nMove $x$, see {ref}`p9-toy`."),
        code("y = x + 1"),
        md("More explore prose\n\n## Notes & errata\nnotes"),
        code("z = 3"),
    ])
    nb = build_app_notebook("part9/toy", book)
    sources = [c.source for c in nb.cells]
    assert sources[0].startswith("# Toy chapter\n")
    assert sources[2:] == ["%%capture\nx = 1", "## Explore\nMove $x$, see p9-toy.", "y = x + 1",
                           "More explore prose"]


def test_demyst_roles() -> None:
    assert app._demyst("see {cite:t}`doe2020`, {doc}`Gamma <../part1/gamma2>`, "
                       "{ref}`p1-x` and {math}`x`") == "see [doe2020], Gamma, p1-x and x"


def test_chapter_without_explore_or_without_code(tmp_path: Path) -> None:
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    book = _toy_book(tmp_path, [md("# T\n## Setup"), code("x = 1"), md("## Notes & errata")])
    with pytest.raises(ValueError, match="no '## Explore' section"):
        build_app_notebook("part9/toy", book)
    book = _toy_book(tmp_path / "b", [md("# T\n## Explore\nprose"), md("## Notes & errata"),
                                      code("x = 1")])
    with pytest.raises(ValueError, match="no code cell"):
        build_app_notebook("part9/toy", book)


def test_write_app_files(tmp_path: Path) -> None:
    target = write_app(f"book/{CHAPTER}.ipynb", tmp_path / "out")
    assert target == tmp_path / "out" / "jl_maxnorm.ipynb"
    assert nbformat.read(target, as_version=4).cells == build_app_notebook(CHAPTER).cells
    template = tmp_path / "out" / "jupyter" / "voila" / "templates" / app.TEMPLATE
    assert json.loads((template / "conf.json").read_text()) == {"base_template": "lab"}
    index = (template / "index.html.j2").read_text()
    assert index.startswith("{%- extends 'lab/index.html.j2' -%}")
    assert "cdn.jsdelivr.net" in index and "html_head_js_mermaidjs" in index
    with pytest.raises(TypeError, match="out must be a path"):
        write_app(CHAPTER, 5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="chapter must be one of"):
        write_app("part1/missing", tmp_path / "out2")
    assert not (tmp_path / "out2").exists()


def test_voila_command() -> None:
    cmd = voila_command("/x/app.ipynb", 9001)
    assert Path(cmd[0]).name == "voila" and cmd[1] == "/x/app.ipynb"
    assert {"--no-browser", "--Voila.ip=127.0.0.1", "--Voila.port=9001",
            "--Voila.port_retries=0", f"--template={app.TEMPLATE}"} <= set(cmd)
    with pytest.raises(ValueError, match=r"port must lie in \[1, 65535\]"):
        voila_command("/x/app.ipynb", 70000)
    with pytest.raises(TypeError, match="port must be an integer"):
        voila_command("/x/app.ipynb", "8866")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="notebook must be a path"):
        voila_command(None)  # type: ignore[arg-type]


def test_app_environment(tmp_path: Path) -> None:
    env = app_environment(tmp_path, {"LOWRANK_NB_PRECOMPUTE": "1", "JUPYTER_PATH": "/a",
                                     "OMP_NUM_THREADS": "2"})
    assert "LOWRANK_NB_PRECOMPUTE" not in env
    assert env["JUPYTER_PATH"].split(":") == [str(tmp_path.resolve() / "jupyter"), "/a"]
    assert env["OPENBLAS_NUM_THREADS"] == "1" and env["OMP_NUM_THREADS"] == "2"
    assert app_environment(tmp_path, {})["JUPYTER_PATH"] == str(tmp_path.resolve() / "jupyter")
    with pytest.raises(TypeError, match="out must be a path"):
        app_environment(None)  # type: ignore[arg-type]


def test_cli_writes_and_rejects(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([CHAPTER, "--out", str(tmp_path)]) == 0
    assert (tmp_path / "jl_maxnorm.ipynb").is_file()
    assert "jl_maxnorm.ipynb" in capsys.readouterr().out
    with pytest.raises(SystemExit) as err:
        main(["part1/nope", "--out", str(tmp_path)])
    assert err.value.code == 2
    assert "chapter must be one of" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([CHAPTER, "--out", str(tmp_path), "--port", "0"])
    assert "port must lie in" in capsys.readouterr().err
