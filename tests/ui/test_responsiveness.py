"""Starting the app sets the interpreter up for a responsive event loop while job threads run.

Checked in a fresh process, as the app starts: the test process itself keeps the interpreter's defaults
(it builds hundreds of windows, which a frozen heap would keep alive).
"""

from __future__ import annotations

import json
import subprocess
import sys

from desktop_app.ui.responsiveness import GIL_SWITCH_INTERVAL_S
from tests.support.cli import ROOT

SCRIPT = """
import gc, json, sys
from desktop_app.ui.app import create_application, show_main_window
from desktop_app.ui.main_window import MainWindow
app = create_application()
MainWindow().close()
before = (sys.getswitchinterval(), gc.get_freeze_count())
from desktop_app.ui.responsiveness import start_gui_process
start_gui_process()
starting = (sys.getswitchinterval(), gc.isenabled())
window = show_main_window()
print(json.dumps({"before": before, "starting": starting, "interval": sys.getswitchinterval(),
                  "frozen": gc.get_freeze_count(), "young": len(gc.get_objects(generation=2)),
                  "collecting": gc.isenabled()}))
window.close()
"""


def test_app_start_hands_the_gil_over_often_and_freezes_startup_objects() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["before"] == [0.005, 0]  # building a window alone changes nothing
    # From the process's start the GIL is handed over often and the collector waits for the window.
    assert figures["starting"] == [GIL_SWITCH_INTERVAL_S, False]
    assert figures["interval"] == GIL_SWITCH_INTERVAL_S and figures["collecting"]
    # The window and everything imported to build it are out of the collector's sight: a full
    # collection later walks only what came after.
    assert figures["frozen"] > 10_000
    assert figures["young"] < figures["frozen"]
