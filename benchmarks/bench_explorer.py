"""Every Explore section: live update and static redraw, against the PNG path in the same run.

For each chapter whose Explore section uses :class:`lowrank_nb.book.explorer.Explore`, the
chapter's Setup and Explore cells run in this process (as ``tests/tools/explore_check.py``
runs them) and, per explorer, we time:

* **live update** (one slider move in a kernel). Candidate: ``Explore.update`` at off-grid
  values (data + in-place replacement of the Bokeh source). Baseline: the PNG path the book
  used before issue 16, on the same curves at the nearest grid point: data + a matplotlib
  figure + PNG encoding (what ``widgets.explore`` did per move).
* **static redraw** (one key press in the static page, headless Chromium at 2x, timed in the
  page from the ``input`` event to the first animation frame after the change). Candidate:
  the ``lr-explorer`` element. Baseline: the PNG path's static page, a slider that swaps
  precomputed PNG images (6 images along the first slider). Skipped without Chromium.

Timings are medians, reported and never asserted; the summary row gives the median live
update over all explorers (goal: <= 60 ms, none above 150 ms).
"""

from __future__ import annotations

import base64
import importlib.util
import io
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("_explore_check",
                                               ROOT / "tests" / "tools" / "explore_check.py")
_check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_check)
LIVE_MOVES = 6  # off-grid moves per explorer, each timed for both paths (alternating order)
PNG_FRAMES = 6  # images of the baseline's static page


def chapters() -> list[str]:
    """Chapters whose Explore section builds an ``Explore``."""
    import nbformat

    out = []
    for path in sorted((ROOT / "book").glob("part*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if "Explore(" in _check._section_code(nb, "Explore"):
            out.append(str(path.relative_to(ROOT / "book").with_suffix("")))
    return out


def png_render(ex, values: dict) -> bytes:
    """The pre-issue-16 path for one move: data, a matplotlib figure, PNG bytes."""
    import matplotlib.pyplot as plt

    from lowrank_nb.book.plotting import COLORS

    x, curves = ex.evaluate(**values)
    fig, ax = plt.subplots(figsize=(6.0, 3.2), dpi=72)
    colors = list(COLORS.values())
    for k, (label, c) in enumerate(zip(ex.series, curves)):
        ax.plot(x, c, marker="o", ms=3, label=label, color=colors[k % len(colors)])
    ax.set(xscale="log" if ex.x_log else "linear", yscale="log" if ex.y_log else "linear",
           xlabel=_check_plain(ex.x_label), ylabel=_check_plain(ex.y_label))
    if ex.y_range:
        ax.set_ylim(*ex.y_range)
    ax.legend(fontsize=6)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def _check_plain(label: str) -> str:
    from lowrank_nb.book.explorer import _plain

    return _plain(label)


def _nearest(p, v):
    return p.grid[int(np.argmin(np.abs(np.asarray(p.grid, dtype=float) - v)))]


def live(ex) -> tuple[float, float, float]:
    """(baseline median, candidate median, candidate max) in seconds."""
    ex.widget()
    rng = np.random.default_rng(1)
    start = {p.name: p.grid[p.start] for p in ex.params}
    png_render(ex, start)  # warm fonts and imports outside both timings
    ex.update(**start)
    base, cand = [], []
    for i in range(LIVE_MOVES):
        vals = {p.name: _check._off_grid(p, rng) for p in ex.params}
        near = {p.name: _nearest(p, vals[p.name]) for p in ex.params}
        for first in ((True, False) if i % 2 == 0 else (False, True)):
            if first:
                t0 = time.perf_counter()
                png_render(ex, near)
                base.append(time.perf_counter() - t0)
            else:
                cand.append(ex.update(**vals))
    return statistics.median(base), statistics.median(cand), max(cand)


def _png_page(ex) -> str:
    """The PNG path's static page: a range input swapping precomputed images."""
    first = ex.params[0]
    idx = np.linspace(0, len(first.grid) - 1, PNG_FRAMES).astype(int)
    rest = {p.name: p.grid[p.start] for p in ex.params[1:]}
    imgs = [base64.b64encode(png_render(ex, {first.name: first.grid[i], **rest})).decode()
            for i in idx]
    frames = ",".join(f'"data:image/png;base64,{s}"' for s in imgs)
    return ('<!doctype html><html><body><div class="lr-png"><input type="range" min="0" '
            f'max="{PNG_FRAMES - 1}" value="0"><img src="data:image/png;base64,{imgs[0]}">'
            f'</div><script>const F=[{frames}];const r=document.querySelector(".lr-png");'
            'r.lrTimes=[];const i=r.querySelector("input"),g=r.querySelector("img");'
            'i.addEventListener("input",()=>{const t=performance.now();g.src=F[+i.value];'
            'g.decode().then(()=>requestAnimationFrame(()=>r.lrTimes.push('
            'performance.now()-t)));});</script></body></html>')


def static(blocks: list[tuple[str, str]]) -> list[tuple[float, float]]:
    """Median redraw (baseline, candidate) in seconds for each (new, old) page pair."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        return [(None, None)] * len(blocks)
    from playwright.sync_api import sync_playwright

    from lowrank_nb.book.explorer import install_bokehjs

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        install_bokehjs(site / "_static" / "offline" / "bokeh")
        server = _check._serve(site)
        url = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium,
                                            args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(device_scale_factor=2)
                for k, (new, old) in enumerate(blocks):
                    (site / f"new{k}.html").write_text(
                        '<!doctype html><html data-content_root="./"><body '
                        f'style="width:900px">{new}</body></html>')
                    (site / f"old{k}.html").write_text(old)
                    times = []
                    for name, sel, ready in ((f"old{k}", ".lr-png", ".lr-png"),
                                             (f"new{k}", ".lr-explorer",
                                              ".lr-explorer[data-lr-ready='1']")):
                        page.goto(f"{url}/{name}.html")
                        page.wait_for_selector(ready, timeout=60_000)
                        page.wait_for_timeout(300)
                        page.focus(f"{sel} input[type=range]")
                        for j in range(12):
                            page.keyboard.press("ArrowRight" if j % 2 == 0 else "ArrowLeft")
                            page.wait_for_timeout(80)
                        t = page.evaluate(f"document.querySelector('{sel}').lrTimes")
                        times.append(statistics.median(t) / 1e3 if t else None)
                    out.append(tuple(times))
                browser.close()
        finally:
            server.shutdown()
    return out


def run() -> list[dict]:
    rows, pages, names, lives = [], [], [], []
    for chapter in chapters():
        for i, ex in enumerate(_check.collect(ROOT / "book" / f"{chapter}.ipynb")):
            name = chapter if i == 0 else f"{chapter} #{i + 1}"
            base, cand, worst = live(ex)
            lives.append(cand)
            rows.append({"name": f"{name} live update", "baseline": base, "candidate": cand,
                         "note": f"max {worst * 1e3:.0f} ms"})
            pages.append((ex.static_html(), _png_page(ex)))
            names.append(name)
    for name, (old, new) in zip(names, static(pages)):
        rows.append({"name": f"{name} static redraw", "baseline": old, "candidate": new,
                     "note": "no chromium" if new is None else ""})
    if lives:
        med = statistics.median(lives)
        rows.append({"name": f"median live update over {len(lives)} explorers",
                     "baseline": None, "candidate": med,
                     "note": ("meets" if med <= 0.06 else "misses") + " the 60 ms goal; "
                             f"{sum(t > 0.15 for t in lives)} explorer(s) above 150 ms"})
    return rows
