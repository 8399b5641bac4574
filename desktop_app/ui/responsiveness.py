"""Interpreter settings that keep the window's event loop responsive while job threads run.

Job threads and the in-process local engine share the interpreter with the GUI thread, so two of
CPython's defaults become visible as stalls:

- The GIL is handed over every 5 ms, with no preference for the GUI: with 20 busy threads the
  event loop could wait 100 ms and more. A 1 ms interval keeps it responsive for a little throughput.
- A full (oldest-generation) garbage collection walks every object in the process, whichever thread
  triggers it, with the GIL held: ~110,000 objects after start-up (modules, Qt wrappers), measured at
  73 ms on a 2-core machine. Those objects live as long as the app, so once the window is built they
  are moved out of the collector's sight (``gc.freeze``); later collections walk only what came after.

Both matter from the first instruction of a GUI process, not only once the window is up: the song
decodes on its own threads while Qt starts and the window is built (audio/opening.py), and with the
default 5 ms hand-over each of the decode's many returns from C code waited behind the window's
Python code. Opening an hour-long WAV took 2.4–3.2 s; with a 1 ms interval from the start, 1.9 s. The
collector is off while start-up only allocates (about 0.1 s of collections) and goes back on once
those objects are frozen.
"""

from __future__ import annotations

import gc
import sys

GIL_SWITCH_INTERVAL_S = 0.001


def start_gui_process() -> None:
    """Called first thing by a process that will show the window (ui/app.py run_gui, ``retake screenshot``)."""
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    gc.disable()  # until keep_event_loop_responsive: start-up creates objects that live as long as the app


def keep_event_loop_responsive() -> None:
    """Called once by ui/app.py when the main window is built (again is harmless: it re-freezes what is alive)."""
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    gc.collect()  # what start-up left as garbage goes now, not frozen forever
    gc.freeze()
    gc.enable()
