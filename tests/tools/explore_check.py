"""Check one chapter's Explore section without building the book.

Usage: python tests/tools/explore_check.py book/<part>/<chapter>.ipynb [--no-browser]

Runs the chapter's Setup cell (cell 1) and the code cells of its "Explore" section in this
process, exactly as the benchmark does (so the Explore code must not depend on other cells),
and reports for every :class:`lowrank_nb.book.explorer.Explore` it creates:

* static world: the grid evaluation time, the payload size and the positions per slider;
  then, on a one-page site served from 127.0.0.1 in headless Chromium at 2x pixels, Home,
  End and the arrow keys on every slider (the figure must change on each) and the redraw
  times recorded by the page;
* live world: the update time (data + in-place figure update) at off-grid values.

Exit status 1 on any failure. Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import ast
import functools
import http.server
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import numpy as np

LIVE_POINTS = 8  # off-grid live updates timed per explorer (after one warm-up)


def _section_code(nb, name: str) -> str:
    out, cur = [], None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("## "):
                    cur = line[3:].strip()
        elif cur == name:
            out.append(cell.source)
    return "\n".join(out)


def collect(path: Path) -> list:
    """Run Setup + Explore; the Explore objects whose ``show`` the section called."""
    from lowrank_nb.book.explorer import Explore

    nb = nbformat.read(path, as_version=4)
    code = _section_code(nb, "Explore")
    if "Explore(" not in code:
        raise SystemExit(f"{path}: the Explore section has no Explore(...) call")
    hidden = [c for c in nb.cells if c.cell_type == "code" and "Explore(" in c.source
              and "hide-input" not in c.metadata.get("tags", [])]
    if hidden:
        print(f"FAIL: {len(hidden)} Explore cell(s) without the hide-input tag")
    shown: list = []
    original = Explore.show
    Explore.show = lambda self, precompute=None: shown.append(self)  # type: ignore[method-assign]
    try:
        ns: dict = {"__name__": "__explore_check__"}
        exec(compile(nb.cells[1].source, "setup", "exec"), ns)
        exec(compile(ast.parse(code), "explore", "exec"), ns)
    finally:
        Explore.show = original  # type: ignore[method-assign]
    return shown


def _off_grid(p, rng: np.random.Generator):
    lo, hi = p.grid[0], p.grid[-1]
    if p.integer:
        gaps = sorted(set(range(int(lo), int(hi) + 1)) - set(p.grid))
        pool = gaps or list(p.grid)
        return int(pool[rng.integers(len(pool))])
    if p.log:
        return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
    return float(rng.uniform(lo, hi))


def live_times(ex) -> list[float]:
    ex.widget()  # the live figure whose source is updated in place
    rng = np.random.default_rng(0)
    ex.update(**{p.name: p.grid[p.start] for p in ex.params})  # warm-up
    out = []
    for _ in range(LIVE_POINTS):
        out.append(ex.update(**{p.name: _off_grid(p, rng) for p in ex.params}))
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def _serve(folder: Path):
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def browser_check(blocks: list[str]) -> list[dict]:
    """Press the keys on every slider of a page holding ``blocks``; one row per explorer."""
    from playwright.sync_api import sync_playwright

    from lowrank_nb.book.explorer import install_bokehjs

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        install_bokehjs(site / "_static" / "offline" / "bokeh")
        (site / "page.html").write_text('<!doctype html><html data-content_root="./"><body '
                                        f'style="width:900px">{"".join(blocks)}</body></html>')
        server = _serve(site)
        url = f"http://127.0.0.1:{server.server_address[1]}/page.html"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium,
                                            args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport={"width": 1000, "height": 900},
                                        device_scale_factor=2)
                foreign: list[str] = []
                page.on("request", lambda r: foreign.append(r.url)
                        if not r.url.startswith("http://127.0.0.1") else None)
                page.goto(url, wait_until="load")
                n = len(blocks)
                page.wait_for_function(
                    f"document.querySelectorAll(\".lr-explorer[data-lr-ready='1']\").length"
                    f" === {n}", timeout=60_000)
                page.wait_for_timeout(300)
                for i, root in enumerate(page.query_selector_all(".lr-explorer")):
                    fig = root.query_selector(".lr-figure")
                    row = {"explorer": i, "positions": [], "failures": []}
                    for j, inp in enumerate(root.query_selector_all("input[type=range]")):
                        lo, hi = int(inp.get_attribute("min")), int(inp.get_attribute("max"))
                        row["positions"].append(hi - lo + 1)
                        inp.focus()
                        shots = []
                        for key, want in (("Home", lo), ("ArrowRight", lo + 1), ("End", hi),
                                          ("ArrowLeft", hi - 1)):
                            page.keyboard.press(key)
                            page.wait_for_timeout(120)
                            if int(inp.input_value()) != want:
                                row["failures"].append(f"{key} on slider {j}")
                            shots.append(fig.screenshot())
                        if len(set(shots)) != 4:
                            row["failures"].append(f"slider {j} does not change the figure "
                                                   f"({len(set(shots))} distinct of 4)")
                    times = sorted(root.evaluate("r => r.lrTimes") or [])
                    err = root.evaluate("r => r.dataset.lrError")
                    if err:
                        row["failures"].append(f"load error: {err}")
                    row["redraw_ms"] = (statistics.median(times), times[-1]) if times else None
                    rows.append(row)
                if foreign:
                    rows[0]["failures"].append(f"requests outside the site: {foreign[:3]}")
                browser.close()
        finally:
            server.shutdown()
    return rows


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebook", type=Path)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args(argv)
    os.environ.pop("LOWRANK_NB_PRECOMPUTE", None)
    explorers = collect(args.notebook)
    if not explorers:
        print("FAIL: the Explore section shows no Explore")
        return 1
    ok = True
    blocks = []
    for i, ex in enumerate(explorers):
        t0 = time.perf_counter()
        block = ex.static_html()
        grid_s = time.perf_counter() - t0
        blocks.append(block)
        counts = [len(p.grid) for p in ex.params]
        points = int(np.prod(counts))
        live = sorted(live_times(ex))
        live_med, live_max = statistics.median(live), live[-1]
        print(f"explorer {i}: sliders {[p.name for p in ex.params]} positions {counts} "
              f"(median {statistics.median(counts)}), {points} grid points, "
              f"{len(ex.series)} series x {len(ex.x)} x-values")
        print(f"  grid evaluation {grid_s:.2f} s; element {len(block) / 1e3:.0f} KB")
        print(f"  live update median {live_med * 1e3:.1f} ms, max {live_max * 1e3:.1f} ms "
              f"over {LIVE_POINTS} off-grid points")
        if live_med > 0.06 or live_max > 0.15:
            print("  WARN: live update above the goal (median 60 ms, max 150 ms)")
    if not args.no_browser:
        for row in browser_check(blocks):
            red = row["redraw_ms"]
            red_txt = f"median {red[0]:.1f} ms, max {red[1]:.1f} ms" if red else "none recorded"
            print(f"explorer {row['explorer']} in Chromium: positions {row['positions']}, "
                  f"static redraw {red_txt}")
            for f in row["failures"]:
                ok = False
                print(f"  FAIL: {f}")
            if not red:
                ok = False
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
