"""Cold and warm Numba start-up: import plus first call of the fused residual kernel.

Cold: an empty NUMBA_CACHE_DIR (what a fresh CI clone pays). Warm: the same cache again.
Baseline: importing lowrank_nb.norms with NUMBA_DISABLE_JIT=1 (no compilation at all).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

SNIPPET = (
    "import numpy as np\n"
    "from lowrank_nb.norms import generated_residual_max\n"
    "a = np.ones((3, 2))\n"
    "generated_residual_max('f1', a, a, a, a)\n"
)


def _time(env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", SNIPPET], env=env, check=True)
    return time.perf_counter() - start


def run() -> list[dict]:
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        cold = _time(env)
        warm = _time(env)
        nojit = _time({**env, "NUMBA_DISABLE_JIT": "1"})
    return [
        {"name": "import + first call, cold cache", "baseline": nojit, "candidate": cold,
         "note": "ratio < 1: compile cost over a no-JIT import"},
        {"name": "import + first call, warm cache", "baseline": nojit, "candidate": warm},
        {"name": "warm vs cold", "baseline": cold, "candidate": warm},
    ]
