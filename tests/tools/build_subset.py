"""Build part of the book into a private folder, for checking one part's Sphinx warnings.

Usage: python tests/tools/build_subset.py book/part3 [book/part5 ...] [book/part6/chapter ...]

Each argument is a part folder or one chapter (its path without the suffix).

Keeps the Getting-started and Part I chapters, the requested folders and the bibliography,
writes a temporary table of contents and builds with the same flags as `make book` into
/tmp/lowrank-build-<folders>. It never touches _build/, so several can run side by side.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str]) -> int:
    wanted = [a.rstrip("/").removesuffix(".ipynb") for a in argv[1:]]
    if not wanted:
        print(__doc__)
        return 2
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    keep = ("book/how-to-read", "book/part1/", "book/bibliography", "book/ledger", "book/notation",
            "book/errata", "book/reproducibility", "book/explore-design",
            *[w if (ROOT / f"{w}.ipynb").exists() else w + "/" for w in wanted])
    # Part landing pages stay so that cross-references between parts resolve, except those
    # that link their own chapters ({doc}), which would be unknown documents here.
    keep_index = tuple(f"book/part{k}/index" for k in range(2, 7)
                       if "{doc}" not in (ROOT / f"book/part{k}/index.md").read_text())
    parts = []
    for part in toc["parts"]:
        chapters = [c for c in part["chapters"]
                    if c["file"].startswith(keep) or c["file"] in keep_index]
        if chapters:
            parts.append({**part, "chapters": chapters})
    toc["parts"] = parts
    tag = "-".join(Path(w).name for w in wanted)
    out = Path(f"/tmp/lowrank-build-{tag}")
    with tempfile.NamedTemporaryFile("w", suffix=".yml", dir=ROOT, delete=False,
                                     prefix=".toc-") as fh:
        yaml.safe_dump(toc, fh)
        toc_path = fh.name
    env = {**os.environ, "LOWRANK_NB_PRECOMPUTE": "1", "OPENBLAS_NUM_THREADS": "1"}
    cmd = [str(ROOT / ".venv/bin/jupyter-book"), "build", str(ROOT), "--toc", toc_path,
           "--path-output", str(out), "-W", "-n", "--keep-going", "--all"]
    try:
        return subprocess.call(cmd, env=env)
    finally:
        os.unlink(toc_path)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
