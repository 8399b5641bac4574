"""Guard against a PySide6 6.12.0 bug on Python 3.11 that aborts the app after a few thousand calls.

Measured here: with PySide6 6.12.0 on CPython 3.11, *every* call of a Qt method that returns
void (``label.setText``, ``painter.drawLine``, ``widget.update`` ...) drops one reference to
``None`` too many, and every ``signal.emit(...)`` drops one reference to ``True``. After a few
thousand calls the count reaches zero and CPython aborts ("Fatal Python error: none_dealloc" or
"bool_dealloc"). 6.11.3 does not do it, and Python 3.12+ is immune because these singletons
are immortal there (PEP 683).

The guard detects the leak with a probe and, only then, gives None, True and False reference
counts so large they cannot run out (2**40: weeks of calls), which is what PEP 683 does for
3.12. The real fix is to keep PySide6 off 6.12.0 (pyproject); this module can go once pinned.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)
_RESERVE = 1 << 40
_installed = False


def _void_calls_leak_none() -> bool:
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(20):
        probe.setObjectName("probe")
    return before - sys.getrefcount(None) >= 10


def install() -> bool:
    """Apply the guard when needed; returns True when it was applied (once per process)."""
    global _installed
    if _installed or sys.version_info >= (3, 12):
        return False
    _installed = True
    if not _void_calls_leak_none():
        return False
    # ob_refcnt is the first field of every object (a Py_ssize_t) in CPython 3.11.
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += _RESERVE
    log.warning("PySide6 %s leaks references to None/True on this Python; guard applied", _pyside_version())
    return True


def _pyside_version() -> str:
    import PySide6

    return PySide6.__version__


install()
