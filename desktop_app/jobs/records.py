"""What the job store holds, as the rest of the app reads it: a job, a take, an event, a take's rating."""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from desktop_app.jobs.states import JobState


class Rating(StrEnum):
    """The producer's mark on a take, stored as its value; the marks are listed best first."""

    NONE = ""
    STAR = "star"
    KEEP = "keep"
    REJECT = "reject"


@dataclass(frozen=True)
class JobRecord:
    id: str
    operation: str
    engine: str
    params: dict[str, Any]
    out_dir: Path
    state: JobState
    created_at: float
    updated_at: float
    input_path: Path | None = None
    input_sha256: str | None = None
    input_duration: float | None = None
    task_id: str | None = None
    conversion_ids: tuple[str, ...] = ()
    upload_url: str | None = None
    eta_seconds: float | None = None
    credit_estimate: float | None = None
    cost: float | None = None
    service_status: str | None = None
    error_kind: str | None = None
    error_message: str | None = None
    submit_sent_at: float | None = None
    submitted_at: float | None = None
    finished_at: float | None = None
    uploaded_at: float | None = None

    @property
    def has_ids(self) -> bool:
        """The service knows this job: it must be polled, never submitted again."""
        return bool(self.task_id)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> JobRecord:
        d = dict(row)
        return cls(
            **{
                **d,
                "params": json.loads(d["params"]),
                "out_dir": Path(d["out_dir"]),
                "state": JobState(d["state"]),
                "input_path": Path(d["input_path"]) if d["input_path"] else None,
                "conversion_ids": tuple(json.loads(d["conversion_ids"] or "[]")),
            }
        )


@dataclass(frozen=True)
class TakeRecord:
    idx: int
    path: Path
    conversion_id: str | None = None
    format: str | None = None
    duration: float | None = None
    title: str | None = None
    lyrics: str | None = None
    lyrics_timestamped: list[dict[str, Any]] | None = None
    job_id: str | None = None
    created_at: float = field(default_factory=time.time)
    rating: str = ""  # "", "keep", "reject" or "star"


@dataclass(frozen=True)
class EventRecord:
    id: int
    job_id: str
    at: float
    kind: str
    state: str | None
    message: str | None
    data: dict[str, Any] | None
