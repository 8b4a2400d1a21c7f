"""API reference support: each documented function links to the chapters that call it.

The chapters' code cells are read (not executed) for ``from lowrank_nb... import name`` lines;
each imported object is resolved to its home module, so an import through an old flat path
(``lowrank_nb.relu``) counts for the function documented under its new home.
"""

from __future__ import annotations

import ast
import importlib
import json
from collections import defaultdict
from pathlib import Path

from sphinx.application import Sphinx

USES: dict[tuple[str, str], set[str]] = defaultdict(set)


def _key(obj: object) -> tuple[str, str] | None:
    module, name = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    return (module, name) if module and name else None


def chapter_imports(source: str) -> list[tuple[str, str]]:
    """``(module, name)`` for every ``from lowrank_nb... import name`` in a code cell."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # a cell with IPython magics: no package imports to find there
        return []
    return [(node.module, alias.name) for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lowrank_nb")
            for alias in node.names]


def collect_uses(srcdir: Path) -> dict[tuple[str, str], set[str]]:
    uses: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in sorted(srcdir.glob("book/part*/*.ipynb")):
        doc = "/" + str(path.relative_to(srcdir).with_suffix(""))
        cells = json.loads(path.read_text())["cells"]
        for cell in cells:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"]) if isinstance(cell["source"], list) \
                else cell["source"]
            for module, name in chapter_imports(source):
                try:
                    obj = getattr(importlib.import_module(module), name)
                except (ImportError, AttributeError):
                    continue  # a submodule import or a name the build will report anyway
                key = _key(obj)
                if key is not None:
                    uses[key].add(doc)
    return uses


def on_builder_inited(app: Sphinx) -> None:
    USES.clear()
    USES.update(collect_uses(Path(app.srcdir)))


def add_used_in(app, what, name, obj, options, lines) -> None:
    if what not in ("function", "class"):
        return
    docs = sorted(USES.get(_key(obj), ()))
    lines += ["", ".. rubric:: Used in", ""]
    lines.append(", ".join(f":doc:`{d}`" for d in docs) if docs else
                 "No chapter calls it directly (it serves other functions of the package).")
    lines.append("")


def _real_name(target: str) -> str | None:
    """``lowrank_nb.separation.self_success`` -> the documented home of that object."""
    parts = target.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        if hasattr(obj, "__qualname__") and hasattr(obj, "__module__"):
            return f"{obj.__module__}.{obj.__qualname__}"
        return getattr(obj, "__name__", None) or EXISTS
    return None


EXISTS = "<exists>"  # a real object (a constant) with no page of its own


def resolve_old_names(app: Sphinx, env, node, contnode):
    """Docstrings may name a function by an old flat path or by its bare name: link it to
    its home (a bare name only when exactly one documented object has it)."""
    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"].lstrip("~.")
    domain = env.get_domain("py")
    candidates = []
    if "." in target:
        real = _real_name(target)
        if real == EXISTS or (real and not real.startswith("lowrank_nb")):
            return contnode  # it exists (e.g. numpy's), so no broken link: code, no link
        candidates = [real] if real else []
    else:
        want_module = node.get("reftype") == "mod"
        candidates = [name for name, entry in domain.objects.items()
                      if name.startswith("lowrank_nb.") and name.rsplit(".", 1)[-1] == target
                      and (entry.objtype == "module") == want_module]
        here = node.get("py:module") or ""
        local = [c for c in candidates if here and c.startswith(here + ".")]
        candidates = local or candidates  # a bare name means the one in the same module
    if len(candidates) != 1:
        return None
    found = domain.resolve_any_xref(env, node["refdoc"], app.builder, candidates[0], node,
                                    contnode)
    return found[0][1] if found else None


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", on_builder_inited)
    app.connect("missing-reference", resolve_old_names)
    app.connect("autodoc-process-docstring", add_used_in)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
