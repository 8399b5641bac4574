"""The suite's pytest plugin: sandbox, markers, the Qt-free core run and the leftover-thread guard.

Registered by tests/conftest.py, so it loads before any test module imports desktop_app or Qt:

- Sandbox: every folder, the keyring and the network are redirected before anything loads; a test
  may connect to loopback only.
- Markers: a test is ``gui`` when its module imports Qt (PySide6, ``desktop_app.ui``/``services``) at
  the top, its folder is a GUI folder, or it uses ``qtbot``/``qapp``; every other test is ``core``.
  ``pytest -m core`` skips the GUI modules at collection and leaves pytest-qt unloaded, so PySide6
  is never imported (tests/test_markers.py checks it in a subprocess).
- Threads: a test fails when a thread it started is still running a few seconds after it ended.
"""

from __future__ import annotations

import gc
import ipaddress
import itertools
import os
import re
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

# Must happen before desktop_app or Qt is imported anywhere.
_SANDBOX = Path(tempfile.mkdtemp(prefix="retake-tests-"))
os.environ["RETAKE_HOME"] = str(_SANDBOX / "home")
os.environ["RETAKE_NO_CRASH_DIALOG"] = "1"
os.environ["RETAKE_ENGINE_AUTOSTART"] = "0"  # windows in tests start the local engine only when a job needs it
os.environ["RETAKE_AUDIO_OUTPUT"] = os.environ.get("RETAKE_AUDIO_OUTPUT", "silent")
os.environ["PYTHON_KEYRING_BACKEND"] = "tests.support.memory_keyring.MemoryKeyring"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["HOME"] = str(_SANDBOX / "user-home")
(_SANDBOX / "user-home").mkdir(parents=True, exist_ok=True)

_real_connect = socket.socket.connect


def _loopback_only_connect(self: socket.socket, address) -> None:
    """Refuse any connection that is not to this machine: tests never touch the real network."""
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        try:
            is_local = ipaddress.ip_address(host).is_loopback
        except ValueError:
            is_local = host == "localhost"
        if not is_local:
            raise ConnectionRefusedError(f"tests may not connect to {host}")
    return _real_connect(self, address)


socket.socket.connect = _loopback_only_connect  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def sandbox() -> Path:
    return _SANDBOX


# ------------------------------------------------------------------------------------------ markers
_TESTS = Path(__file__).resolve().parents[1]
GUI_FOLDERS = {"ui", "ui_jobs", "results", "services"}  # they test the widgets and the QObject services
GUI_FIXTURES = {"qtbot", "qapp"}
_QT_IMPORT = re.compile(r"^(?:from|import) (?:PySide6|pytestqt|desktop_app\.(?:ui|services))\b", re.MULTILINE)
_gui_modules: dict[Path, bool] = {}


def is_gui_module(path: Path) -> bool:
    """Whether a test module needs Qt to be imported: by its folder or its top-level imports."""
    path = Path(path).resolve()
    if path not in _gui_modules:
        folder = path.relative_to(_TESTS).parts[0] if path.is_relative_to(_TESTS) else ""
        _gui_modules[path] = folder in GUI_FOLDERS or bool(_QT_IMPORT.search(path.read_text(encoding="utf-8")))
    return _gui_modules[path]


def _gui_may_run(config: pytest.Config) -> bool:
    """False when the ``-m`` expression selects no ``gui`` test, whatever other markers it carries."""
    text = config.getoption("markexpr", "")
    if not text:
        return True
    from _pytest.mark.expression import Expression

    expression = Expression.compile(text)
    others = sorted(set(re.findall(r"[A-Za-z_]\w*", text)) - {"and", "or", "not", "gui", "core"})
    for values in itertools.product((False, True), repeat=len(others)):
        on = {"gui", *itertools.compress(others, values)}
        if expression.evaluate(lambda name, on=on: name in on):
            return True
    return False


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """A run that selects no GUI test unloads pytest-qt before it configures (which imports PySide6)."""
    if not _gui_may_run(config):
        plugin = config.pluginmanager.get_plugin("pytest-qt")
        if plugin is not None:
            config.pluginmanager.unregister(plugin)
            config.pluginmanager.set_blocked("pytest-qt")


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if _gui_may_run(config):
        return None
    path = Path(collection_path)
    if path.is_dir():  # a GUI folder, or one whose conftest needs Qt (loading it would import PySide6)
        conftest = path / "conftest.py"
        gui = path.resolve().parent == _TESTS and path.name in GUI_FOLDERS
        return gui or (conftest.exists() and bool(_QT_IMPORT.search(conftest.read_text(encoding="utf-8")))) or None
    if path.suffix == ".py" and path.name.startswith("test_"):
        return is_gui_module(path) or None
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        gui = is_gui_module(item.path) or bool(GUI_FIXTURES & set(getattr(item, "fixturenames", ())))
        item.add_marker(pytest.mark.gui if gui else pytest.mark.core)


_first_qt_test: list[str] = []  # the test after which PySide6 was first found imported, in a run without GUI tests


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    if not _first_qt_test and "PySide6" in sys.modules and not _gui_may_run(item.config):
        _first_qt_test.append(item.nodeid)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A run that selects no GUI test checks itself: anything that imported Qt fails it, naming the test."""
    if not _gui_may_run(session.config) and "PySide6" in sys.modules:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        culprit = f" (first seen after {_first_qt_test[0]})" if _first_qt_test else ""
        sys.stderr.write(
            f"\nPySide6 was imported during a run without GUI tests (-m core){culprit}: a core test needs Qt;"
            " move it under a GUI folder or import Qt at its module's top\n"
        )


# ------------------------------------------------------------------------------------------ threads
THREAD_LINGER_S = 5.0  # a thread the test ended (a job cancelled, a window closed) has this long to stop
# Threads the test cannot join, each with its reason:
# - the local engine's worker processes are shut down without waiting (a stopping engine must not block on
#   the DSP a worker is running): the pool's manager and queue-feeder threads end when those processes do;
# - pools the session's running engine keeps for its whole life (AnyIO's thread pool for uvicorn's sync
#   work, the engine's MP3 encoders), which a test may be the first to start.
_UNJOINABLE = re.compile(r"^(AnyIO worker thread|engine-mp3|QueueFeederThread$)")


def _unjoinable(thread: threading.Thread) -> bool:
    from concurrent.futures.process import _ExecutorManagerThread  # type: ignore[attr-defined]

    return isinstance(thread, _ExecutorManagerThread | threading._DummyThread) or bool(_UNJOINABLE.match(thread.name))


def _leftovers(before: set[threading.Thread]) -> list[threading.Thread]:
    return [
        thread
        for thread in threading.enumerate()
        if thread not in before
        and thread.is_alive()
        and not _unjoinable(thread)  # _DummyThread: a thread Python did not start (Qt's own)
    ]


@pytest.fixture(autouse=True)
def _no_thread_left_running():
    """Fail a test that leaves a thread it started (daemon or not) running after it has ended."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + THREAD_LINGER_S
    if _leftovers(before):
        gc.collect()  # services the test dropped stop their workers when collected (their ``destroyed``)
    for thread in _leftovers(before):
        thread.join(max(0.0, deadline - time.monotonic()))
    left = _leftovers(before)
    if left:
        names = ", ".join(f"{t.name}{' (daemon)' if t.daemon else ''}" for t in left)
        pytest.fail(f"the test left {len(left)} thread(s) running: {names}", pytrace=False)
