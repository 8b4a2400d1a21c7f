"""Run every ``benchmarks/bench_*.py`` and print ratios against a baseline from the same run.

Each module defines ``run() -> list[dict]``; a row has ``name``, ``baseline`` and ``candidate``
(seconds, medians over repeats), optional ``unit`` and ``note``; the printed ratio is the
speed-up ``baseline / candidate``, except for rows with ``cost: True`` (a step against its
floor), which print the cost ``candidate / baseline``. Timings are reported, never asserted.
Usage: ``make bench`` or ``python benchmarks/run.py [substring ...]``.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from lowrank_nb import pin_blas_threads  # noqa: E402


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    pin_blas_threads(1)
    wanted = argv[1:]
    results = []
    for path in sorted(HERE.glob("bench_*.py")):
        if wanted and not any(w in path.stem for w in wanted):
            continue
        start = time.perf_counter()
        rows = _load(path).run()
        print(f"\n## {path.stem}  ({time.perf_counter() - start:.1f} s)")
        for row in rows:
            base, cand = row.get("baseline"), row.get("candidate")
            if row.get("cost") and base and cand:  # a cost against a floor: candidate / floor
                ratio = f"{cand / base:5.2f}x floor"
            else:
                ratio = f"{base / cand:8.2f}x" if base and cand else "        "
            b = f"{base:.4g}" if base is not None else "-"
            c = f"{cand:.4g}" if cand is not None else "-"
            print(f"  {row['name']:<48} baseline {b:>10}  candidate {c:>10}  {ratio}"
                  f"  {row.get('note', '')}")
            results.append({"bench": path.stem, **row})
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=1, default=str))
    print(f"\nwrote {out / 'latest.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
