"""Close the window when the system asks the app to stop, as if the producer had closed it.

SIGTERM comes from a logout, a service manager or ``kill``; SIGINT from Ctrl+C in the terminal that
started Retake. Left to Python's defaults, the first kills the process on the spot and the second raises
KeyboardInterrupt inside whatever Qt callback runs: the window's settings are not saved, the local
engine's worker processes are orphaned and their semaphores leak. Here both close every window instead:
the settings are saved, running jobs keep their state for the next start, the engine stops.

Python runs a signal handler only when the interpreter gets control, and Qt's event loop may sit in C++
for as long as nothing happens. So the signal is also written to a socket (``signal.set_wakeup_fd``)
that a ``QSocketNotifier`` watches: the loop wakes at once and the close happens on the GUI thread.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def close_on_stop_signals(parent: QObject) -> Callable[[], None]:
    """Close every window (then quit) on SIGTERM or SIGINT; returns a function that puts the previous
    handlers back. ``parent`` owns the notifier (the main window: it lives as long as the loop runs)."""
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    previous_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    # A Python-level handler that does nothing: the wake-up byte carries the news, and having any handler
    # keeps SIGTERM from killing the process and SIGINT from raising KeyboardInterrupt mid-callback.
    previous = {number: signal.signal(number, lambda *_: None) for number in STOP_SIGNALS}
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, parent)

    def woken() -> None:
        try:
            received = reader.recv(64)
        except OSError:
            return
        names = sorted({signal.Signals(n).name for n in received if n in STOP_SIGNALS})
        if names:
            log.info("%s received: closing the window as the user would", " and ".join(names))
            QApplication.closeAllWindows()  # dialogs first, then the main window saves and stops its work
            QApplication.quit()

    notifier.activated.connect(woken)

    def restore() -> None:
        notifier.setEnabled(False)
        signal.set_wakeup_fd(previous_fd)
        for number, handler in previous.items():
            signal.signal(number, handler)
        for end in (reader, writer):
            with contextlib.suppress(OSError):
                end.close()

    return restore
