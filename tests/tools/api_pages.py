"""Write book/api/<page>.md: one page per subpackage, one automodule block per module.

Usage: python tests/tools/api_pages.py   (run after adding a module; tests/test_api_pages.py
fails until every module of the layered package has its block).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = {
    "core": ("Layer 1: primitives", "lowrank_nb.core",
             "Primitives by concept, shared by every paper and chapter."),
    "budzinskiy": ("Budzinskiy: entrywise low rank", "lowrank_nb.papers.budzinskiy",
                   "Max-norm embeddings, alternating projections, tensor trains and the "
                   "refutation of Theorem 2.1 (Part II)."),
    "vodrahalli": ("Vodrahalli et al.: ReLU initialisation", "lowrank_nb.papers.vodrahalli",
                   "ReLU SVD, LFAI and the ReLU kernel (Part III)."),
    "zhangsaab": ("Zhang and Saab: compression guarantees", "lowrank_nb.papers.zhangsaab",
                  "Data-driven low-rank compression and its estimators (Part IV)."),
    "dengsong": ("Deng et al.: softmax against linear attention", "lowrank_nb.papers.dengsong",
                 "The separation datasets, their simulators and exact oracles (Part V)."),
    "views": ("Part VI: the papers side by side",
              ("lowrank_nb.papers.views", "lowrank_nb.papers.views_profiles",
               "lowrank_nb.papers.layer_compression"),
              "One attention matrix seen through all four papers, and one layer compressed "
              "four ways."),
    "book": ("Layer 3: the book's machinery", "lowrank_nb.book",
             "Explorers, the live app, paper-scale sweeps, progress bars, plotting style and "
             "the notebook set-up."),
}


def modules(package: str | tuple[str, ...]) -> list[str]:
    if isinstance(package, tuple):
        return [m for p in package for m in modules(p)]
    base = ROOT.joinpath(*package.split("."))
    if base.with_suffix(".py").exists():
        return [package]
    return sorted(".".join(p.relative_to(ROOT).with_suffix("").parts) for p in base.rglob("*.py")
                  if p.name != "__init__.py"
                  and not any(part.startswith("_") for part in p.relative_to(base).parts))


def main() -> int:
    for name, (title, package, blurb) in PAGES.items():
        body = [f"# {title}\n", f"{blurb} Each function lists the chapters that call it.\n"]
        body += [f"## `{m}`\n\n```{{eval-rst}}\n.. automodule:: {m}\n   :members:\n```\n"
                 for m in modules(package)]
        (ROOT / "book" / "api" / f"{name}.md").write_text("\n".join(body))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
