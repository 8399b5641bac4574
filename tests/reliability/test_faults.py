"""Every failure the services are known for, injected by the local engine: what the user sees, and that
no job is lost, duplicated or paid twice.

Each row: the engine's fault spec (README, "Local engine faults") → the job's final state, its error
kind and a fragment of the sentence the user reads, how many jobs the engine accepted (``submits``:
0 when the engine refused before any job existed, never more than 1), how many retries the client
made and with which delay. Then the faults are cleared and the user presses *Retry*: the job must
reach ``after`` without the engine accepting a second job — retrying a job the service has polls it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop_app.api.models import AddVocalsRequest, InpaintRequest, RemixRequest
from desktop_app.audio import load
from desktop_app.jobs.events import EventKind
from desktop_app.jobs.states import JobState
from tests.reliability.support import FaultWorld, ShortTimeouts, engine_submits, leftover_parts, wait_for

DONE, FAILED, STALLED = JobState.DONE, JobState.FAILED, JobState.STALLED


@dataclass(frozen=True)
class Case:
    spec: str
    state: JobState
    kind: str | None = None  # error_kind of a failed job
    says: str = ""  # fragment of the message the user sees
    submits: int = 1
    retries: int = 0
    delay: float | None = None  # every retry waited exactly this long (a Retry-After)
    after: JobState = DONE  # after the faults are cleared and the user presses Retry
    operation: str = "inpaint"


CASES = {
    # A bad key, no credits and a refused request fail at once: nothing was accepted, so Retry sends it.
    "bad key": Case("inpaint:401", FAILED, "auth", "did not accept the API key (401)", submits=0),
    "bad key while polling": Case("byid:401", FAILED, "auth", "did not accept the API key"),
    "no credits": Case("inpaint:402", FAILED, "credits", "run out of credits", submits=0),
    "no credits (sunoapi envelope)": Case(
        "add-vocals:429", FAILED, "credits", "run out of credits", submits=0, operation="add_vocals"
    ),
    "validation error": Case("inpaint:422", FAILED, "validation", "refused the request: Validation error", submits=0),
    # Rate limits: with Retry-After the client waits exactly that long; without, it backs off.
    "rate limit, Retry-After 7 s": Case("inpaint:429@7x2", DONE, retries=2, delay=7.0),
    "rate limit on polls, Retry-After 3 s": Case("byid:429@3x3", DONE, retries=3, delay=3.0),
    "rate limit, no Retry-After (sunoapi 430)": Case("add-vocals:430x2", DONE, retries=2, operation="add_vocals"),
    "rate limit, no Retry-After (sunoapi 405)": Case("record-info:405x2", DONE, retries=2, operation="add_vocals"),
    # 5xx bursts and maintenance are retried; an outage longer than the retries fails and Retry finishes it.
    "5xx burst on submit": Case("inpaint:500x3", DONE, retries=3),
    "5xx burst on polls": Case("byid:503x4", DONE, retries=4),
    "5xx burst on upload (sunoapi)": Case("upload:500x2", DONE, retries=2, operation="add_vocals"),
    "5xx on download": Case("files:502x2", DONE, retries=2),
    "maintenance (455)": Case("inpaint:455x2", DONE, retries=2),
    "maintenance (sunoapi envelope)": Case("add-vocals:455", DONE, retries=1, operation="add_vocals"),
    "5xx outage on submit": Case("inpaint:500x*", FAILED, "server", "internal error (500)", submits=0, retries=4),
    "5xx outage on polls": Case("byid:503x*", FAILED, "server", "internal error (503)", retries=4),
    # A download that drops mid-way is fetched again; a persistent drop fails and leaves no partial file.
    "download drops once": Case("files:cut=0.5", DONE, retries=1),
    "download drops every time": Case("files:cut=0.5x*", FAILED, "download", "download from", retries=2),
    "download silently truncated once": Case("files:short=0.5", DONE, retries=1),
    "download truncated every time": Case("files:short=0.5x*", FAILED, "download", "arrived cut short", retries=2),
    # The service takes the job and then fails it: reported with its reason; Retry polls the same job.
    "job fails": Case("inpaint:fail", FAILED, "job_failed", "could not finish this job", after=FAILED),
    "job ends in ERROR": Case(
        "remix:error", FAILED, "job_failed", "could not finish this job", after=FAILED, operation="remix"
    ),
    "sunoapi job refused for words": Case(
        "add-vocals:fail=SENSITIVE_WORD_ERROR",
        FAILED,
        "job_failed",
        "could not finish",
        after=FAILED,
        operation="add_vocals",
    ),
    # A job that never ends asks the user whether to keep waiting, and keeps waiting when asked.
    "job never ends": Case("inpaint:stuck", STALLED, None, "keep waiting?", after=STALLED),
}


def request_for(operation: str, song: Path, tag: str):
    if operation == "inpaint":
        return InpaintRequest(audio_file=song, prompt=tag, replace_start_at=1.0, replace_end_at=1.8)
    if operation == "remix":
        return RemixRequest(audio_file=song, prompt=tag)
    return AddVocalsRequest(audio_file=song, prompt=tag, title="Night", style="Jazz", negative_tags="Metal")


def message_of(world: FaultWorld, job) -> str:
    """What the queue shows: the error of a failed job, else the last state message."""
    if job.state is FAILED:
        return job.error_message or ""
    return [e for e in world.of_kind(job.id, EventKind.STATE)][-1].message or ""


def check_takes(world: FaultWorld, job, expected: int) -> None:
    takes = world.store.takes(job.id)
    assert [t.idx for t in takes] == list(range(1, expected + 1))
    for take in takes:
        assert load(take.path).duration > 2.5  # complete and decodable


@pytest.mark.parametrize("name", list(CASES))
def test_fault(world: FaultWorld, fault_song: Path, tmp_path: Path, name: str) -> None:
    case = CASES[name]
    if case.state is STALLED:
        world.runner.settings = type(world.runner.settings)(**{**world.runner.settings.__dict__, "poll_timeout": 1.0})
    tag = f"fault {name}"
    world.engine.set_faults(case.spec)
    job = world.create(request_for(case.operation, fault_song, tag), duration=3.0)
    end = world.run(job.id)

    assert (end.state, end.error_kind) == (case.state, case.kind), end.error_message
    assert case.says in message_of(world, end)
    assert engine_submits(world.engine.data_dir, tag) == case.submits
    assert end.has_ids == (case.submits == 1)
    retries = world.of_kind(job.id, EventKind.RETRY)
    assert len(retries) == case.retries, [e.message for e in retries]
    if case.delay is not None:
        assert [e.delay for e in retries] == [case.delay] * case.retries
        # ...and they were really waited: by the client (a submit), or by the poll loop (a poll's rate limit)
        assert world.retry_waits + [w for w in world.loop_waits if w == case.delay] == [case.delay] * case.retries
    if case.state is FAILED:
        [error] = world.of_kind(job.id, EventKind.ERROR)
        assert str(error.error) == end.error_message
    assert leftover_parts(tmp_path) == []
    if case.state is DONE:
        check_takes(world, end, 2)

    # The user clears the problem and presses Retry: never a second paid job.
    world.engine.set_faults(None)
    again = world.run(job.id)
    assert again.state is case.after, again.error_message
    assert engine_submits(world.engine.data_dir, tag) == 1
    assert [j.id for j in world.store.list_jobs()] == [job.id]
    assert leftover_parts(tmp_path) == []
    if case.after is DONE:
        check_takes(world, again, 2)


def test_a_submit_that_times_out_is_held_not_sent_twice(fault_engine, fault_song: Path, tmp_path: Path) -> None:
    """The service answers the paid POST too late: it may have the job, so Retry never resends it by itself."""
    world = FaultWorld(fault_engine, tmp_path, transport=ShortTimeouts(read=0.5))
    try:
        tag = "fault submit timeout"
        fault_engine.set_faults("inpaint:slow=1.5")
        job = world.create(request_for("inpaint", fault_song, tag), duration=3.0)
        end = world.run(job.id)
        assert (end.state, end.error_kind) == (FAILED, "network")
        assert "failed midway" in end.error_message and end.submit_sent_at is not None and not end.has_ids
        assert world.of_kind(job.id, EventKind.RETRY) == []  # a paid POST is not resent blindly
        # The engine did take it, late: exactly the case that must not be paid twice.
        wait_for(lambda: engine_submits(fault_engine.data_dir, tag) == 1, timeout=10, what="the late job")
        # Retry looks in the service's history (GET /byUser), finds the late job and follows it: paid once.
        found = world.run(job.id)
        assert found.state is DONE, found.error_message
        assert engine_submits(fault_engine.data_dir, tag) == 1
    finally:
        world.close()


def test_a_poll_that_times_out_is_retried(fault_engine, fault_song: Path, tmp_path: Path) -> None:
    world = FaultWorld(fault_engine, tmp_path, transport=ShortTimeouts(read=0.5))
    try:
        tag = "fault poll timeout"
        fault_engine.set_faults("byid:slow=1.5x2")
        job = world.create(request_for("inpaint", fault_song, tag), duration=3.0)
        end = world.run(job.id)
        assert end.state is DONE, end.error_message
        retries = world.of_kind(job.id, EventKind.RETRY)
        assert [e.error.kind for e in retries] == ["network", "network"]
        assert engine_submits(fault_engine.data_dir, tag) == 1
    finally:
        world.close()


class DroppingLink:
    """A TCP relay to the engine that cuts the *next* connection after ``drop_after`` bytes of request:
    a Wi-Fi drop in the middle of an upload. Other connections are relayed untouched."""

    def __init__(self, target_port: int, drop_after: int) -> None:
        self.target_port = target_port
        self.drop_after = drop_after
        self.dropped = 0
        self._armed = True
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = [self._server]
        self._spawn(self._accept)

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, name="dropping-link")
        self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self._sockets += [client, upstream]
            limit, self._armed = (self.drop_after if self._armed else None), False
            self._spawn(self._pipe, client, upstream, limit)
            self._spawn(self._pipe, upstream, client, None)

    def _pipe(self, source: socket.socket, sink: socket.socket, limit: int | None) -> None:
        sent = 0
        try:
            while chunk := source.recv(65536):
                if limit is not None and sent + len(chunk) > limit:
                    self.dropped += 1
                    source.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    break  # close with a reset, upstream and downstream
                sink.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass
        finally:
            for s in (source, sink):  # shutdown first: it wakes the other direction's thread blocked in recv
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    s.close()

    def close(self) -> None:
        """Stop relaying and join every thread (shutdown, not close, wakes a blocked accept or recv)."""
        self._stop.set()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(5)
        self._server.close()


@pytest.mark.parametrize("seconds", [60.0, 3.0])
def test_connection_drops_during_upload(fault_engine, tmp_path: Path, seconds: float) -> None:
    """An upload cut before its last byte left this machine: Retry simply sends it. One whose whole body was
    handed to the network before the cut (likely for a short file, depending on socket buffers) may have
    reached the service, so Retake cannot know and holds it until the user says send again."""
    from tests.support.audio_files import tone, write

    song = write(tmp_path / "long.wav", tone(int(44100 * seconds), 2), 44100, "WAV", "PCM_16")
    link = DroppingLink(int(fault_engine.base_url.rsplit(":", 1)[1]), drop_after=256 * 1024)
    world = FaultWorld(fault_engine, tmp_path, engine_name=f"http://127.0.0.1:{link.port}")
    try:
        tag = f"fault upload drop {seconds}"
        job = world.create(InpaintRequest(audio_file=song, prompt=tag, replace_start_at=1.0, replace_end_at=1.8),
                           duration=seconds)  # fmt: skip
        end = world.run(job.id)
        assert link.dropped == 1
        assert (end.state, end.error_kind) == (FAILED, "network") and "failed midway" in end.error_message
        assert engine_submits(fault_engine.data_dir, tag) == 0
        uploads = world.of_kind(job.id, EventKind.UPLOAD)
        expect_held = uploads[-1].done >= uploads[-1].total
        if seconds >= 60:
            assert not expect_held  # 10 MB cannot sit in the socket buffers when the link drops at 256 KB
        again = world.run(job.id)
        if expect_held:
            assert (again.state, again.error_kind) == (FAILED, "interrupted_submit")
            again = world.run(job.id, resubmit=True)
        assert again.state is DONE, again.error_message
        assert engine_submits(fault_engine.data_dir, tag) == 1
    finally:
        link.close()
        world.close()
