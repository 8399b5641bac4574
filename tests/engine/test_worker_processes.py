"""The engine's worker processes stay out of the window's way: lower priority from their first moment."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time

import pytest

from desktop_app.engine.worker_boot import WORKER_NICENESS

HEAVY = ("numpy", "scipy", "pedalboard", "pyloudnorm", "uvicorn", "starlette")


def test_the_worker_initializer_imports_nothing_heavy() -> None:
    # A spawned worker imports the initializer's module before it can lower its priority: the
    # imports of numpy, scipy and the server must come after, not before.
    code = "import sys, desktop_app.engine.worker_boot; print(','.join(sorted(sys.modules)))"
    loaded = set(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split(",")
    )
    assert not loaded & set(HEAVY)


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="process priorities are POSIX")
def test_worker_processes_run_at_a_lower_priority(engine) -> None:
    own = os.getpriority(os.PRIO_PROCESS, 0)
    deadline = time.monotonic() + 60
    while True:  # the pool's processes start with the engine; each lowers its priority as it boots
        workers = multiprocessing.active_children()
        niceness = [os.getpriority(os.PRIO_PROCESS, p.pid) - own for p in workers]
        if len(workers) >= 2 and all(n == WORKER_NICENESS for n in niceness):
            break
        assert time.monotonic() < deadline, niceness
        time.sleep(0.05)
