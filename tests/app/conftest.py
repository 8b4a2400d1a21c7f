"""Fixtures for the live-app check: `make app` on a free loopback port, headless Chromium.

The Chromium launch options and the ``browser`` fixture are those of tests/site/conftest.py.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Chapters whose earlier cells run in ~5-30 s; their live Explore updates take < 0.15 s.
CHAPTERS = ("part4/setting",)
START_TIMEOUT = 120  # s: `make app` checks the env stamp, then Voila starts (~3 s here)

_spec = importlib.util.spec_from_file_location("_site_conftest",
                                               ROOT / "tests" / "site" / "conftest.py")
_site = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_site)
CHROMIUM_ARGS = _site.CHROMIUM_ARGS
browser = _site.browser  # the same session fixture: Debian's chromium through playwright


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Collect tests/app only when asked for by path (`make appcheck`): it needs Chromium and a
    server, so `pytest tests` (the unit run) leaves it out even without --ignore=tests/app."""
    here = Path(__file__).resolve().parent
    asked = [Path(str(a).split("::")[0]).resolve() for a in config.args]
    if any(a == here or here in a.parents for a in asked):
        return None
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (Voila's kernels run in their own sessions)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _stop(proc: subprocess.Popen) -> list[int]:
    """Stop `make app` and all it started; return the descendants that outlived SIGTERM.

    SIGTERM goes to the process group of `make` (make, Voila); Voila then shuts its kernels
    down. Whatever is still alive after that is killed by its id.
    """
    started = _descendants(proc.pid)
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in started) and time.monotonic() < deadline:
        time.sleep(0.2)
    survivors = [p for p in started if _alive(p)]
    for pid in survivors:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return survivors


@pytest.fixture(scope="session", params=CHAPTERS)
def app_server(request: pytest.FixtureRequest,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """`make app CHAPTER=... PORT=...` in its own process group; yields url, process, log."""
    chapter = request.param
    port = _free_port()
    log = tmp_path_factory.mktemp("app") / "make-app.log"
    env = dict(os.environ)
    # The app must recompute live even when the book build's switch leaks into the caller's
    # environment: lowrank_nb.app removes it for the server.
    env["LOWRANK_NB_PRECOMPUTE"] = "1"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            ["make", "--no-print-directory", "app", f"CHAPTER={chapter}", f"PORT={port}"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"`make app` exited with {proc.returncode}:\n{log.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"`make app` did not answer on {url} in {START_TIMEOUT} s:\n"
                            f"{log.read_text()}")
            try:
                # A static file answers without starting a kernel (GET / would run the app).
                with urllib.request.urlopen(f"{url}voila/static/voila.js", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            time.sleep(0.5)
        yield {"url": url, "proc": proc, "log": log, "port": port, "chapter": chapter}
    finally:
        survivors = _stop(proc)
    assert not survivors, f"processes of `make app` outlived SIGTERM (killed): {survivors}"
