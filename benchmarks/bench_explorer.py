"""New-style Explore sections (lowrank_nb.book.explorer) against today's PNG path, same run.

For each converted chapter (today: the pilot, part4/setting) the chapter's Setup and Explore
cells run in this process (live mode, no precomputation) and we time:

* **live update**: one slider move in a kernel. Baseline: the PNG path of
  ``lowrank_nb.book.widgets`` drawing the same curves (data + matplotlib figure + PNG encode);
  candidate: ``Explore.update`` (data + in-place replacement of the Bokeh source). Off-grid
  values (e.g. d1 = 137) are used for the candidate, which the PNG path cannot offer.
* **static redraw**: one key press on a slider of the static page in headless Chromium, timed
  inside the page from the key press to the first animation frame after the figure's data
  (new) or the visible image (PNG) changed. Baseline: the PNG
  explorer embedded with the widget html-manager (today's coarse grid); candidate: the
  ``lr-explorer`` element. Skipped when Chromium is missing.

Timings are medians, reported and never asserted.
"""

from __future__ import annotations

import ast
import functools
import http.server
import shutil
import statistics
import tempfile
import threading
from pathlib import Path

import nbformat
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PILOTS = {"part4/setting": {"rank": [3, 7, 12, 17, 4, 9], "d1": [77, 137, 211, 263, 95, 180]}}
OFFLINE = ROOT / "book" / "_static" / "offline"


def _section(nb, name: str) -> list[str]:
    out, cur = [], None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("## "):
                    cur = line[3:].strip()
        elif cur == name:
            out.append(cell.source)
    return out


def _run_cells(chapter: str):
    """Run Setup and Explore of a chapter here; return the Explore object of its last cell."""
    nb = nbformat.read(ROOT / "book" / f"{chapter}.ipynb", as_version=4)
    ns: dict = {}
    exec(compile(nb.cells[1].source, "setup", "exec"), ns)
    code = "\n".join(_section(nb, "Explore"))
    tree = ast.parse(code)
    last = tree.body.pop()
    exec(compile(tree, "explore", "exec"), ns)
    box = eval(compile(ast.Expression(last.value), "explore", "eval"), ns)
    return box, ns


def _png_explorer(ex):
    """Today's path for the same figure: matplotlib + PNG in a SelectionSlider explorer."""
    from lowrank_nb.book.plotting import COLORS, figure
    from lowrank_nb.book.widgets import explore

    def render(**values):
        x, curves = ex.evaluate(**values)
        fig, ax = figure(width=6.0, height=3.2)
        for k, (label, c) in enumerate(zip(ex.series, curves)):
            ax.plot(x, c, marker="o", ms=3, label=label,
                    color=list(COLORS.values())[k % len(COLORS)])
        ax.set(xscale="log" if ex.x_log else "linear", yscale="log" if ex.y_log else "linear",
               xlabel=ex.x_label, ylabel=ex.y_label)
        if ex.y_range:
            ax.set_ylim(*ex.y_range)
        ax.legend(fontsize=6)
        return fig

    # today's coarse grid: about five values per slider
    grid = {p.name: [p.grid[i] for i in np.linspace(0, len(p.grid) - 1, 5).astype(int)]
            for p in ex.params}
    box = explore(render, grid, precompute=False)
    box.explorer.plain_labels = True
    return box


def _live(ex, png_box, points: dict) -> tuple[float, float]:
    names = list(points)
    png = png_box.explorer
    png.update()  # warm fonts and imports outside both timings
    base, cand = [], []
    for i, vals in enumerate(zip(*points.values())):
        # the PNG path can only show its grid: its nearest point
        key = tuple(int(np.argmin(np.abs(np.asarray(png.values[n]) - v)))
                    for n, v in zip(names, vals))
        for first in ((True, False) if i % 2 == 0 else (False, True)):
            if first:
                base.append(png.update(key))
            else:
                cand.append(ex.update(**dict(zip(names, vals))))
    return statistics.median(base), statistics.median(cand)


def _serve(folder: Path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# The PNG explorer timed the same way as the new one, inside the page: from the key press to
# the first animation frame after the widget manager switched the visible image.
JS_OLD_TIMER = """() => { window.lrOld = []; let t0 = null;
  document.addEventListener('keydown', () => { t0 = performance.now(); }, true);
  new MutationObserver(() => { if (t0 === null) return; const t = t0; t0 = null;
    requestAnimationFrame(() => window.lrOld.push(performance.now() - t)); })
  .observe(document.body, {subtree: true, childList: true, attributes: true}); }"""
JS_VISIBLE = """() => [...document.querySelectorAll('img')].filter(i => i.offsetParent !== null)
  .map(i => i.src.length + ':' + i.src.slice(-40)).join(',')"""


def _static(ex, png_box) -> tuple[float | None, float | None]:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists() or not (OFFLINE / "html-manager" / "embed.js").exists():
        return None, None
    from ipywidgets.embed import embed_minimal_html
    from playwright.sync_api import sync_playwright

    from lowrank_nb.book.explorer import install_bokehjs

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        install_bokehjs(site / "_static" / "offline" / "bokeh")
        (site / "new.html").write_text('<!doctype html><html data-content_root="./"><body '
                                       f'style="width:900px">{ex.static_html()}</body></html>')
        png_box.explorer.fill()
        shutil.copytree(OFFLINE / "html-manager", site / "hm")
        embed_minimal_html(site / "old.html", views=[png_box], embed_url="hm/embed.js",
                           requirejs=False)
        server = _serve(site)
        url = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium,
                                            args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(device_scale_factor=2)
                page.goto(f"{url}/new.html")
                page.wait_for_selector(".lr-explorer[data-lr-ready='1']", timeout=30_000)
                page.focus(".lr-explorer input[type=range]")
                for k in range(16):
                    page.keyboard.press("ArrowRight" if k % 2 == 0 else "ArrowLeft")
                    page.wait_for_timeout(80)
                new = page.evaluate("document.querySelector('.lr-explorer').lrTimes")
                page.goto(f"{url}/old.html")
                page.wait_for_selector(".noUi-handle", timeout=30_000)
                page.wait_for_timeout(500)
                page.evaluate(JS_OLD_TIMER)
                page.focus(".noUi-handle")
                for k in range(16):
                    before = page.evaluate(JS_VISIBLE)
                    page.keyboard.press("ArrowRight" if k % 2 == 0 else "ArrowLeft")
                    page.wait_for_function(f"({JS_VISIBLE})() !== {before!r}")
                    page.wait_for_timeout(80)
                old = page.evaluate("window.lrOld")
                browser.close()
        finally:
            server.shutdown()
    return statistics.median(old) / 1e3, statistics.median(new) / 1e3


def run() -> list[dict]:
    rows = []
    for chapter, points in PILOTS.items():
        box, _ = _run_cells(chapter)
        ex = box.explore
        png_box = _png_explorer(ex)
        base, cand = _live(ex, png_box, points)
        rows.append({"name": f"{chapter} live update", "baseline": base, "candidate": cand,
                     "note": "meets 60 ms" if cand <= 0.06 else ""})
        old, new = _static(ex, png_box)
        rows.append({"name": f"{chapter} static redraw", "baseline": old, "candidate": new,
                     "note": "no chromium" if new is None else
                     ("meets 50 ms" if new <= 0.05 else "")})
    return rows
