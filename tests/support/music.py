"""Music-like test audio made by synthesis: drums, bass and a sung-like lead, kept as stems.

The song is in 4/4 at ``bpm``; its second half repeats the first note for note (every hit and
note is rendered by the same function), so a region in the second half has a true "repeat" in
the first, like a chorus that comes back. The lead ("vocal") is a harmonic tone with vibrato
and a 300 Hz–3 kHz emphasis, the band the seam meter watches for vocals that vanish.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal


@dataclass
class Song:
    rate: int
    bpm: float
    drums: np.ndarray
    bass: np.ndarray
    vocal: np.ndarray

    @property
    def mix(self) -> np.ndarray:
        return (0.6 * (self.drums + self.bass + self.vocal)).astype(np.float32)

    @property
    def beat_s(self) -> float:
        return 60.0 / self.bpm


def _place(out: np.ndarray, sound: np.ndarray, at: int) -> None:
    end = min(out.shape[0], at + sound.shape[0])
    if at < end:
        out[at:end] += sound[: end - at]


def _kick(rate: int) -> np.ndarray:
    t = np.arange(int(0.25 * rate)) / rate
    freq = 50 + 90 * np.exp(-t * 30)
    return 0.8 * np.sin(2 * np.pi * np.cumsum(freq) / rate) * np.exp(-t * 14)


def _noise_hit(rate: int, seconds: float, band: tuple[float, float], level: float, decay: float, seed: int):
    rng = np.random.default_rng(seed)
    sos = signal.butter(4, band, "bandpass", fs=rate, output="sos")
    t = np.arange(int(seconds * rate)) / rate
    return level * signal.sosfilt(sos, rng.standard_normal(t.size)) * np.exp(-t * decay)


def _note(rate: int, freq: float, seconds: float, harmonics: int, vibrato: float) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    phase = 2 * np.pi * np.cumsum(freq * (1 + vibrato * np.sin(2 * np.pi * 5.5 * t))) / rate
    tone = sum(np.sin(k * phase) / k for k in range(1, harmonics + 1))
    envelope = np.minimum(1.0, t / 0.02) * np.minimum(1.0, (seconds - t) / 0.05)
    return tone * envelope


def make_song(seconds: float = 16.0, bpm: float = 120.0, rate: int = 44100, seed: int = 7) -> Song:
    """A stereo song of ``seconds`` (rounded to whole bars, even bar count) whose halves are identical."""
    beat = 60.0 / bpm
    bars = max(2, int(seconds / (4 * beat)) // 2 * 2)
    half_beats = bars * 2
    frames = round(bars * 4 * beat * rate)
    drums, bass, vocal = (np.zeros(frames) for _ in range(3))
    kick, snare = _kick(rate), _noise_hit(rate, 0.2, (180, min(5000, rate * 0.45)), 0.5, 18, seed)
    hat = _noise_hit(rate, 0.05, (min(6000, rate * 0.3), min(12000, rate * 0.45)), 0.25, 80, seed + 1)
    rng = np.random.default_rng(seed)
    roots = rng.choice([55.0, 61.74, 65.41, 73.42, 82.41], size=half_beats // 4)
    melody = rng.choice([220.0, 246.9, 261.6, 293.7, 329.6, 392.0, 440.0], size=half_beats)
    sos = signal.butter(2, (300, 3000), "bandpass", fs=rate, output="sos")
    for repeat in range(2):
        for b in range(half_beats):
            at = round(((repeat * half_beats) + b) * beat * rate)
            _place(drums, kick if b % 2 == 0 else snare, at)
            _place(drums, hat, at)
            _place(drums, hat * 0.6, at + int(beat * rate / 2))
            if b % 4 == 0:
                _place(bass, 0.35 * _note(rate, roots[b // 4], 4 * beat * 0.95, 3, 0.0), at)
            lead = _note(rate, melody[b], beat * 0.9, 8, 0.01)
            _place(vocal, 0.25 * lead + 0.5 * signal.sosfilt(sos, lead), at)

    def stereo(x: np.ndarray, pan: float) -> np.ndarray:
        return np.stack([x * (1 - pan), x * (1 + pan)], axis=1).astype(np.float32) * 0.5

    return Song(rate, bpm, stereo(drums, 0.1), stereo(bass, -0.1), stereo(vocal, 0.0))


def shifted(samples: np.ndarray, frames: int) -> np.ndarray:
    """``samples`` delayed by ``frames`` (early for negative), silence-padded to the same length."""
    out = np.zeros_like(samples)
    if frames >= 0:
        out[frames:] = samples[: samples.shape[0] - frames]
    else:
        out[:frames] = samples[-frames:]
    return out
