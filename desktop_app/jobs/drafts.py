"""A new job in two steps: a draft checked and made in memory, then stored with its input's digest.

The app sends jobs from the GUI thread, and a window must not wait there for the disk: storing a job
queues behind the writes of every job already running (twenty at once, each holding the store's one
connection while it commits), and the input's SHA-256 reads the whole song (635 MB for an hour of WAV).
So :func:`draft_job` does only what can fail on the producer's input (the engine, the request's rules)
and returns the record at once; :func:`store_draft` does the disk work on the job's own thread before it
runs. The command line does both in a row (``JobRunner.create``).
"""

from __future__ import annotations

import time
from pathlib import Path

from desktop_app.api.models import ServiceRequest
from desktop_app.jobs.records import JobRecord
from desktop_app.jobs.states import JobState
from desktop_app.jobs.store import JobStore, file_sha256, new_job_id


def draft_job(
    request: ServiceRequest, engine: str, *, out_dir: Path | None = None, duration: float | None = None
) -> JobRecord:
    """Check ``request`` (with the track's ``duration`` when known) for ``engine``; the job it would be,
    not stored yet. Raises InvalidRequestError / ServiceError when it cannot be sent."""
    from desktop_app.api.engines import parse_engine

    parse_engine(engine).require(request.operation)
    request.check(duration)
    job_id = new_job_id()
    if out_dir is None:
        from desktop_app import paths

        out_dir = paths.data_dir() / "takes" / job_id
    now = time.time()
    return JobRecord(
        id=job_id,
        operation=request.operation.value,
        engine=engine,
        params=request.to_params(),
        out_dir=Path(out_dir),
        state=JobState.DRAFT,
        created_at=now,
        updated_at=now,
        input_path=Path(request.audio_file) if request.audio_file else None,
        input_duration=duration,
    )


def store_draft(store: JobStore, draft: JobRecord) -> JobRecord:
    """Hash the draft's input and store it (one write); the stored record. OSError when the input is gone."""
    return store.create_job(
        draft.operation,
        draft.engine,
        draft.params,
        out_dir=draft.out_dir,
        input_path=draft.input_path,
        input_sha256=file_sha256(draft.input_path) if draft.input_path else None,
        input_duration=draft.input_duration,
        job_id=draft.id,
        created_at=draft.created_at,
    )
