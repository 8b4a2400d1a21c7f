"""`make app`: a chapter's Explore widgets served live by Voila, checked in headless Chromium.

* the page shows the chapter title, the Explore slider and a figure, and says it is live;
* moving a slider (ArrowRight on the noUi handle) makes the kernel recompute the figure;
* no request, HTTP or WebSocket, leaves 127.0.0.1;
* the server and its kernel are shut down afterwards (process group).
"""

from __future__ import annotations

import time
from urllib.parse import urlparse

from .conftest import JS_VISIBLE_IMAGES

PAGE_TIMEOUT = 120_000  # ms: Voila sends the page once the chapter's earlier cells have run
FIGURE_TIMEOUT = 60  # s: one live render of this chapter takes < 0.5 s; generous on 2 cores


def _visible_figure(page, box, differs_from: str | None, timeout: float) -> str:
    """Poll until the box shows a non-empty figure (different from ``differs_from``)."""
    deadline = time.monotonic() + timeout
    while True:
        shown = box.evaluate(JS_VISIBLE_IMAGES)
        nonempty = shown and not any(part.startswith("0:") for part in shown.split(","))
        if nonempty and shown != differs_from:
            return shown
        if time.monotonic() > deadline:
            return shown
        page.wait_for_timeout(200)


def test_slider_recomputes_figure_live_and_offline(browser, app_server: dict) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("websocket", lambda ws: requests.append(ws.url))
    try:
        page.goto(app_server["url"], wait_until="load", timeout=PAGE_TIMEOUT)
        page.wait_for_selector(".noUi-handle", timeout=PAGE_TIMEOUT)
        text = page.inner_text("body")
        assert "Live app of the Explore section" in text
        assert f"book/{app_server['chapter']}.ipynb" in text
        # explore() says which mode it is in: live, not the book's precomputed leaves.
        assert "Live: each slider move recomputes the figure in the kernel." in text
        assert "precomputed results" not in text

        boxes = [b for b in page.query_selector_all(".widget-vbox")
                 if b.evaluate("b => !b.parentElement.closest('.widget-vbox')")
                 and b.query_selector(".noUi-handle") and b.query_selector("img")]
        assert len(boxes) == 1, f"expected one Explore widget, found {len(boxes)}"
        box = boxes[0]
        before = _visible_figure(page, box, None, FIGURE_TIMEOUT)
        assert before and not before.startswith("0:"), "the first figure never appeared"

        handle = box.query_selector(".noUi-handle")
        now, top = (float(handle.get_attribute(a)) for a in ("aria-valuenow", "aria-valuemax"))
        handle.focus()
        page.keyboard.press("ArrowLeft" if now >= top else "ArrowRight")
        moved = float(handle.get_attribute("aria-valuenow"))
        assert moved != now, "the keyboard did not move the slider"

        after = _visible_figure(page, box, before, FIGURE_TIMEOUT)
        assert after and after != before, (
            f"the figure did not change within {FIGURE_TIMEOUT} s of moving the slider")
        assert "Error" not in page.inner_text("body")

        page.wait_for_load_state("networkidle")
        foreign = [u for u in requests
                   if urlparse(u).scheme in ("http", "https", "ws", "wss")
                   and urlparse(u).hostname != "127.0.0.1"]
        assert not foreign, f"the app requested other hosts: {foreign[:5]}"
        assert any(urlparse(u).scheme == "ws" for u in requests), "no kernel WebSocket"
    finally:
        page.close()
