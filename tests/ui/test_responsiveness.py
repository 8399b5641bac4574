"""Building the window sets the interpreter up for a responsive event loop while job threads run."""

from __future__ import annotations

import gc
import sys

from desktop_app.ui.responsiveness import GIL_SWITCH_INTERVAL_S


def test_the_window_hands_the_gil_over_often_and_freezes_startup_objects(window) -> None:
    assert sys.getswitchinterval() == GIL_SWITCH_INTERVAL_S
    # The window and everything imported to build it are out of the collector's sight: a full
    # collection later walks only what came after.
    assert gc.get_freeze_count() > 10_000
    assert len(gc.get_objects(generation=2)) < gc.get_freeze_count()
