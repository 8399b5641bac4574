"""Run jobs from a terminal: progress lines on stderr, Ctrl+C cancels, exit codes for scripts.

Used by ``retake <operation>`` and ``retake jobs resume``; the runner itself knows nothing of
terminals. Exit codes: 0 done, 1 failed, 2 invalid input, 3 still running (resume later),
130 cancelled.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from typing import TextIO

from desktop_app.jobs.events import EventKind, JobEvent
from desktop_app.jobs.records import JobRecord
from desktop_app.jobs.runner import JobRunner, RunnerSettings
from desktop_app.jobs.states import JobState
from desktop_app.jobs.store import JobStore

EXIT_OK, EXIT_FAILED, EXIT_INVALID, EXIT_STALLED, EXIT_CANCELLED = 0, 1, 2, 3, 130


class TerminalProgress:
    """Prints a job's events; ``\\r``-updated bars on a TTY, a line per quarter otherwise."""

    def __init__(self, stream: TextIO | None = None, *, prefix: str = "") -> None:
        self.stream = stream or sys.stderr
        self.prefix = prefix
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last_quarter: dict[tuple, int] = {}
        self._open_bar = False

    def _line(self, text: str) -> None:
        if self._open_bar:
            self.stream.write("\n")
            self._open_bar = False
        self.stream.write(f"{self.prefix}{text}\n")
        self.stream.flush()

    def _bar(self, key: tuple, label: str, done: int, total: int | None) -> None:
        if total:
            fraction = min(1.0, done / total)
            text = f"{label} {fraction:4.0%} ({done / 1e6:.1f} of {total / 1e6:.1f} MB)"
        else:
            fraction, text = 0.0, f"{label} {done / 1e6:.1f} MB"
        if self.tty:
            self.stream.write(f"\r{self.prefix}{text}")
            self.stream.flush()
            self._open_bar = True
            return
        quarter = int(fraction * 4)
        if self._last_quarter.get(key, -1) < quarter:
            self._last_quarter[key] = quarter
            self._line(text)

    def __call__(self, event: JobEvent) -> None:
        kind = event.kind
        if kind is EventKind.STATE and event.state is not None:
            self._line(f"[{event.state.value}] {event.message or event.state.label}")
        elif kind is EventKind.UPLOAD:
            self._bar(("up",), "uploading", event.done or 0, event.total)
        elif kind is EventKind.DOWNLOAD:
            self._bar(("down", event.take_index), f"downloading take {event.take_index}", event.done or 0, event.total)
        elif kind is EventKind.ETA and event.eta_seconds is not None:
            self._line(f"the service expects about {event.eta_seconds:.0f} s")
        elif kind is EventKind.CREDITS:
            if event.cost is not None:
                self._line(f"cost: {event.cost:g} credits")
            elif event.credit_estimate is not None:
                self._line(f"credit estimate: {event.credit_estimate:g}")
        elif kind is EventKind.STATUS:
            self._line(f"service status: {event.message}")
        elif kind is EventKind.RETRY:
            self._line(f"retrying in {event.delay or 0:.0f} s: {event.message}")
        elif kind is EventKind.TAKE and event.take is not None:
            duration = f" ({event.take.duration:.1f} s)" if event.take.duration else ""
            self._line(f"take {event.take.idx}: {event.take.path}{duration}")


def run_in_foreground(
    runner: JobRunner, job_id: str, *, resubmit: bool = False, stream: TextIO | None = None
) -> JobRecord:
    """Run the job on a worker thread so Ctrl+C cancels it cleanly (the job stays resumable)."""
    cancel = threading.Event()
    progress = TerminalProgress(stream)
    result: dict[str, object] = {}

    def work() -> None:
        try:
            result["job"] = runner.run(job_id, cancel, progress, resubmit=resubmit)
        except BaseException as exc:  # handed to the main thread
            result["error"] = exc

    thread = threading.Thread(target=work, name=f"retake-job-{job_id}")  # joined below, Ctrl+C or not
    thread.start()
    while thread.is_alive():
        try:
            thread.join(0.2)
        except KeyboardInterrupt:
            progress._line("cancelling…")
            cancel.set()
            runner.cancel(job_id)  # also shuts its connections, so a blocked read returns at once
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["job"]  # type: ignore[return-value]


def exit_code(job: JobRecord) -> int:
    return {
        JobState.DONE: EXIT_OK,
        JobState.STALLED: EXIT_STALLED,
        JobState.CANCELLED: EXIT_CANCELLED,
    }.get(job.state, EXIT_FAILED)


def report(job: JobRecord, store: JobStore, stream: TextIO | None = None) -> int:
    """Final lines for a finished run: takes on stdout, the problem on stderr; returns the exit code."""
    err = stream or sys.stderr
    if job.state is JobState.DONE:
        for take in store.takes(job.id):
            print(take.path, flush=True)
        print(f"summary: {job.out_dir / 'job.json'}", file=err, flush=True)
    elif job.state is JobState.STALLED:
        print(f"still running: keep waiting with `retake jobs resume {job.id}`", file=err, flush=True)
    elif job.state is JobState.CANCELLED:
        print(f"cancelled; `retake jobs resume {job.id}` picks it up again", file=err, flush=True)
    else:
        print(f"error: {job.error_message or 'the job failed'}", file=err, flush=True)
        if job.error_kind == "interrupted_submit":
            print(f"to send it again anyway: `retake jobs resume {job.id} --resubmit`", file=err, flush=True)
    return exit_code(job)


@contextlib.contextmanager
def cli_runner(*, api_key: str | None = None, engine: str | None = None, settings: RunnerSettings | None = None
               ) -> Iterator[JobRunner]:  # fmt: skip
    """A runner on the user's job store; a local engine is started only if a job needs it.

    ``api_key`` is used for ``engine`` only, so one service's key is never sent to another.
    """
    from desktop_app.api.engines import parse_engine
    from desktop_app.api.redact import install_log_redaction
    from desktop_app.jobs.clients import ClientFactory

    install_log_redaction()
    keys = {parse_engine(engine).name: api_key} if api_key and engine else None
    with JobStore() as store, ClientFactory(api_keys=keys) as factory:
        yield JobRunner(store, factory, settings=settings)
