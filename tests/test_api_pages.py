"""The API reference (book/api/) documents every public module of the layered package."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _layered_modules() -> set[str]:
    out = set()
    for layer in ("core", "papers", "book"):
        for path in (ROOT / "lowrank_nb" / layer).rglob("*.py"):
            rel = path.relative_to(ROOT).with_suffix("")
            if path.name == "__init__.py" or any(p.startswith("_") for p in rel.parts[1:]):
                continue
            out.add(".".join(rel.parts))
    return out


def test_every_module_has_an_api_entry() -> None:
    pages = "".join(p.read_text() for p in (ROOT / "book" / "api").glob("*.md"))
    documented = set(re.findall(r"\.\. automodule:: ([\w.]+)", pages))
    missing = _layered_modules() - documented
    assert not missing, f"add these modules to a page in book/api/: {sorted(missing)}"
    assert documented <= _layered_modules() | {"lowrank_nb.papers.views"}


def test_api_pages_are_in_the_table_of_contents() -> None:
    toc = (ROOT / "_toc.yml").read_text()
    for page in (ROOT / "book" / "api").glob("*.md"):
        assert f"book/api/{page.stem}" in toc, page.name
