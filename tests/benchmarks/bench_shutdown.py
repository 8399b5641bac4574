"""Closing the window while 20 jobs wait on the service (issue 15: under 2 s, every job resumable).

The local engine holds every poll for two minutes (``byid:slow``), so each job thread sits in a blocked
HTTP read. Printed: the time ``MainWindow.close()`` takes with the 20 jobs, beside the same window closed
with no job (the bare baseline); the job threads still alive afterwards; the jobs left with their task id
(resumable); the process's peak RSS.
"""

from __future__ import annotations

import os
import resource
import shutil
import tempfile
import threading
import time
from pathlib import Path

JOBS = 20


def _window(tmp: Path, engine, name: str):
    from desktop_app.api.keys import KeyStore
    from desktop_app.jobs.clients import ClientFactory
    from desktop_app.jobs.store import JobStore
    from desktop_app.services.jobs_service import JobsService
    from desktop_app.services.settings import Settings
    from desktop_app.ui.main_window import MainWindow

    service = JobsService(store=JobStore(tmp / f"{name}.sqlite3"), factory=ClientFactory(local_engine=engine),
                          key_store=KeyStore())  # fmt: skip
    window = MainWindow(settings=Settings(str(tmp / f"{name}.ini")), jobs_service=service)
    window.show()
    return window, service


def _timed_close(window) -> float:
    began = time.perf_counter()
    window.close()
    return time.perf_counter() - began


def main() -> None:
    from PySide6.QtWidgets import QApplication

    from desktop_app.engine import LocalEngine
    from desktop_app.jobs.states import JobState
    from tests.benchmarks.bench_reliability import _spin
    from tests.reliability.stall import submit_jobs
    from tests.support.songs import write_beat_song

    os.environ.setdefault("RETAKE_ENGINE_AUTOSTART", "0")
    app = QApplication.instance() or QApplication([])
    print(f"load average {os.getloadavg()[0]:.1f} (2-core machine)", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="retake-bench-shutdown-"))
    try:
        song = write_beat_song(tmp / "beat.wav", 24.0, bpm=120.0, first_downbeat=0.5)
        with LocalEngine(data_dir=tmp / "engine") as engine:
            bare, bare_service = _window(tmp, engine, "bare")
            baseline = _timed_close(bare)
            bare_service.store.close()

            window, service = _window(tmp, engine, "busy")
            opened: list[object] = []
            window.document.clip_changed.connect(lambda *_: opened.append(1))
            window.open_file(song)
            _spin(app, lambda: opened, 30)
            engine.set_faults("byid:slow=120x*")
            ids = submit_jobs(service, song, window.document.clip.duration, JOBS, spacing_ms=0)
            _spin(app, lambda: len(ids) == JOBS and all(service.get(i).has_ids for i in ids), 120)
            time.sleep(1.5)  # every job's first poll is now held by the engine
            closing = _timed_close(window)
            alive = [t.name for t in threading.enumerate() if t.name.startswith("job-")]
            resumable = sum(1 for i in ids if service.get(i).has_ids and service.get(i).state is not JobState.FAILED)
            engine.set_faults(None)
            service.store.close()
            _report(closing, baseline, alive, resumable)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # the engine's worker processes may still be writing there


def _report(closing: float, baseline: float, alive: list[str], resumable: int) -> None:
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"close with {JOBS} jobs in blocked polls: {closing * 1000:.0f} ms (bare window: {baseline * 1000:.0f} ms)"
          f"  [{'ok' if closing < 2.0 else 'OVER 2 s'}]", flush=True)  # fmt: skip
    print(f"  job threads alive after close: {len(alive)}; jobs resumable (task id kept, not failed): "
          f"{resumable}/{JOBS}; peak RSS {peak_mb:.0f} MB", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
