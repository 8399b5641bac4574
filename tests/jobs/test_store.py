"""The SQLite job store: WAL, migrations, atomic claims, takes and the event log; no secrets."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from desktop_app.jobs.records import TakeRecord
from desktop_app.jobs.states import JobState
from desktop_app.jobs.store import SCHEMA_VERSION, JobStore, StoreError


@pytest.fixture
def store(tmp_path: Path):
    with JobStore(tmp_path / "jobs.sqlite3") as s:
        yield s


def make(store: JobStore, **kw):
    return store.create_job("remix", "local", {"prompt": "lofi", "audio_file": "/m/a.wav"}, out_dir=Path("/out"), **kw)


def test_new_database_is_wal_at_the_current_schema(store: JobStore) -> None:
    assert store.schema_version == SCHEMA_VERSION
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_empty_database_file_from_an_old_version_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    sqlite3.connect(path).close()  # schema 0
    with JobStore(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        make(s)
    with JobStore(path) as s:  # reopening does not migrate twice
        assert len(s.list_jobs()) == 1


def test_a_database_from_a_newer_retake_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer Retake"):
        JobStore(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


def test_job_round_trip_and_prefix_lookup(store: JobStore) -> None:
    job = make(store, input_sha256="ab" * 32, input_duration=12.5)
    assert job.state is JobState.DRAFT and not job.has_ids
    updated = store.update(job.id, task_id="t-1", conversion_ids=("a", "b"), eta_seconds=40, state=JobState.SUBMITTED)
    assert updated.conversion_ids == ("a", "b") and updated.has_ids and updated.state is JobState.SUBMITTED
    assert store.get(job.id[:6]) == updated
    assert store.get(job.id).params == {"prompt": "lofi", "audio_file": "/m/a.wav"}
    with pytest.raises(KeyError):
        store.get("zzzz")
    with pytest.raises(ValueError):
        store.update(job.id, api_key="nope")  # there is no column for secrets


def test_unfinished_jobs(store: JobStore) -> None:
    a, b, c = make(store), make(store), make(store)
    store.update(a.id, state=JobState.DONE)
    store.update(b.id, state=JobState.STALLED)
    assert {j.id for j in store.unfinished()} == {b.id, c.id}


def test_claiming_a_draft_is_atomic_across_threads(store: JobStore) -> None:
    job = make(store)
    wins: list[bool] = []
    barrier = threading.Barrier(8)

    def claim() -> None:
        barrier.wait()
        wins.append(store.compare_and_set_state(job.id, (JobState.DRAFT,), JobState.UPLOADING))

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == [False] * 7 + [True]


def test_claiming_is_atomic_across_connections(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    with JobStore(path) as one, JobStore(path) as two:
        job = make(one)
        assert one.compare_and_set_state(job.id, (JobState.DRAFT,), JobState.UPLOADING)
        assert not two.compare_and_set_state(job.id, (JobState.DRAFT,), JobState.UPLOADING)
        assert two.get(job.id).state is JobState.UPLOADING


def test_takes_and_events(store: JobStore) -> None:
    job = make(store)
    lines = [{"index": 0, "text": "la", "start": 0.1, "end": 0.4}]
    store.add_take(job.id, TakeRecord(idx=1, path=Path("/out/take-1.wav"), duration=3.5, title="One",
                                      lyrics="la", lyrics_timestamped=lines))  # fmt: skip
    store.add_take(job.id, TakeRecord(idx=2, path=Path("/out/take-2.mp3")))
    takes = store.takes(job.id)
    assert [t.idx for t in takes] == [1, 2]
    assert takes[0].lyrics_timestamped == lines and takes[0].job_id == job.id
    store.log_event(job.id, "note", JobState.RUNNING, "hello", {"n": 1})
    events = store.events(job.id)
    assert [e.kind for e in events] == ["created", "note"]
    assert events[-1].data == {"n": 1} and events[-1].state == "running"
    store.delete_job(job.id)
    assert store.takes(job.id) == [] and store.events(job.id) == []


def test_take_ratings_of_many_jobs_in_take_order(store: JobStore) -> None:
    """A long history's ratings come in a few queries (chunks of 500 ids), each job's in take order."""
    jobs = [make(store) for _ in range(1203)]
    rated, bare = jobs[1201], jobs[7]
    for idx, rating in ((2, "star"), (0, "reject"), (1, "")):
        store.add_take(rated.id, TakeRecord(idx=idx, path=Path(f"/out/{idx}.wav")))
        store.set_rating(rated.id, idx, rating)
    store.add_take(jobs[0].id, TakeRecord(idx=0, path=Path("/out/a.wav")))
    ratings = store.take_ratings([job.id for job in jobs])
    assert ratings == {rated.id: ["reject", "", "star"], jobs[0].id: [""]}
    assert bare.id not in ratings and store.take_ratings([]) == {}


def test_version_1_database_is_upgraded_with_ratings(tmp_path) -> None:
    from desktop_app.jobs.schema import MIGRATIONS

    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0])
    db.execute(
        "INSERT INTO jobs (id, operation, engine, params, out_dir, state, created_at, updated_at)"
        " VALUES ('j1', 'inpaint', 'local', '{}', '.', 'done', 1, 1)"
    )
    db.execute("INSERT INTO takes (job_id, idx, path, created_at) VALUES ('j1', 1, 'take-1.wav', 1)")
    db.execute("PRAGMA user_version=1")
    db.commit()
    db.close()
    with JobStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        (take,) = store.takes("j1")
        assert take.rating == ""
        store.set_rating("j1", 1, "star")
        assert store.takes("j1")[0].rating == "star"
        with pytest.raises(ValueError):
            store.set_rating("j1", 1, "great")
