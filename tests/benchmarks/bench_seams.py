"""Seam figures for two takes of a 3-minute song (target, issue 16: at most 0.3 s).

In process: the beat estimate plus both takes' seams (level, spectral, timing, vocal), best of
five, without and with the seam-move proposals the CLI adds for poor seams. Whole process:
``retake seams`` on WAV files beside ``retake info`` on the same song (the bare baseline:
interpreter start, imports and one decode), wall time and peak RSS of each.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from desktop_app.audio.seams import SongContext, measure_take
from tests.support.music import make_song, shifted

TARGET_S = 0.3
RUNS = 5
ROOT = Path(__file__).resolve().parents[2]


def _takes(original: np.ndarray, rate: int, start: int, end: int) -> dict[str, np.ndarray]:
    half = original.shape[0] // 2
    repeat = original.copy()
    repeat[start:end] = original[start - half : end - half]
    late = repeat.copy()
    late[start:end] = shifted(repeat, int(0.030 * rate))[start:end]
    return {"repeat": repeat, "late": late}


def _figures(original: np.ndarray, rate: int, start: int, end: int, takes, propose: bool) -> tuple[float, float]:
    """Best wall and best CPU seconds (CPU shows the cost when the shared machine is busy)."""
    wall = cpu = float("inf")
    for _ in range(RUNS):
        t0, c0 = time.perf_counter(), time.process_time()
        ctx = SongContext.around(original, rate, start, end)
        for name, take in takes.items():
            measure_take(ctx, take, start, end, name, propose=propose)
        wall, cpu = min(wall, time.perf_counter() - t0), min(cpu, time.process_time() - c0)
    return wall, cpu


_CHILD = """
import runpy, sys
peak_path, sys.argv = sys.argv[1], ["retake", *sys.argv[2:]]
try:
    runpy.run_module("desktop_app", run_name="__main__")
finally:
    # VmHWM belongs to this process image (exec resets it); ru_maxrss would include the forking parent's.
    with open("/proc/self/status") as status, open(peak_path, "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM")).split()[1])
"""


def _process(*args: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one ``retake`` process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    peak = Path(tempfile.mkdtemp(prefix="retake-bench-peak-")) / "peak"
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(peak), *args], stdout=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"retake {args[0]} failed ({proc.returncode})")
    return wall, int(peak.read_text()) / 1024


def main() -> None:
    song = make_song(180.0)
    original, rate = song.mix, song.rate
    start, end = 150 * rate, 158 * rate  # in the second half, whose first half is its repeat
    takes = _takes(original, rate, start, end)
    print(f"   song {original.shape[0] / rate:.0f} s, {rate} Hz stereo; region 150–158 s; takes: repeat, 30 ms late")
    bare = _figures(original, rate, start, end, takes, propose=False)
    full = _figures(original, rate, start, end, takes, propose=True)
    verdict = "OK" if bare[0] <= TARGET_S else "OVER TARGET"
    print(f"   seam figures, two takes: {bare[0]:.3f} s wall, {bare[1]:.3f} s CPU (target ≤ {TARGET_S} s: {verdict})")
    print(f"   with seam-move proposals: {full[0]:.3f} s wall, {full[1]:.3f} s CPU")

    folder = Path(tempfile.mkdtemp(prefix="retake-bench-seams-"))
    paths = [folder / "song.wav"] + [folder / f"{name}.wav" for name in takes]
    for path, data in zip(paths, [original, *takes.values()], strict=True):
        sf.write(str(path), data, rate, subtype="FLOAT")
    info = min(_process("info", str(paths[0])) for _ in range(3))
    seams = min(_process("seams", *map(str, paths), "--region", "150", "158") for _ in range(3))
    print(f"   whole process: retake info {info[0]:.2f} s, {info[1]:.0f} MB peak RSS (baseline); "
          f"retake seams (2 takes) {seams[0]:.2f} s, {seams[1]:.0f} MB peak RSS")  # fmt: skip
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"   load average {load:.1f} on {os.cpu_count()} cores")
