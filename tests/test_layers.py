"""The package's layers: core <- papers <- book, no cycle, function-local imports counted.

Every ``import``/``from ... import`` of a ``lowrank_nb`` module anywhere in a module's source
(top level or inside a function) is an edge. Old flat paths (``lowrank_nb.relu``) are shims
for their new home and are resolved to it before the rules are applied.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "lowrank_nb"
LAYERED = ("lowrank_nb.core", "lowrank_nb.papers", "lowrank_nb.book")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, name: str) -> set[str]:
    """Every lowrank_nb module the file imports (relative imports resolved)."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("lowrank_nb")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if not mod.startswith("lowrank_nb"):
                continue
            # ``from lowrank_nb.core import bounds`` imports the submodule
            for alias in node.names:
                sub = f"{mod}.{alias.name}"
                out.add(sub if (PKG.parent / (sub.replace(".", "/") + ".py")).exists()
                        or (PKG.parent / sub.replace(".", "/")).is_dir() else mod)
    return out


def _resolve(name: str) -> str:
    """A shim's real module name (shims put their target in sys.modules)."""
    return importlib.import_module(name).__name__


MODULES = {_module_name(p): p for p in PKG.rglob("*.py")}
LAYERED_MODULES = sorted(m for m in MODULES if m.startswith(LAYERED))


def _layer(name: str) -> int:
    for i, prefix in enumerate(LAYERED):
        if name == prefix or name.startswith(prefix + "."):
            return i
    return 99  # the package root and old-path shims sit outside the layers


def _paper(name: str) -> str | None:
    parts = name.split(".")
    return parts[2] if len(parts) > 3 and parts[1] == "papers" else None


def _graph() -> dict[str, set[str]]:
    graph = {}
    for name in LAYERED_MODULES:
        deps = {_resolve(d) for d in _imports(MODULES[name], name)}
        graph[name] = {d for d in deps if d != name and d.startswith("lowrank_nb.")}
    return graph


def test_layered_modules_exist() -> None:
    assert {_layer(m) for m in LAYERED_MODULES} == {0, 1, 2}


@pytest.mark.parametrize("name", LAYERED_MODULES)
def test_module_imports_only_its_layer_or_below(name: str) -> None:
    for dep in _graph()[name]:
        assert _layer(dep) <= _layer(name), f"{name} (layer {_layer(name)}) imports {dep}"
        mine, theirs = _paper(name), _paper(dep)
        if mine and theirs:
            assert mine == theirs, f"{name} imports another paper's module {dep}"
        if dep == "lowrank_nb.papers.views":
            assert name.startswith("lowrank_nb.book"), f"{name} imports the Part VI views"


def test_import_graph_is_acyclic() -> None:
    graph = _graph()
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in graph.get(node, ()):
            if state.get(dep) == 1:
                cycle = [*path[path.index(dep):], dep] if dep in path else [node, dep]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if dep not in state:
                visit(dep, [*path, dep])
        state[node] = 2

    for name in graph:
        if name not in state:
            visit(name, [name])


def test_the_checker_sees_function_local_imports(tmp_path: Path) -> None:
    """A planted upward import inside a function is found (the rule cannot pass vacuously)."""
    src = tmp_path / "probe.py"
    src.write_text("def f():\n    from lowrank_nb.book import plotting\n    return plotting\n")
    assert "lowrank_nb.book.plotting" in _imports(src, "lowrank_nb.core.probe")


@pytest.mark.parametrize("old", ["relu", "separation", "altproj", "compression", "tt",
                                 "refutation", "generated", "norms", "sampling",
                                 "plotting", "sweep", "app", "progress", "features",
                                 "embeddings.jl", "embeddings.distance"])
def test_old_paths_are_the_same_module(old: str) -> None:
    module = importlib.import_module(f"lowrank_nb.{old}")
    assert module.__name__ != f"lowrank_nb.{old}"
    assert importlib.import_module(module.__name__) is module


@pytest.mark.parametrize("old", ["attention", "bounds"])
def test_split_modules_keep_every_public_name(old: str) -> None:
    module = importlib.import_module(f"lowrank_nb.{old}")
    for name in module.__all__:
        assert callable(getattr(module, name)) or getattr(module, name) is not None
