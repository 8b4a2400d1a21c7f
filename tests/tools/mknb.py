"""Turn a percent-format script into a chapter notebook without outputs.

Usage: python tests/tools/mknb.py SOURCE.py book/<part>/<chapter>.ipynb

Cells start with ``# %%`` (code) or ``# %% [markdown]`` (markdown; every line of the cell
starts with ``# ``). A code cell whose first line is ``# tags: a, b`` gets those cell tags
(for example ``hide-input`` or ``remove-input``). Authors edit the script and regenerate; only
the notebook is committed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat


def _strip_comment(line: str) -> str:
    if line.startswith("# "):
        return line[2:]
    return line[1:] if line.startswith("#") else line


def convert(text: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    chunks = re.split(r"^# %%(.*)$", text, flags=re.M)
    for header, body in zip(chunks[1::2], chunks[2::2]):
        lines = body.strip("\n").splitlines()
        if "[markdown]" in header:
            cell = nbformat.v4.new_markdown_cell("\n".join(_strip_comment(x) for x in lines))
        else:
            tags: list[str] = []
            if lines and lines[0].startswith("# tags:"):
                tags = [t.strip() for t in lines[0][len("# tags:"):].split(",") if t.strip()]
                lines = lines[1:]
            cell = nbformat.v4.new_code_cell("\n".join(lines).strip("\n"))
            if tags:
                cell.metadata["tags"] = tags
        nb.cells.append(cell)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    return nb


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__)
        return 2
    nb = convert(Path(argv[1]).read_text())
    nbformat.validate(nb)
    nbformat.write(nb, argv[2])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
