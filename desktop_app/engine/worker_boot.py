"""The first code a local engine worker process runs: kept free of heavy imports on purpose.

A spawned worker imports this module to find its initializer. Were the initializer in
``operations`` (numpy, scipy, pedalboard…), the child would spend its first seconds importing at the
app's own priority, competing with the window for a 2-core machine exactly when the engine starts.
Here the priority drops first; the heavy modules load afterwards (``operations.warm_up``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from multiprocessing.connection import wait

WORKER_NICENESS = 10


def worker_init() -> None:
    """Runs first in each worker process.

    - Lower its CPU priority (and that of the ffmpeg encoders it starts, which inherit it): on a
      2-core machine two workers plus their encoders would otherwise crowd out the window and the
      HTTP thread. The work loses little, since those only need the CPU in short bursts.
    - Exit if the engine's process dies, even by SIGKILL: pool workers block on their task queue
      and would otherwise outlive a killed parent forever.
    - Ignore SIGINT: Ctrl+C in a terminal reaches the whole process group, and the engine's owner stops
      the pool itself (a worker interrupted on its queue only printed a KeyboardInterrupt traceback).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # spawned with SIGINT blocked (worker.py): ignored from now on
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(WORKER_NICENESS)

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
