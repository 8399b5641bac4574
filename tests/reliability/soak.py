"""Soak: many short jobs through ``JobRunner`` on several threads against one local engine misbehaving at random.

``run_soak(engine, work_dir, jobs=200, threads=8, seed=8)`` makes one short song per job (2–4 s, so each
job is a distinct upload the engine's records can be matched to), runs every operation in a seeded mix
while a chaos thread re-arms a random fault plan every few hundred milliseconds (rate limits, 5xx and
maintenance bursts, slow and failing polls, dropped and truncated downloads, refused submits, jobs that
fail or never end), and a simulated user cancels a few jobs mid-way and every job that stalls. It then
presses Retry once on every job that did not finish with faults switched off, as a user would.

It returns a :class:`SoakReport`: final states, error kinds, engine submits per job, retries seen, the
process's resident memory (``VmRSS``) sampled as jobs finish, and the wall time. The invariants are
checked by ``test_soak.py``; ``tests/benchmarks/bench_reliability.py`` prints the figures.
"""

from __future__ import annotations

import collections
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

from desktop_app.api.models import AddVocalsRequest, CoverRequest, InpaintRequest, RemixRequest, SingOverRequest
from desktop_app.jobs.events import EventKind, JobEvent
from desktop_app.jobs.records import JobRecord
from desktop_app.jobs.states import JobState
from tests.reliability.support import FaultWorld, engine_records

RATE = 22_050
OPERATIONS = ("inpaint", "inpaint", "remix", "cover", "sing_over", "add_vocals")
CANCEL_FRACTION = 0.05
POLL_TIMEOUT = 4.0  # a job asks "keep waiting?" after this; the simulated user waits twice more, then cancels
KEEP_WAITING = 2
CHAOS_PERIOD = 0.3

# Each rule is re-drawn with a count of 1–3 ("x{n}"). Counts stay below the clients' five attempts per
# call, so a retryable burst alone cannot fail a job; overlapping plans occasionally can, and then the
# job fails with a typed error and the final Retry finishes it.
RETRYABLE = (
    "inpaint:429@0x{n}", "inpaint:500x{n}", "remix:503x{n}", "cover:455x{n}", "sing_over_instrumental:502x{n}",
    "byid:503x{n}", "byid:429@0x{n}", "byid:slow=0.3x{n}", "upload:500x{n}", "record-info:430x{n}",
    "add-vocals:455x1", "files:cut=0.5x1", "files:502x1",
)  # fmt: skip
TERMINAL = (
    "inpaint:fail", "remix:error", "cover:fail", "sing_over_instrumental:fail", "add-vocals:fail",
    "inpaint:402", "remix:401", "cover:422", "files:short=0.5", "inpaint:stuck",
)  # fmt: skip


@dataclass
class SoakReport:
    jobs: int
    seconds: float
    states: collections.Counter
    error_kinds: collections.Counter
    after_retry: collections.Counter
    submits: dict[str, int]  # app job id -> jobs the engine accepted for its upload
    retries: int
    plans: int
    rss_mb: list[tuple[int, float]] = field(default_factory=list)  # (jobs finished, VmRSS MB)
    records: list[JobRecord] = field(default_factory=list)  # final, after the Retry round
    first_pass: dict[str, JobRecord] = field(default_factory=dict)
    engine_faults: dict[str, str] = field(default_factory=dict)  # app job id -> job fault the engine applied

    @property
    def rss_after_warmup(self) -> float:
        warm = max(1, self.jobs // 5)
        return next(mb for done, mb in self.rss_mb if done >= warm)

    @property
    def rss_final(self) -> float:
        return self.rss_mb[-1][1]

    def summary(self) -> str:
        states = ", ".join(f"{s.value} {n}" for s, n in self.states.most_common())
        kinds = ", ".join(f"{k} {n}" for k, n in self.error_kinds.most_common())
        after = ", ".join(f"{s.value} {n}" for s, n in self.after_retry.most_common())
        return (
            f"{self.jobs} jobs in {self.seconds:.0f} s ({self.plans} fault plans, {self.retries} retries): {states}"
            f"\n  failures: {kinds or 'none'}\n  after one Retry with faults off: {after}"
            f"\n  engine submits per job: max {max(self.submits.values())}, total {sum(self.submits.values())}"
            f"\n  RSS: start {self.rss_mb[0][1]:.0f} MB, after warm-up {self.rss_after_warmup:.0f} MB, "
            f"end {self.rss_final:.0f} MB (growth {self.rss_final - self.rss_after_warmup:+.1f} MB)"
        )


def rss_mb() -> float:
    """Resident memory of this process (psutil is not a dependency; Linux exposes it in /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def make_songs(folder: Path, count: int, rng: random.Random) -> list[tuple[Path, float]]:
    folder.mkdir(parents=True, exist_ok=True)
    songs = []
    for i in range(count):
        seconds = rng.uniform(2.0, 4.0)
        t = np.arange(int(seconds * RATE)) / RATE
        root = rng.choice((110.0, 130.8, 146.8, 164.8))
        data = sum(0.2 * np.sin(2 * np.pi * root * k * t) / k for k in (1, 2, 3))
        beat = (np.sin(2 * np.pi * 2.0 * t) > 0.95).astype(float) * 0.3  # a click at 120 BPM to borrow from
        stereo = np.stack([data + beat, data * 0.9 + beat], axis=1).astype(np.float32)
        path = folder / f"soak-{i:04d}.wav"
        sf.write(str(path), stereo, RATE, subtype="PCM_16")
        songs.append((path, len(t) / RATE))
    return songs


def request_for(operation: str, song: Path, duration: float, tag: str):
    if operation == "inpaint":
        start = round(duration * 0.4, 2)
        return InpaintRequest(audio_file=song, prompt=tag, replace_start_at=start, replace_end_at=start + 0.5)
    if operation == "remix":
        return RemixRequest(audio_file=song, prompt=f"{tag} lo-fi")
    if operation == "cover":
        return CoverRequest(audio_file=song, voice_id="local-warm-tenor", pitch=2)
    if operation == "sing_over":
        return SingOverRequest(audio_file=song, prompt=tag, lyrics="la la la")
    return AddVocalsRequest(audio_file=song, prompt=tag, title="Soak", style="Jazz", negative_tags="Metal")


class Chaos(threading.Thread):
    """Re-arms a random fault plan every ``CHAOS_PERIOD`` seconds until stopped."""

    def __init__(self, engine, rng: random.Random) -> None:
        super().__init__(name="soak-chaos", daemon=True)
        self.engine, self.rng = engine, rng
        self.stop = threading.Event()
        self.plans = 0

    def plan(self) -> str:
        rules = [self.rng.choice(RETRYABLE).format(n=self.rng.randint(1, 3)) for _ in range(self.rng.randint(2, 5))]
        if self.rng.random() < 0.5:
            rules.append(self.rng.choice(TERMINAL))
        return ";".join(rules)

    def run(self) -> None:
        while not self.stop.wait(CHAOS_PERIOD):
            self.engine.set_faults(self.plan())
            self.plans += 1


def run_soak(engine, work_dir: Path, *, jobs: int = 200, threads: int = 8, seed: int = 8) -> SoakReport:
    """Run the soak against ``engine`` (a running ``LocalEngine``; its data folder should be fresh)."""
    rng = random.Random(seed)
    songs = make_songs(work_dir / "songs", jobs, rng)
    world = FaultWorld(engine, work_dir / "app", poll_timeout=POLL_TIMEOUT, keep_events=False)
    plan = [rng.choice(OPERATIONS) for _ in range(jobs)]
    cancel_at = {
        i: rng.choice((JobState.UPLOADING, JobState.RUNNING, JobState.DOWNLOADING))
        for i in range(jobs)
        if rng.random() < CANCEL_FRACTION
    }
    created = [
        world.create(request_for(op, path, duration, f"soak {i:04d}"), duration=duration, name=f"out/{i:04d}")
        for i, ((path, duration), op) in enumerate(zip(songs, plan, strict=True))
    ]

    def settle(end: JobRecord) -> JobRecord:
        """'Still running — keep waiting?': yes, twice (a busy engine), then cancel (a job that never ends)."""
        for _ in range(KEEP_WAITING):
            if end.state is not JobState.STALLED:
                return end
            end = world.run(end.id)
        if end.state is JobState.STALLED:
            stop = threading.Event()
            stop.set()
            end = world.run(end.id, cancel=stop)
        return end

    rss = [(0, rss_mb())]
    finished = 0
    lock = threading.Lock()

    def one(index: int) -> JobRecord:
        nonlocal finished
        job_id, cancel = created[index].id, threading.Event()

        def user(event: JobEvent) -> None:
            if event.kind is EventKind.STATE and event.state is cancel_at.get(index):
                cancel.set()

        end = world.run(job_id, cancel=cancel, on_event=user)
        end = settle(end)
        with lock:
            finished += 1
            if finished % 10 == 0 or finished == jobs:
                rss.append((finished, rss_mb()))
        return end

    chaos = Chaos(engine, rng)
    began = time.monotonic()
    chaos.start()
    try:
        with ThreadPoolExecutor(threads, thread_name_prefix="soak-job") as pool:
            first = list(pool.map(one, range(jobs)))
    finally:
        chaos.stop.set()
        chaos.join()
        engine.set_faults(None)
    seconds = time.monotonic() - began

    # The user presses Retry on everything that did not finish (faults gone): nothing may be lost. A job the
    # engine never finishes comes back as "keep waiting?" again, and is cancelled again.
    def retry(job: JobRecord) -> JobRecord:
        return settle(world.run(job.id))

    with ThreadPoolExecutor(threads, thread_name_prefix="soak-retry") as pool:
        retried = {j.id: j for j in pool.map(retry, [j for j in first if j.state is not JobState.DONE])}
    final = [retried.get(j.id, j) for j in first]

    by_input: dict[str, list[dict]] = collections.defaultdict(list)
    for record in engine_records(engine.data_dir):
        by_input[record["input_name"]].append(record)
    submits, engine_faults = {}, {}
    for job in created:
        name = Path(job.params["audio_file"]).name
        # sunoapi.org uploads carry the job's id in their name (the upload service overwrites same names).
        accepted = by_input.get(name, []) + by_input.get(f"{job.id}-{name}", [])
        submits[job.id] = len(accepted)
        faults = [r["fault"] for r in accepted if r.get("fault")]
        if faults:
            engine_faults[job.id] = faults[0]
    report = SoakReport(
        jobs=jobs,
        seconds=seconds,
        states=collections.Counter(j.state for j in first),
        error_kinds=collections.Counter(j.error_kind for j in first if j.error_kind),
        after_retry=collections.Counter(j.state for j in final),
        submits=submits,
        retries=world.counts[EventKind.RETRY],
        plans=chaos.plans,
        rss_mb=rss,
        records=final,
        first_pass={j.id: j for j in first},
        engine_faults=engine_faults,
    )
    world.close()
    return report


def main() -> None:  # pragma: no cover - a manual entry point
    import tempfile

    from desktop_app.engine import LocalEngine

    with tempfile.TemporaryDirectory(prefix="retake-soak-") as tmp, LocalEngine(data_dir=Path(tmp) / "engine") as eng:
        print(run_soak(eng, Path(tmp)).summary(), flush=True)


if __name__ == "__main__":
    main()
