"""``job.json``: a readable record of a finished job next to its takes (no keys, no full URLs)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop_app.jobs.records import EventRecord, JobRecord, TakeRecord

SUMMARY_NAME = "job.json"


def _iso(timestamp: float | None) -> str | None:
    return datetime.fromtimestamp(timestamp, UTC).isoformat() if timestamp else None


def summary_dict(job: JobRecord, takes: list[TakeRecord], events: list[EventRecord] | None = None) -> dict[str, Any]:
    from desktop_app.api.engines import parse_engine

    return {
        "job_id": job.id,
        "operation": job.operation,
        "engine": job.engine,
        "engine_label": parse_engine(job.engine).label,
        "state": job.state.value,
        "parameters": job.params,
        "input": {
            "path": str(job.input_path) if job.input_path else None,
            "sha256": job.input_sha256,
            "duration_seconds": job.input_duration,
        },
        "service": {
            "task_id": job.task_id,
            "conversion_ids": list(job.conversion_ids),
            "status": job.service_status,
            "eta_seconds": job.eta_seconds,
            "credit_estimate": job.credit_estimate,
            "cost": job.cost,
        },
        "times": {
            "created": _iso(job.created_at),
            "submitted": _iso(job.submitted_at),
            "finished": _iso(job.finished_at),
        },
        "takes": [
            {
                "index": t.idx,
                "file": t.path.name,
                "format": t.format,
                "duration_seconds": t.duration,
                "conversion_id": t.conversion_id,
                "title": t.title,
                "lyrics": t.lyrics,
                "lyrics_timestamped": t.lyrics_timestamped,
            }
            for t in takes
        ],
        "error": {"kind": job.error_kind, "message": job.error_message} if job.error_kind else None,
        "events": [{"at": _iso(e.at), "kind": e.kind, "state": e.state, "message": e.message} for e in events or []],
    }


def write_summary(job: JobRecord, takes: list[TakeRecord], events: list[EventRecord] | None = None) -> Path:
    """Write ``job.json`` in the job's output folder atomically; returns its path."""
    path = job.out_dir / SUMMARY_NAME
    partial = path.with_name(path.name + ".part")
    partial.write_text(json.dumps(summary_dict(job, takes, events), indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, path)
    return path
