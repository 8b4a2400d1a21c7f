"""Live widget latency: one recompute and redraw of every Explore section.

Each chapter notebook is executed in a live kernel (no precomputation); then, in the same
kernel, every explorer re-renders up to 5 grid points and we report the median time of one
update (render + PNG encode), which is what a slider move costs. Target: median <= 200 ms.
The baseline column is the 200 ms target itself, so the ratio reads "times faster than needed".
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
    times = [ex.update(k) for k in keys]
    out.append({"params": ex.names, "median_s": statistics.median(times)})
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
                         "baseline": 0.2, "candidate": ex["median_s"]})
    return rows
