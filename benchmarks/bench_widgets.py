"""Live widget latency: one recompute and redraw of every Explore section.

Each chapter notebook is executed in a live kernel (no precomputation); then, in the same
kernel, every explorer re-renders up to 5 grid points and we report the median time of one
update (render + PNG encode), which is what a slider move costs. Target: median <= 200 ms.
Baseline: matplotlib's mathtext log-axis labels; candidate: the plain-text labels the book
uses (``plotting.plain_log_labels``), timed on the same points in the same kernel.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
PROBE = """
import itertools, json, statistics
from lowrank_nb.widgets import explorers
out = []
for ex in explorers():
    keys = list(itertools.product(*(range(len(ex.values[n])) for n in ex.names)))[:5]
    ex.update(keys[0])  # warm imports and fonts outside both timings
    base, cand = [], []
    for i, k in enumerate(keys):
        # Alternate which mode goes first so render-level caches favour neither.
        for plain in ((False, True) if i % 2 == 0 else (True, False)):
            ex.plain_labels = plain
            (cand if plain else base).append(ex.update(k))
    ex.plain_labels = True
    out.append({"params": ex.names, "base_s": statistics.median(base),
                "median_s": statistics.median(cand)})
print("LATENCY" + json.dumps(out))
"""


def _latencies(path: Path) -> list[dict]:
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    env_before = os.environ.pop("LOWRANK_NB_PRECOMPUTE", None)
    try:
        client = NotebookClient(nb, timeout=300,
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
    finally:
        if env_before is not None:
            os.environ["LOWRANK_NB_PRECOMPUTE"] = env_before
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("name") == "stdout")
    return json.loads(text.split("LATENCY", 1)[1])


def run() -> list[dict]:
    rows = []
    only = os.environ.get("BENCH_NOTEBOOKS", "")
    for path in sorted((ROOT / "book").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts or (only and only not in str(path)):
            continue
        for i, ex in enumerate(_latencies(path)):
            rows.append({"name": f"{path.relative_to(ROOT / 'book')} explorer {i} "
                                 f"({', '.join(ex['params'])})",
                         "baseline": ex["base_s"], "candidate": ex["median_s"],
                         "note": "meets 200 ms" if ex["median_s"] <= 0.2 else ""})
    return rows
