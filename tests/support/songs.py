"""A small synthetic song with a known tempo and downbeat: drums, bass and chords.

Used by the tempo tests, the editor tests and the benchmarks, so they can check the grid against
the truth instead of trusting the estimator.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

# The grid of the editor tests' song (the ``song_path`` fixture).
BPM = 120.0
DOWNBEAT = 0.5


def beat_song(
    seconds: float = 24.0, *, bpm: float = 120.0, first_downbeat: float = 0.5, rate: int = 44100, seed: int = 3
) -> np.ndarray:
    """Stereo float32: kick on 1 and 3, snare on 2 and 4, eighth hats, a bass line, pad chords."""
    rng = np.random.default_rng(seed)
    frames = int(seconds * rate)
    out = np.zeros((frames, 2), np.float32)
    beat = 60.0 / bpm
    t_kick = np.arange(int(0.25 * rate)) / rate
    kick = np.sin(2 * np.pi * (50 * t_kick + 60 * (1 - np.exp(-t_kick * 30)) / 30)) * np.exp(-t_kick * 14)
    snare = rng.standard_normal(int(0.18 * rate)) * np.exp(-np.arange(int(0.18 * rate)) / rate * 25) * 0.45
    hat = rng.standard_normal(int(0.04 * rate)) * np.exp(-np.arange(int(0.04 * rate)) / rate * 120) * 0.12
    hat = np.diff(hat, prepend=0.0)
    roots = [55.0, 43.65, 65.41, 49.0]  # A1, F1, C2, G1: a loop of four bars
    index = 0
    t = first_downbeat
    while t < seconds:
        pos = int(t * rate)
        beat_in_bar = index % 4
        bar = index // 4
        if beat_in_bar in (0, 2):
            _mix(out, pos, kick * (0.9 if beat_in_bar == 0 else 0.6))
        else:
            _mix(out, pos, snare)
        _mix(out, pos, hat)
        _mix(out, int((t + beat / 2) * rate), hat * 0.7)
        length = int(beat * rate)
        tb = np.arange(length) / rate
        root = roots[bar % 4]
        bass = 0.22 * np.sign(np.sin(2 * np.pi * root * tb)) * np.exp(-tb * 3)
        pad = sum(np.sin(2 * np.pi * root * 4 * r * tb) for r in (1.0, 1.26, 1.5)) * 0.035
        _mix(out, pos, bass + pad)
        index += 1
        t = first_downbeat + index * beat
    peak = float(np.abs(out).max()) or 1.0
    return (out * (0.89 / peak)).astype(np.float32)  # about -1 dBFS, no clipping


def _mix(out: np.ndarray, pos: int, sound: np.ndarray) -> None:
    if pos < 0 or pos >= out.shape[0]:
        return
    end = min(out.shape[0], pos + len(sound))
    out[pos:end] += sound[: end - pos, None].astype(np.float32)


def write_beat_song(path: Path, seconds: float = 24.0, **kwargs) -> Path:
    rate = kwargs.get("rate", 44100)
    sf.write(str(path), beat_song(seconds, **kwargs), rate, subtype="PCM_16")
    return path
