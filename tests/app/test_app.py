"""`make app`: a chapter's Explore section served live by Voila, checked in headless Chromium.

* the page shows the chapter's Explore sliders (ipywidgets) above its Bokeh figure, and says
  that it is live;
* a slider is moved with the keyboard to a value that is **not** on the static book's grid,
  and the kernel recomputes the figure (the figure's pixels change);
* no request, HTTP or WebSocket, leaves 127.0.0.1;
* the server and its kernel are shut down afterwards (process group).
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from urllib.parse import urlparse

from lowrank_nb.book.explorer import LIVE_NOTE

ROOT = Path(__file__).resolve().parents[2]
PAGE_TIMEOUT = 120_000  # ms: Voila sends the page once the chapter's earlier cells have run
FIGURE_TIMEOUT = 60  # s: one live update takes < 0.15 s; the rest is the kernel round trip

_spec = importlib.util.spec_from_file_location("_explore_check",
                                               ROOT / "tests" / "tools" / "explore_check.py")
_check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_check)


def _static_grids(chapter: str) -> list[tuple]:
    """The static book's grid of every slider of the chapter's explorers, in page order."""
    return [p.grid for ex in _check.collect(ROOT / "book" / f"{chapter}.ipynb")
            for p in ex.params]


def _changed(page, fig, before: bytes, timeout: float) -> float | None:
    """Seconds until the figure's pixels differ from ``before`` (None: they never did)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if fig.screenshot() != before:
            return time.monotonic() - start
        page.wait_for_timeout(100)
    return None


def test_off_grid_slider_value_recomputes_figure_live(browser, app_server: dict) -> None:
    grids = _static_grids(app_server["chapter"])
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("websocket", lambda ws: requests.append(ws.url))
    try:
        page.goto(app_server["url"], wait_until="load", timeout=PAGE_TIMEOUT)
        page.wait_for_selector(".lr-live .noUi-handle", timeout=PAGE_TIMEOUT)
        text = page.inner_text("body")
        assert "Live app of the Explore section" in text
        assert f"book/{app_server['chapter']}.ipynb" in text
        assert "Live: each slider move recomputes the figure in the kernel" in text, LIVE_NOTE
        box = page.query_selector(".lr-live")
        handles = box.query_selector_all(".noUi-handle")
        assert len(handles) == len(grids), f"{len(handles)} live sliders, {len(grids)} static"
        fig = box.query_selector_all(":scope > *")[1]  # sliders, figure, live note
        page.wait_for_timeout(1000)  # first paint of the canvas
        before = fig.screenshot()

        # the first slider whose next value (one keyboard step) is off the static grid
        for handle, grid in zip(handles, grids):
            now, top = (float(handle.get_attribute(a)) for a in ("aria-valuenow", "aria-valuemax"))
            handle.focus()
            page.keyboard.press("ArrowLeft" if now >= top else "ArrowRight")
            moved = float(handle.get_attribute("aria-valuenow"))
            assert moved != now, "the keyboard did not move the slider"
            if not any(abs(moved - g) <= 1e-9 * max(1.0, abs(g)) for g in grid):
                break
            waited = _changed(page, fig, before, FIGURE_TIMEOUT)
            assert waited is not None, "an on-grid move did not change the figure"
            before = fig.screenshot()
        else:
            raise AssertionError(f"no keyboard step leaves the static grids {grids}")

        waited = _changed(page, fig, before, FIGURE_TIMEOUT)
        assert waited is not None, (
            f"the figure did not change within {FIGURE_TIMEOUT} s of moving a slider to {moved}")
        print(f"{app_server['chapter']}: off-grid value {moved} redrawn {waited:.2f} s "
              "after the key press (kernel round trip included)")
        assert "Error" not in page.inner_text("body")

        page.wait_for_load_state("networkidle")
        foreign = [u for u in requests
                   if urlparse(u).scheme in ("http", "https", "ws", "wss")
                   and urlparse(u).hostname != "127.0.0.1"]
        assert not foreign, f"the app requested other hosts: {foreign[:5]}"
        assert any(urlparse(u).scheme == "ws" for u in requests), "no kernel WebSocket"
    finally:
        page.close()
