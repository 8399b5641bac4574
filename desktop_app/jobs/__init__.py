"""jobs layer (no Qt): the job store and the submit → poll → download runner.

- ``runner.JobRunner(store, client_factory)``: ``create(request, engine, out_dir=, duration=)``,
  ``run(job_id, cancel, on_event, resubmit=False)``, ``resume_all(cancel, on_event)``,
  ``cancel(job_id)`` / ``cancel_all()`` (thread-safe; a blocked read returns at once).
- ``events.JobEvent`` / ``EventKind``: what a run reports (a Qt worker forwards these).
- ``states.JobState``: draft, uploading, submitted, running, stalled, downloading, done, failed,
  cancelled; ``next_state``/``resume_action`` are pure.
- ``store.JobStore``: SQLite (WAL) with jobs, takes and events; ``JobRecord``, ``TakeRecord``.
- ``clients.ClientFactory``: engine name → ``EngineClients`` (own ``httpx.Client`` per call).
- ``poll_scheduler``: ``PollBudget`` (shared byId budget), ``PollSchedule``.
- ``download.download_take``; ``retention`` (how long files are kept, which link first);
  ``summary.write_summary`` (job.json); ``terminal`` (CLI progress).
"""
