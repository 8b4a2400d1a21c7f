"""List the public names of ``lowrank_nb`` that no test names.

A module's public names are its ``__all__`` (or, without one, its functions and classes not
starting with ``_`` that are defined in it). A name counts as tested when a file under
``tests/`` (tools excluded) names it as a whole word *and* names its module or package
(``progress`` for ``lowrank_nb.progress.track``; ``embeddings`` or ``jl`` for
``lowrank_nb.embeddings.jl.jl_factors``), so a common word like ``track`` is not found by
accident.

Usage: ``python tests/tools/public_names.py`` prints ``module.name`` for every untested name and
exits 1 if there is any.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "lowrank_nb"


def public_names(package: Path = PACKAGE) -> dict[str, list[str]]:
    """``{dotted module: [public names]}`` read from the source (nothing is imported)."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if any(p.startswith("_") for p in parts[1:]):
            continue
        tree = ast.parse(path.read_text())
        if (ast.get_docstring(tree) or "").startswith("Old import path"):
            continue  # a compatibility path: its names are counted at their new home
        names = None
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
                names = [ast.literal_eval(e) for e in node.value.elts]
        if names is None:
            names = [n.name for n in tree.body
                     if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                     and not n.name.startswith("_")]
        if names:
            out[".".join(parts)] = names
    return out


def old_paths() -> dict[str, set[str]]:
    """``{new module: {old module, ...}}`` from the compatibility paths (shims and facades)."""
    out: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text())
        if not (ast.get_docstring(tree) or "").startswith("Old import path"):
            continue
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        old = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lowrank_nb"):
                for alias in node.names:
                    new = f"{node.module}.{alias.name}" if alias.asname == "_module" \
                        or alias.asname == "_core" else node.module
                    out.setdefault(new, set()).add(old)
    return out


def _defined_in(module: str, name: str) -> str:
    """The module whose source defines ``name`` (a package re-export points to its source)."""
    base = PACKAGE.parent.joinpath(*module.split("."))
    if base.is_dir():
        for path in sorted(base.rglob("*.py")):
            if re.search(rf"^(?:def|class) {re.escape(name)}\b|^{re.escape(name)}\s*=",
                         path.read_text(), re.M):
                rel = path.relative_to(PACKAGE.parent).with_suffix("")
                return ".".join(rel.parts)
    return module


def untested(tests: Path = ROOT / "tests") -> list[str]:
    """``module.name`` for every public name that no test file names with its module."""
    texts = [p.read_text() for p in sorted(tests.rglob("*.py")) if "tools" not in p.parts]
    missing = []
    aliases = old_paths()
    for module, names in public_names().items():
        for name in names:
            home = _defined_in(module, name)
            olds = aliases.get(module, set()) | aliases.get(home, set())
            homes = {*module.split(".")[1:], *home.split(".")[1:],
                     *(p for old in olds for p in old.split(".")[1:])}
            homes -= {"core", "papers", "book", "__init__"}
            word = re.compile(rf"\b{re.escape(name)}\b")
            if not any(word.search(t) and any(re.search(rf"\b{h}\b", t) for h in homes)
                       for t in texts):
                missing.append(f"{module}.{name}")
    return sorted(set(missing))


def main() -> int:
    missing = untested()
    print("\n".join(missing) or "every public name is named in tests/")
    print(f"{len(missing)} public names not named in tests/")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
