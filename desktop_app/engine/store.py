"""The engine's job records and files, persisted in its data folder so results survive a restart.

Layout of the data folder::

    jobs/<task_id>.json               one record per job (written atomically)
    inputs/<task_id>/<name>           the audio the job was submitted with
    conversions/<conversion_id>.wav   the takes, served under /files/conversions/
    conversions/<conversion_id>.mp3
    uploads/<uploadPath>/<fileName>   sunoapi file uploads (same path and name overwrite), under /files/uploads/
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

# Internal lifecycle; each API maps these to its own status names.
QUEUED, PROCESSING, COMPLETED, FAILED, STUCK = "queued", "processing", "completed", "failed", "stuck"
UNFINISHED = (QUEUED, PROCESSING)


@dataclass
class Take:
    conversion_id: str
    wav: str = ""  # file name under conversions/, empty until written
    mp3: str = ""
    duration: float = 0.0
    title: str = ""
    lyrics: str = ""
    lyrics_timestamped: list[dict] = field(default_factory=list)
    details: dict = field(default_factory=dict)  # what the local engine did (sources, effects, voice)


@dataclass
class Job:
    task_id: str
    kind: str  # INPAINT | REMIX | SING_OVER_INSTRUMENTAL | COVER | EXTEND | ADD_VOCALS
    api: str  # musicgpt | sunoapi
    params: dict
    input_name: str  # file name under inputs/<task_id>/
    input_info: dict  # sample_rate, channels, frames, duration, format, subtype
    takes: list[Take]
    status: str = QUEUED
    failure_status: str = ""  # the API's failure status (FAILED, ERROR, GENERATE_AUDIO_FAILED, ...)
    message: str = ""
    eta_seconds: float = 0.0
    fault: str = ""  # job fault from the fault plan: a failure status or "stuck"
    late_audio: int = 0  # record-info calls still to answer without the last track's audioUrl (fault)
    created_at: float = field(default_factory=time.time)
    updated_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None

    @property
    def conversion_ids(self) -> list[str]:
        return [t.conversion_id for t in self.takes]

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Job:
        takes = [Take(**t) for t in data.pop("takes")]
        return cls(takes=takes, **data)


def new_id() -> str:
    return str(uuid.uuid4())


class JobStore:
    """Thread-safe in-memory index over the JSON records on disk."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        for sub in ("jobs", "inputs", "conversions", "uploads"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._jobs: dict[str, Job] = {}
        self._by_conversion: dict[str, str] = {}
        self._load()

    # -- paths ---------------------------------------------------------------------------------

    @property
    def conversions_dir(self) -> Path:
        return self.root / "conversions"

    @property
    def uploads_dir(self) -> Path:
        return self.root / "uploads"

    def input_dir(self, task_id: str) -> Path:
        path = self.root / "inputs" / task_id
        path.mkdir(parents=True, exist_ok=True)
        return path

    def input_path(self, job: Job) -> Path:
        return self.root / "inputs" / job.task_id / job.input_name

    # -- records -------------------------------------------------------------------------------

    def _load(self) -> None:
        for path in sorted((self.root / "jobs").glob("*.json")):
            try:
                job = Job.from_json(json.loads(path.read_text("utf-8")))
            except (OSError, ValueError, TypeError, KeyError) as exc:
                log.warning("skipping unreadable job record %s: %s", path, exc)
                continue
            self._index(job)

    def _index(self, job: Job) -> None:
        self._jobs[job.task_id] = job
        for cid in job.conversion_ids:
            self._by_conversion[cid] = job.task_id

    def _write(self, job: Job) -> None:
        path = self.root / "jobs" / f"{job.task_id}.json"
        partial = path.with_name(path.name + ".part")
        partial.write_text(json.dumps(job.to_json(), indent=1), "utf-8")
        os.replace(partial, path)

    def add(self, job: Job) -> None:
        with self._lock:
            self._index(job)
            self._write(job)

    def update(self, task_id: str, **changes) -> Job:
        with self._lock:
            job = self._jobs[task_id]
            for name, value in changes.items():
                setattr(job, name, value)
            job.updated_at = time.time()
            self._write(job)
            return job

    def save(self, job: Job) -> None:
        """Persist a job whose takes were changed in place."""
        with self._lock:
            job.updated_at = time.time()
            self._write(job)

    def get(self, task_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(task_id)

    def by_conversion(self, conversion_id: str) -> Job | None:
        with self._lock:
            task_id = self._by_conversion.get(conversion_id)
            return self._jobs.get(task_id) if task_id else None

    def all(self) -> list[Job]:
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.created_at)

    def unfinished(self) -> list[Job]:
        with self._lock:
            return sorted((j for j in self._jobs.values() if j.status in UNFINISHED), key=lambda j: j.created_at)
