"""Test isolation: every folder, the keyring and the network are sandboxed before anything loads."""

from __future__ import annotations

import gc
import ipaddress
import os
import socket
import tempfile
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


@pytest.fixture(autouse=True)
def _unfrozen_heap():
    """Each MainWindow freezes the objects alive when it is built (see ui/responsiveness.py): right for an
    app that builds one window, but a test process builds hundreds. Thaw after each test so windows of
    earlier tests can still be collected."""
    yield
    gc.unfreeze()
