"""Lyrics: reading, checking and writing a long enhanced LRC, and ``retake lyrics`` as a process.

A song has 40–80 lines; 3,000 enhanced lines (every word timed) stand for the worst file a
producer could import. The whole-process figure is ``retake lyrics FILE.lrc --json`` beside
``retake lyrics`` on a one-line file (the bare baseline: interpreter, imports, argument parsing),
with the peak RSS of each child.

    PYTHONPATH=$PWD .venv/bin/python -m tests.benchmarks lyrics
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from desktop_app.audio.snap import BeatGrid
from desktop_app.lyrics import check_times, format_time, parse_lrc, region_for_lines, write_lrc

ROOT = Path(__file__).resolve().parents[2]
LINES = 3000
RUNS = 5


def _long_lrc() -> str:
    rows = []
    for i in range(LINES):
        t = i * 2.4
        words = " ".join(f"<{format_time(t + 0.4 * k)}>word{k}" for k in range(5))
        rows.append(f"[{format_time(t)}]{words} <{format_time(t + 2.2)}>")
    return "\n".join(rows) + "\n"


def _best(fn) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _process(args: list[str]) -> tuple[float, float]:
    """(median wall seconds, peak RSS MB of the child) for ``retake ARGS``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    walls, peak = [], 0.0
    for _ in range(RUNS):
        start = time.perf_counter()
        pid = subprocess.Popen([sys.executable, "-m", "desktop_app", *args], env=env, stdout=subprocess.DEVNULL)
        _, _, usage = os.wait4(pid.pid, 0)
        walls.append(time.perf_counter() - start)
        peak = max(peak, usage.ru_maxrss / 1024)  # Linux: kilobytes
    return statistics.median(walls), peak


def main() -> None:
    text = _long_lrc()
    lyrics, problems = parse_lrc(text)
    assert not problems and len(lyrics.lines) == LINES
    grid = BeatGrid(120.0)
    duration = LINES * 2.4
    print(f"{LINES} enhanced lines ({len(text) / 1e6:.1f} MB), best of {RUNS}:")
    print(f"  parse  {_best(lambda: parse_lrc(text)) * 1000:8.1f} ms")
    print(f"  check  {_best(lambda: check_times(lyrics, duration)) * 1000:8.1f} ms")
    print(f"  write  {_best(lambda: write_lrc(lyrics)) * 1000:8.1f} ms")
    pick = lambda: region_for_lines(lyrics, 1500, 1502, duration=duration, grid=grid)  # noqa: E731
    print(f"  lines 1500–1502 → region {_best(pick) * 1000:8.2f} ms")
    folder = Path(tempfile.mkdtemp(prefix="retake-bench-lyrics-"))
    (folder / "long.lrc").write_text(text, encoding="utf-8")
    (folder / "one.lrc").write_text("[00:01.00]one line\n", encoding="utf-8")
    base_wall, base_rss = _process(["lyrics", str(folder / "one.lrc")])
    wall, rss = _process(["lyrics", str(folder / "long.lrc"), "--json"])
    print(f"retake lyrics, median of {RUNS}:  one line {base_wall:.2f} s, {base_rss:.0f} MB peak RSS;"
          f"  {LINES} lines --json {wall:.2f} s, {rss:.0f} MB peak RSS")  # fmt: skip
