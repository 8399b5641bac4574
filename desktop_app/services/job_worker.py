"""Run one job on its own QThread: the runner does the work, this forwards its events as signals.

The runner builds a fresh ``httpx.Client`` for each run, inside this thread, so every worker owns
its own client. Cancellation is a ``threading.Event`` the runner checks between upload chunks,
polls and download chunks.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from desktop_app.api.errors import ServiceError
from desktop_app.jobs.events import JobEvent
from desktop_app.jobs.runner import JobRunner

log = logging.getLogger(__name__)


class JobWorker(QObject):
    """Lives in a worker thread; ``run`` blocks there until the job ends, stalls or is cancelled."""

    event = Signal(object)  # JobEvent
    finished = Signal(str, int)  # job id, generation

    def __init__(self, runner: JobRunner, job_id: str, generation: int, *, resubmit: bool = False) -> None:
        super().__init__()
        self.runner = runner
        self.job_id = job_id
        self.generation = generation
        self.resubmit = resubmit
        self.cancel_event = threading.Event()

    @Slot()
    def run(self) -> None:
        try:
            self.runner.run(self.job_id, self.cancel_event, self._forward, resubmit=self.resubmit)
        except ServiceError as error:  # the runner records failures itself; this is a last resort
            log.warning("job %s ended with %s", self.job_id, error.kind)
        except Exception:
            log.exception("job %s worker crashed", self.job_id)
        finally:
            self.finished.emit(self.job_id, self.generation)

    def _forward(self, event: JobEvent) -> None:
        # Emitted from the worker thread; Qt queues it to receivers living in the GUI thread.
        self.event.emit((self.generation, event))


class JobThread:
    """A QThread with its worker, kept together so neither is collected while running."""

    def __init__(self, worker: JobWorker) -> None:
        self.worker = worker
        self.thread = QThread()
        self.thread.setObjectName(f"job-{worker.job_id[:8]}")
        worker.moveToThread(self.thread)
        self.thread.started.connect(worker.run)
        # Direct: quit from the worker thread the moment run() is done, so the GUI thread's wait()
        # never races a queued quit.
        worker.finished.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)

    def start(self) -> None:
        self.thread.start()

    def cancel(self) -> None:
        self.worker.cancel_event.set()

    def wait(self, ms: int = 10_000) -> bool:
        return self.thread.wait(ms)
