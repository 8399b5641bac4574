"""Loudness, true peak and alignment on a 10-minute 44.1 kHz stereo song, beside a bare pass over its samples.

What issue 12 asks: measuring works block by block (no 16x float64 copy of the song), spans are
measured in place, and alignment works on the context around the region (or a decimated
signal), never by correlating whole songs. Each line shows the best time of a few runs and the
most memory the operation allocated (tracemalloc), beside the song's own size; the old
whole-signal meter (pyloudnorm + float64 ``resample_poly``) is timed on 2 minutes only, as on
10 minutes it needs ~1 GB.
"""

from __future__ import annotations

import math
import os
import resource
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
import pyloudnorm
from scipy import signal

from desktop_app.audio.align import estimate_offset
from desktop_app.audio.loudness import measure

RATE = 44_100
SECONDS = 600
RUNS = 3


def _music_like(frames: int, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(frames, dtype=np.float32) / RATE
    envelope = (0.5 + 0.5 * np.sin(2 * np.pi * 0.5 * t)).astype(np.float32)
    left = 0.2 * np.sin(2 * np.pi * 220 * t) + 0.1 * envelope * rng.standard_normal(frames, dtype=np.float32)
    right = 0.2 * np.sin(2 * np.pi * 330 * t) + 0.1 * envelope * rng.standard_normal(frames, dtype=np.float32)
    return np.stack([left, right], axis=1).astype(np.float32)


def _timed(func: Callable[[], object]) -> tuple[float, float]:
    """(best seconds of RUNS, peak MB allocated during one run)."""
    best = math.inf
    for _ in range(RUNS):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    try:
        func()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return best, peak / 1e6


def _old_meter(samples: np.ndarray) -> None:
    pyloudnorm.Meter(RATE).integrated_loudness(samples.astype(np.float64))
    np.abs(signal.resample_poly(samples.astype(np.float64), 4, 1, axis=0)).max()


def main() -> None:
    song = _music_like(RATE * SECONDS)
    take = np.roll(song, 777, axis=0)
    two_minutes = song[: RATE * 120]
    region = (300 * RATE, 310 * RATE)
    context = (region[0] - 10 * RATE, region[1] + 10 * RATE)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; song {song.nbytes / 1e6:.0f} MB float32")
    rows = [
        ("bare pass: peak sample of 10 min", lambda: np.abs(song).max()),
        ("loudness + true peak, 10 min", lambda: measure(song, RATE)),
        ("loudness + true peak, 30 s span", lambda: measure(song, RATE, start=context[0], end=context[1])),
        ("align, 10 s region of 10 min", lambda: estimate_offset(song, take, *region, RATE)),
        ("align, whole 10-min track", lambda: estimate_offset(song, take, 0, song.shape[0], RATE)),
        ("new meter, 2 min", lambda: measure(two_minutes, RATE)),
        ("old whole-signal meter, 2 min", lambda: _old_meter(two_minutes)),
    ]  # fmt: skip
    print(f"{'operation':<40}{'best s':>9}{'alloc MB':>10}")
    for label, func in rows:
        seconds, megabytes = _timed(func)
        print(f"{label:<40}{seconds:>9.3f}{megabytes:>10.1f}", flush=True)
    print(f"peak RSS of the whole process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB")


if __name__ == "__main__":
    main()
