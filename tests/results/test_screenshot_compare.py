"""``retake screenshot --demo-compare`` runs a real inpaint on the local engine and renders the lanes."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtGui import QImage


def test_demo_compare_screenshot(tmp_path) -> None:
    out = tmp_path / "compare.png"
    env = {**os.environ, "RETAKE_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "desktop_app", "screenshot", str(out), "--demo-compare", "--size", "1280x800"],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)
    # The demo job ran in a throwaway folder, not in the user's (here: the sandbox's) history.
    assert not (tmp_path / "home" / "data" / "jobs.sqlite3").exists()
