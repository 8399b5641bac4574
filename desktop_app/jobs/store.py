"""The job store: SQLite in WAL mode in the user data folder, shared by the GUI and the CLI.

Tables: ``jobs`` (operation, engine, parameters, input file + SHA-256, service ids, state, ETA,
credit estimate, cost, times, error), ``takes`` (file, duration, title, lyrics, timestamped
lyrics) and ``events`` (an append-only log per job). The schema version lives in
``PRAGMA user_version``; the migrations of ``jobs/schema.py`` upgrade older databases in order and a database
from a newer Retake is refused rather than damaged. API keys are never stored here.

``JobStore(path=None)`` (default ``paths.data_dir()/jobs.sqlite3``) is safe to share between
threads (one connection behind a lock) and between processes (WAL + busy timeout).
``compare_and_set_state(job_id, expected, new)`` is atomic, so two processes can never both submit.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from desktop_app.jobs.records import EventRecord, JobRecord, Rating, TakeRecord
from desktop_app.jobs.schema import MIGRATIONS, SCHEMA_VERSION
from desktop_app.jobs.states import JobState

DB_NAME = "jobs.sqlite3"

# Writes that say a paid request has left this machine: they must survive a power cut, or the next start
# could send the job again.
_DURABLE_FIELDS = frozenset({"submit_sent_at", "task_id", "conversion_ids"})


_JOB_COLUMNS = (
    "operation", "engine", "params", "input_path", "input_sha256", "input_duration", "out_dir", "state",
    "task_id", "conversion_ids", "upload_url", "eta_seconds", "credit_estimate", "cost", "service_status",
    "error_kind", "error_message", "submit_sent_at", "submitted_at", "finished_at", "uploaded_at",
)  # fmt: skip


class StoreError(Exception):
    pass


# A producer sends many jobs on one song, and each send hashes it on the GUI thread (a 10-minute WAV is
# ~100 MB): the digest is kept while the file's size and modification time stay the same.
_sha256_cache: dict[tuple[str, int, int], str] = {}
_sha256_lock = threading.Lock()


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    stat = Path(path).stat()
    key = (str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns)
    with _sha256_lock:
        known = _sha256_cache.get(key)
    if known is not None:
        return known
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    with _sha256_lock:
        if len(_sha256_cache) > 64:
            _sha256_cache.clear()
        _sha256_cache[key] = digest.hexdigest()
    return digest.hexdigest()


def new_job_id() -> str:
    return uuid.uuid4().hex[:12]


def default_path() -> Path:
    from desktop_app import paths

    return paths.data_dir() / DB_NAME


class JobStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._readers = threading.local()
        self._db = sqlite3.connect(self.path, timeout=10.0, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA busy_timeout=10000")
        # WAL with synchronous=NORMAL commits without an fsync (still safe if the app crashes): twenty running
        # jobs write often, and the GUI thread's own writes (a new job) queue behind them on the lock. The
        # writes that record a paid request having left are made durable one by one (_DURABLE_FIELDS).
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._migrate()

    def close(self) -> None:
        with self._lock:
            self._db.close()
        reader = getattr(self._readers, "db", None)
        if reader is not None:
            reader.close()
            self._readers.db = None

    def _reader(self) -> sqlite3.Connection:
        """This thread's read-only connection: in WAL mode reads never wait for another thread's write.

        Writes go through the one shared connection under the lock (they fsync, which can take a while);
        the GUI thread only reads, so it must not queue behind them.
        """
        reader = getattr(self._readers, "db", None)
        if reader is None:
            reader = sqlite3.connect(self.path, timeout=10.0, check_same_thread=False, isolation_level=None)
            reader.row_factory = sqlite3.Row
            reader.execute("PRAGMA busy_timeout=10000")
            reader.execute("PRAGMA query_only=ON")
            self._readers.db = reader
        return reader

    def __enter__(self) -> JobStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------------------ schema
    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        with self._lock:
            version = self.schema_version
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"The job database {self.path} was written by a newer Retake (schema {version}); "
                    "update Retake to open it."
                )
            for number in range(version + 1, SCHEMA_VERSION + 1):
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    if self.schema_version < number:  # another process may have just done it
                        for statement in MIGRATIONS[number - 1].split(";"):
                            if statement.strip():
                                self._db.execute(statement)
                        self._db.execute(f"PRAGMA user_version={number}")
                    self._db.execute("COMMIT")
                except Exception:
                    self._db.execute("ROLLBACK")
                    raise

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One commit for several statements (the caller holds the lock)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -------------------------------------------------------------------------------- jobs
    def create_job(
        self,
        operation: str,
        engine: str,
        params: dict[str, Any],
        *,
        out_dir: Path,
        input_path: Path | None = None,
        input_sha256: str | None = None,
        input_duration: float | None = None,
        job_id: str | None = None,
        created_at: float | None = None,
    ) -> JobRecord:
        """Store a new draft (``job_id``, ``created_at``: a draft's made earlier, jobs/drafts.py)."""
        job_id = job_id or new_job_id()
        now = time.time()
        created_at = now if created_at is None else created_at
        with self._lock, self._transaction():
            self._db.execute(
                "INSERT INTO jobs (id, operation, engine, params, input_path, input_sha256, input_duration, out_dir,"
                " state, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    job_id, str(operation), engine, json.dumps(params), str(input_path) if input_path else None,
                    input_sha256, input_duration, str(out_dir), JobState.DRAFT.value, created_at, now,
                ),
            )  # fmt: skip
            self.log_event(job_id, "created", JobState.DRAFT, None)
        return self.get(job_id)

    def get(self, job_id: str) -> JobRecord:
        """The job with this id, or the only one whose id starts with it; KeyError otherwise."""
        reader = self._reader()
        rows = reader.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchall()
        if not rows and job_id:
            rows = reader.execute(
                "SELECT * FROM jobs WHERE id LIKE ? ESCAPE '\\' LIMIT 2", (_like_prefix(job_id),)
            ).fetchall()
        if len(rows) != 1:
            raise KeyError(job_id if not rows else f"{job_id} is ambiguous")
        return JobRecord.from_row(rows[0])

    def list_jobs(self, *, states: tuple[JobState, ...] | None = None, limit: int | None = None) -> list[JobRecord]:
        sql, args = "SELECT * FROM jobs", list[str | int]()
        if states:
            sql += f" WHERE state IN ({','.join('?' * len(states))})"
            args += [s.value for s in states]
        sql += " ORDER BY created_at DESC"
        if limit:
            sql += " LIMIT ?"
            args.append(limit)
        return [JobRecord.from_row(r) for r in self._reader().execute(sql, args).fetchall()]

    def unfinished(self) -> list[JobRecord]:
        return self.list_jobs(states=tuple(s for s in JobState if not s.finished))

    def update(self, job_id: str, **values: Any) -> JobRecord:
        unknown = set(values) - set(_JOB_COLUMNS)
        if unknown:
            raise ValueError(f"unknown job fields: {sorted(unknown)}")
        if not values:
            return self.get(job_id)
        encoded = {k: _encode(k, v) for k, v in values.items()}
        sets = ", ".join(f"{k} = ?" for k in encoded)
        with self._lock:
            durable = not _DURABLE_FIELDS.isdisjoint(values)
            if durable:  # fsynced before it returns (with every write before it): it guards against a resend
                self._db.execute("PRAGMA synchronous=FULL")
            try:
                cursor = self._db.execute(
                    f"UPDATE jobs SET {sets}, updated_at = ? WHERE id = ?", (*encoded.values(), time.time(), job_id)
                )
            finally:
                if durable:
                    self._db.execute("PRAGMA synchronous=NORMAL")
            if cursor.rowcount != 1:
                raise KeyError(job_id)
        return self.get(job_id)

    def compare_and_set_state(self, job_id: str, expected: tuple[JobState, ...], new: JobState) -> bool:
        """Move to ``new`` only if the job is still in one of ``expected`` (atomic across processes)."""
        marks = ",".join("?" * len(expected))
        with self._lock:
            cursor = self._db.execute(
                f"UPDATE jobs SET state = ?, updated_at = ? WHERE id = ? AND state IN ({marks})",
                (new.value, time.time(), job_id, *(s.value for s in expected)),
            )
            return cursor.rowcount == 1

    def delete_job(self, job_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))

    # ------------------------------------------------------------------------------- takes
    def add_take(self, job_id: str, take: TakeRecord) -> TakeRecord:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO takes (job_id, idx, conversion_id, path, format, duration, title, lyrics,"
                " lyrics_timestamped, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    job_id, take.idx, take.conversion_id, str(take.path), take.format, take.duration, take.title,
                    take.lyrics, json.dumps(take.lyrics_timestamped) if take.lyrics_timestamped is not None else None,
                    take.created_at,
                ),
            )  # fmt: skip
        return TakeRecord(**{**take.__dict__, "job_id": job_id})

    def set_rating(self, job_id: str, idx: int, rating: str) -> None:
        if rating not in set(Rating):
            raise ValueError(f"unknown rating {rating!r}")
        with self._lock:
            self._db.execute("UPDATE takes SET rating = ? WHERE job_id = ? AND idx = ?", (rating, job_id, idx))

    def takes(self, job_id: str) -> list[TakeRecord]:
        rows = self._reader().execute("SELECT * FROM takes WHERE job_id = ? ORDER BY idx", (job_id,)).fetchall()
        out = []
        for row in rows:
            d = dict(row)
            d.pop("id")
            d["path"] = Path(d["path"])
            d["lyrics_timestamped"] = json.loads(d["lyrics_timestamped"]) if d["lyrics_timestamped"] else None
            out.append(TakeRecord(**d))
        return out

    def take_ratings(self, job_ids: list[str]) -> dict[str, list[str]]:
        """Each job's takes' ratings in take order (a job without takes is left out): one query per 500
        jobs, where reading every job's takes for a long history made a query each."""
        out: dict[str, list[str]] = {}
        for first in range(0, len(job_ids), 500):
            chunk = job_ids[first : first + 500]
            rows = self._reader().execute(
                f"SELECT job_id, rating FROM takes WHERE job_id IN ({','.join('?' * len(chunk))}) ORDER BY job_id, idx",
                chunk,
            )
            for job_id, rating in rows:
                out.setdefault(job_id, []).append(rating)
        return out

    # ------------------------------------------------------------------------------ events
    def log_event(
        self, job_id: str, kind: str, state: JobState | None = None, message: str | None = None, data: Any = None
    ) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO events (job_id, at, kind, state, message, data) VALUES (?,?,?,?,?,?)",
                (job_id, time.time(), kind, state.value if state else None, message,
                 json.dumps(data) if data is not None else None),
            )  # fmt: skip

    def events(self, job_id: str) -> list[EventRecord]:
        rows = self._reader().execute("SELECT * FROM events WHERE job_id = ? ORDER BY id", (job_id,)).fetchall()
        return [
            EventRecord(r["id"], r["job_id"], r["at"], r["kind"], r["state"], r["message"],
                        json.loads(r["data"]) if r["data"] else None)
            for r in rows
        ]  # fmt: skip


def _encode(column: str, value: Any) -> Any:
    if column == "conversion_ids":
        return json.dumps(list(value or ()))
    if column == "params":
        return json.dumps(value)
    if isinstance(value, JobState):
        return value.value
    if isinstance(value, Path):
        return str(value)
    return value


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
