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


def _defined_in(module: str, name: str) -> str:
    """The module whose source defines ``name`` (a package re-export points to its source)."""
    base = PACKAGE.parent.joinpath(*module.split("."))
    if base.is_dir():
        for path in sorted(base.glob("*.py")):
            if re.search(rf"^(?:def|class) {re.escape(name)}\b|^{re.escape(name)}\s*=",
                         path.read_text(), re.M):
                return f"{module}.{path.stem}"
    return module


def untested(tests: Path = ROOT / "tests") -> list[str]:
    """``module.name`` for every public name that no test file names with its module."""
    texts = [p.read_text() for p in sorted(tests.rglob("*.py")) if "tools" not in p.parts]
    missing = []
    for module, names in public_names().items():
        for name in names:
            homes = {*module.split(".")[1:], *_defined_in(module, name).split(".")[1:]}
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
