"""jobs layer (no Qt): the job store and the submit → poll → download runner.

- ``runner.JobRunner(store, client_factory)``: ``create(request, engine, out_dir=, duration=)``,
  ``run(job_id, cancel, on_event, resubmit=False)``, ``resume_all(cancel, on_event)``.
- ``events.JobEvent`` / ``EventKind``: what a run reports (a Qt worker forwards these).
- ``states.JobState``: draft, uploading, submitted, running, stalled, downloading, done, failed,
  cancelled; ``next_state``/``resume_action`` are pure.
- ``store.JobStore``: SQLite (WAL) with jobs, takes and events; ``JobRecord``, ``TakeRecord``.
- ``clients.ClientFactory``: engine name → ``EngineClients`` (own ``httpx.Client`` per call).
- ``poll_scheduler``: ``PollBudget`` (shared byId budget), ``PollSchedule``.
- ``download.download_take``; ``summary.write_summary`` (job.json); ``terminal`` (CLI progress).
"""
