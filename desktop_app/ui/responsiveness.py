"""Interpreter settings that keep the window's event loop responsive while job threads run.

Job threads and the in-process local engine share the interpreter with the GUI thread, so two of
CPython's defaults become visible as stalls:

- The GIL is handed over every 5 ms, with no preference for the GUI: with 20 busy threads the
  event loop could wait 100 ms and more. A 1 ms interval keeps it responsive for a little throughput.
- A full (oldest-generation) garbage collection walks every object in the process, whichever thread
  triggers it, with the GIL held: ~110,000 objects after start-up (modules, Qt wrappers), measured at
  73 ms on a 2-core machine. Those objects live as long as the app, so once the window is built they
  are moved out of the collector's sight (``gc.freeze``); later collections walk only what came after.
"""

from __future__ import annotations

import gc
import sys

GIL_SWITCH_INTERVAL_S = 0.001


def keep_event_loop_responsive() -> None:
    """Called once by ui/app.py when the main window is built (again is harmless: it re-freezes what is alive)."""
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    gc.collect()  # what start-up left as garbage goes now, not frozen forever
    gc.freeze()
