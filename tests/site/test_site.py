"""Open every built page in headless Chromium and check what a reader sees.

* no request leaves 127.0.0.1 (MathJax and the widget runtime are served with the site);
* math is typeset (no raw TeX delimiters left in the text);
* every embedded widget renders;
* moving any slider of an Explore section changes the figure shown.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

SITE = Path(__file__).resolve().parents[2] / "_build" / "html"

PAGES = sorted(str(p.relative_to(SITE)) for p in (SITE / "book").rglob("*.html")) if (
    SITE / "book").exists() else []

# Hash the bytes behind every *visible* image in a widget box (the Stack shows one child).
JS_VISIBLE_IMAGES = """async (box) => {
  const imgs = [...box.querySelectorAll('img')].filter(i => i.offsetParent !== null);
  const out = [];
  for (const img of imgs) {
    const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
    let h = 0;
    for (let k = 0; k < bytes.length; k++) { h = (h * 31 + bytes[k]) | 0; }
    out.push(bytes.length + ':' + h);
  }
  return out.join(',');
}"""

JS_TOP_LEVEL_BOXES = """() => [...document.querySelectorAll('.widget-vbox')]
  .filter(b => !b.parentElement.closest('.widget-vbox'))
  .filter(b => b.querySelector('.noUi-handle') && b.querySelector('img')).length"""


def test_site_has_pages() -> None:
    assert PAGES, f"no pages under {SITE / 'book'}: run `make book`"


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url, wait_until="load")
    page.evaluate("async () => { if (window.MathJax && MathJax.startup) "
                  "await MathJax.startup.promise; }")
    return page, requests


@pytest.mark.parametrize("rel", PAGES)
def test_page_offline_math_and_widgets(browser, site_url: str, rel: str) -> None:
    html = (SITE / rel).read_text()
    page, requests = _open(browser, f"{site_url}/{rel}")
    try:
        n_views = html.count('type="application/vnd.jupyter.widget-view+json"')
        if n_views:
            page.wait_for_function(
                f"document.querySelectorAll('.jupyter-widgets').length >= {n_views}",
                timeout=20_000)
        page.wait_for_load_state("networkidle")
        foreign = [u for u in requests
                   if urlparse(u).scheme in ("http", "https", "ws", "wss")
                   and urlparse(u).hostname != "127.0.0.1"]
        assert not foreign, f"{rel} requested other hosts: {foreign[:5]}"
        text = page.inner_text("main")
        assert not re.search(r"\\\(|\\\[|\$\$", text), f"{rel}: raw TeX left untypeset"
        if 'class="math' in html:
            assert page.locator("mjx-container").count() > 0, f"{rel}: math not typeset"
        if n_views:
            assert "Error displaying widget" not in text, f"{rel}: a widget failed to render"
    finally:
        page.close()


WIDGET_PAGES = [p for p in PAGES
                if 'application/vnd.jupyter.widget-view+json' in (SITE / p).read_text()]


@pytest.mark.parametrize("rel", WIDGET_PAGES)
def test_every_slider_changes_the_figure(browser, site_url: str, rel: str) -> None:
    page, _ = _open(browser, f"{site_url}/{rel}")
    try:
        page.wait_for_function(f"({JS_TOP_LEVEL_BOXES})() > 0", timeout=20_000)
        boxes = [b for b in page.query_selector_all(".widget-vbox")
                 if b.evaluate("b => !b.parentElement.closest('.widget-vbox')")
                 and b.query_selector(".noUi-handle") and b.query_selector("img")]
        assert boxes, f"{rel}: no Explore widget with a slider and a figure"
        for i, box in enumerate(boxes):
            for j, handle in enumerate(box.query_selector_all(".noUi-handle")):
                before = box.evaluate(JS_VISIBLE_IMAGES)
                assert before, f"{rel}: explorer {i} shows no figure"
                handle.focus()
                page.keyboard.press("ArrowRight")
                page.wait_for_timeout(150)
                after = box.evaluate(JS_VISIBLE_IMAGES)
                if after == before:  # slider may sit at its last value: go the other way
                    page.keyboard.press("ArrowLeft")
                    page.keyboard.press("ArrowLeft")
                    page.wait_for_timeout(150)
                    after = box.evaluate(JS_VISIBLE_IMAGES)
                assert after and after != before, (
                    f"{rel}: slider {j} of explorer {i} does not change the figure")
    finally:
        page.close()


def test_search_works_offline(browser, site_url: str) -> None:
    page, requests = _open(browser, f"{site_url}/search.html?q=Johnson")
    try:
        page.wait_for_selector("#search-results li", timeout=20_000)
        assert page.locator("#search-results li").count() > 0
        assert all(urlparse(u).hostname in (None, "127.0.0.1") for u in requests)
    finally:
        page.close()


def test_notebooks_downloadable() -> None:
    sources = list((SITE / "_sources").rglob("*.ipynb"))
    assert sources, "no notebook sources in the site: the download button would have nothing"
    chapter_pages = [p for p in PAGES if Path(p).stem != "index"]
    for rel in chapter_pages:
        if "ipynb" in (SITE / rel).read_text():
            return
    pytest.fail("no page links its .ipynb for download")
