"""Load + peak pyramid versus soundfile's bare decode, for 10 minutes of 44.1 kHz stereo.

Target (issue 2): ``load_with_peaks`` takes at most 1.3x as long as ``soundfile.read`` of the
same file. The fixtures are generated once into a cache folder under the system temp folder
(encoding the MP3 takes about 15 s) and reused by later runs.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile as sf

from desktop_app.audio import load_with_peaks

RATE = 44_100
SECONDS = 600
TARGET_RATIO = 1.3
RUNS = 5
CACHE = Path(tempfile.gettempdir()) / "retake-bench-audio"
FORMATS = (("wav", "WAV", "PCM_16"), ("flac", "FLAC", "PCM_16"), ("mp3", "MP3", "MPEG_LAYER_III"))


def _music_like(frames: int, seed: int = 3) -> np.ndarray:
    """Noise shaped by a slow envelope plus tones: compresses like music, not like silence."""
    rng = np.random.default_rng(seed)
    t = np.arange(frames, dtype=np.float32) / RATE
    envelope = (0.5 + 0.5 * np.sin(2 * np.pi * 0.5 * t)).astype(np.float32)
    left = 0.2 * np.sin(2 * np.pi * 220 * t) + 0.1 * envelope * rng.standard_normal(frames, dtype=np.float32)
    right = 0.2 * np.sin(2 * np.pi * 330 * t) + 0.1 * envelope * rng.standard_normal(frames, dtype=np.float32)
    return np.stack([left, right], axis=1).astype(np.float32)


def _fixture(ext: str, fmt: str, subtype: str) -> Path:
    path = CACHE / f"ten_minutes.{ext}"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        print(f"   generating {path} (once) ...", flush=True)
        part = path.with_name(path.name + ".part")
        sf.write(str(part), _music_like(RATE * SECONDS), RATE, format=fmt, subtype=subtype)
        part.rename(path)
    return path


def _best_of_interleaved(runs: int, *funcs: Callable[[], object]) -> list[float]:
    """Best time of each function, alternating them so a busy spell on the machine hits both."""
    best = [float("inf")] * len(funcs)
    for _ in range(runs):
        for i, func in enumerate(funcs):
            start = time.perf_counter()
            func()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def main() -> None:
    load_1min = os.getloadavg()[0]
    print(f"load average {load_1min:.1f} on {os.cpu_count()} cores (decode and pyramid overlap on two threads;")
    print("a busy machine leaves no second core for the pyramid and the ratio rises)")
    print(f"{'file':<6}{'size MB':>9}{'sf.read':>10}{'load+peaks':>12}{'ratio':>8}  target <= {TARGET_RATIO}x")
    for ext, fmt, subtype in FORMATS:
        path = _fixture(ext, fmt, subtype)
        bare, ours = _best_of_interleaved(
            RUNS, lambda p=path: sf.read(str(p), dtype="float32", always_2d=True), lambda p=path: load_with_peaks(p)
        )
        ratio = ours / bare
        verdict = "ok" if ratio <= TARGET_RATIO else "MISSES TARGET"
        size = path.stat().st_size / 1e6
        print(f"{ext:<6}{size:>9.1f}{bare:>9.3f}s{ours:>11.3f}s{ratio:>7.2f}x  {verdict}", flush=True)


if __name__ == "__main__":
    main()
