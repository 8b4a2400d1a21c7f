"""Fixtures for the built-site check: a loopback HTTP server and headless Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("LOWRANK_SITE", ROOT / "_build" / "html"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # Without these, Chromium itself phones home; those requests are the browser's, not the
    # page's, but they would clutter the request log this check reads.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep pytest output readable
        pass


@pytest.fixture(scope="session")
def site_url() -> Iterator[str]:
    if not (SITE / "index.html").exists():
        pytest.fail(f"no built site at {SITE}: run `make book` first")
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        pytest.fail("Debian's chromium is not installed: `make test` installs it (apt-get)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


REPORT = pytest.StashKey[list]()


@pytest.fixture(scope="session")
def explorer_report(request) -> list:
    """Rows {page, explorer, positions, redraws, median_ms, max_ms}, printed after the run."""
    return request.config.stash.setdefault(REPORT, [])


def pytest_terminal_summary(terminalreporter) -> None:
    """Report the slider positions and redraw times of the new-style explorers."""
    rows = terminalreporter.config.stash.get(REPORT, [])
    if not rows:
        return
    tr = terminalreporter
    tr.section("Explore sections: positions and static redraw (input -> frame with the new data)")
    for row in rows:
        tr.write_line(f"{row['page']} explorer {row['explorer']}: positions {row['positions']}, "
                      f"{row['redraws']} redraws, median {row['median_ms']:.1f} ms, "
                      f"max {row['max_ms']:.1f} ms")
    counts = sorted(c for row in rows for c in row["positions"])
    tr.write_line(f"all sliders: {len(counts)}, median positions {counts[len(counts) // 2]}")
