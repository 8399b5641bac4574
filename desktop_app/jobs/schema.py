"""The job store's schema: each migration in order, the database's ``PRAGMA user_version`` counting how many
have run (jobs/store.py applies them). A new column is a new migration at the end; none is ever edited."""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema
    """
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        operation TEXT NOT NULL,
        engine TEXT NOT NULL,
        params TEXT NOT NULL,
        input_path TEXT,
        input_sha256 TEXT,
        input_duration REAL,
        out_dir TEXT NOT NULL,
        state TEXT NOT NULL,
        task_id TEXT,
        conversion_ids TEXT NOT NULL DEFAULT '[]',
        upload_url TEXT,
        eta_seconds REAL,
        credit_estimate REAL,
        cost REAL,
        service_status TEXT,
        error_kind TEXT,
        error_message TEXT,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        submit_sent_at REAL,
        submitted_at REAL,
        finished_at REAL
    );
    CREATE INDEX jobs_state ON jobs(state);
    CREATE TABLE takes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        conversion_id TEXT,
        path TEXT NOT NULL,
        format TEXT,
        duration REAL,
        title TEXT,
        lyrics TEXT,
        lyrics_timestamped TEXT,
        created_at REAL NOT NULL,
        UNIQUE(job_id, idx)
    );
    CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        at REAL NOT NULL,
        kind TEXT NOT NULL,
        state TEXT,
        message TEXT,
        data TEXT
    );
    CREATE INDEX events_job ON events(job_id, id);
    """,
    # 2: the producer's rating of each take (keep / reject / star), shown in the history
    """
    ALTER TABLE takes ADD COLUMN rating TEXT NOT NULL DEFAULT ''
    """,
    # 3: when the sunoapi.org upload was made (the service deletes uploads after 3 days)
    """
    ALTER TABLE jobs ADD COLUMN uploaded_at REAL
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
