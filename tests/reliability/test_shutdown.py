"""Closing the window while 20 jobs wait on the service: every job is let go at once, none is lost.

The local engine holds every poll (``byid:slow``), so each job thread sits in a blocked HTTP read when the
window closes. Cancelling a job shuts its connections, and the jobs are joined together under one
deadline, so the close returns promptly (measured by ``bench_shutdown``; the bound below only guards
against a hang). The jobs are interrupted, not cancelled: each keeps its state and the service's task id,
and the next start resumes it to its takes without sending it again.
"""

from __future__ import annotations

import threading
import time

import pytest

from desktop_app.api.keys import KeyStore
from desktop_app.jobs.clients import ClientFactory
from desktop_app.jobs.states import JobState
from desktop_app.services.jobs_service import JobsService
from tests.reliability.stall import submit_jobs
from tests.reliability.support import engine_records
from tests.support import WAIT_MS
from tests.support.fixtures import FAST

JOBS = 20
HANG_GUARD_S = 10.0


@pytest.mark.slow
def test_closing_the_window_with_20_jobs_running_joins_them_and_leaves_each_resumable(
    jobs_window, jobs_song, engine, qtbot
) -> None:
    service = jobs_window.jobs.service
    engine.set_faults("byid:slow=120x*")  # every poll hangs for two minutes
    ids = submit_jobs(service, jobs_song, jobs_window.document.clip.duration, JOBS, spacing_ms=0)
    qtbot.waitUntil(lambda: len(ids) == JOBS and all(service.get(i).has_ids for i in ids), timeout=3 * WAIT_MS)
    before = {i: service.get(i).task_id for i in ids}

    began = time.monotonic()
    jobs_window.close()
    assert time.monotonic() - began < HANG_GUARD_S
    assert not [t.name for t in threading.enumerate() if t.name.startswith("job-")]
    assert not any(service.is_active(i) for i in ids)
    for job_id in ids:
        job = service.get(job_id)
        assert job.has_ids and not job.state.finished, (job.state, job.error_message)

    # The next start resumes each job with the task id it had: nothing is sent twice, nothing asked of the user.
    engine.set_faults(None)
    sent = len(engine_records(engine.data_dir))
    again = JobsService(store=service.store, factory=ClientFactory(local_engine=engine), settings=FAST,
                        key_store=KeyStore())  # fmt: skip
    try:
        assert set(again.resume_unfinished()) >= set(ids)
        qtbot.waitUntil(lambda: all(again.get(i).state is JobState.DONE for i in ids), timeout=15 * WAIT_MS)
        assert {i: again.get(i).task_id for i in ids} == before
        assert len(engine_records(engine.data_dir)) == sent
    finally:
        again.shutdown()
