"""``pytest -m core`` collects the core tests without importing Qt; the GUI tests are marked ``gui``."""

from __future__ import annotations

import functools
import subprocess
import sys

from tests.support.cli import ROOT

COLLECT = """
import sys, pytest
code = pytest.main([*{marker_args}, "--collect-only", "-q", "-p", "no:cacheprovider", "tests"])
print("PySide6 imported:", "PySide6" in sys.modules)
sys.exit(code)
"""


@functools.cache
def _collect(marker: str) -> str:
    """The collected ids of ``-m marker`` (every test when ``marker`` is empty), and whether Qt got imported."""
    marker_args = ["-m", marker] if marker else []
    done = subprocess.run([sys.executable, "-c", COLLECT.format(marker_args=marker_args)], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


def test_the_core_run_never_imports_pyside6() -> None:
    out = _collect("core")
    assert "PySide6 imported: False" in out
    assert "tests/jobs/test_runner.py::" in out and "tests/test_markers.py::" in out
    assert "tests/ui_jobs/" not in out and "test_bad_audio_file_in_the_window" not in out


def test_gui_tests_are_marked_by_folder_import_or_fixture() -> None:
    out = _collect("gui")
    assert "tests/ui_jobs/test_queue.py::" in out  # folder
    assert "tests/reliability/test_event_loop_stall.py::" in out  # a Qt service imported at the top
    assert "test_bad_audio_file_in_the_window" in out  # qapp, through its window fixture
    assert "tests/jobs/" not in out


def _ids(marker: str) -> set[str]:
    return {line for line in _collect(marker).splitlines() if "::" in line}


def test_every_test_is_either_core_or_gui() -> None:
    core, gui, every = _ids("core"), _ids("gui"), _ids("")
    assert core and gui and not core & gui
    assert core | gui == every, sorted(every - core - gui)[:10]
