"""`make lab` starts JupyterLab on 127.0.0.1 (as root too), opens on the book, and stops."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 120  # s: JupyterLab builds its settings on first start (~10 s on 2 cores)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_make_lab_answers_on_loopback_and_opens_on_the_book(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path), "JUPYTER_TOKEN": "lrtest"}
    proc = subprocess.Popen(["make", "-s", "lab", f"LAB_PORT={port}"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        status = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                url = f"http://127.0.0.1:{port}/api/status?token=lrtest"
                with urllib.request.urlopen(url, timeout=2) as resp:
                    status = json.load(resp)
                break
            except OSError:
                time.sleep(0.5)
        assert proc.poll() is None, proc.stdout.read()
        assert status is not None, "JupyterLab did not answer on 127.0.0.1"
        assert "started" in status
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token=lrtest",
                                    timeout=10) as resp:
            assert resp.status == 200
        # The server serves the repository, so the book's chapters are reachable by path.
        api = f"http://127.0.0.1:{port}/api/contents/book/part1?token=lrtest"
        with urllib.request.urlopen(api, timeout=10) as resp:
            names = {item["name"] for item in json.load(resp)["content"]}
        assert "jl_maxnorm.ipynb" in names
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
