"""Synthetic songs with repeated sections, for testing and benchmarking the local engine.

A section type (verse, chorus, ...) always has the same chords, bass line, melody and drums, so
its occurrences are musically the same passage; each occurrence gets its own small velocity
jitter and its own room noise, so no two are sample-identical (as in a real recording) and the
best possible borrow has a finite, measurable SNR.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RATE = 44100
BPM = 120.0
BEAT = 60.0 / BPM
BAR = 4 * BEAT

# Chord roots (MIDI) per bar, one progression per section type.
PROGRESSIONS = {
    "intro": (57, 53, 48, 55),
    "verse": (57, 53, 48, 55),
    "chorus": (48, 55, 57, 53),
    "bridge": (50, 53, 55, 52),
    "outro": (48, 55, 57, 53),
}
POP_FORM = (
    ("intro", 4),
    ("verse", 8),
    ("chorus", 8),
    ("verse", 8),
    ("chorus", 8),
    ("bridge", 4),
    ("chorus", 8),
    ("outro", 4),
)


@dataclass
class Section:
    name: str
    start: float  # seconds
    end: float
    occurrence: int  # 0 for the first chorus, 1 for the second, ...


def _midi_hz(note: float) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def _tone(freq: float, seconds: float, rate: int, partials: int, decay: float, bright: float) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    wave = np.zeros_like(t)
    for k in range(1, partials + 1):
        if freq * k < rate / 2:
            wave += np.sin(2 * np.pi * freq * k * t) * bright ** (k - 1) / k
    attack = np.minimum(1.0, t / 0.01)
    return (wave * attack * np.exp(-t / decay)).astype(np.float32)


def _drum(kind: str, rate: int, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(int(0.25 * rate)) / rate
    if kind == "kick":
        return (np.sin(2 * np.pi * (50 + 90 * np.exp(-t * 30)) * t) * np.exp(-t * 14)).astype(np.float32)
    noise = rng.standard_normal(len(t))
    if kind == "snare":
        return (0.5 * noise * np.exp(-t * 25) + 0.4 * np.sin(2 * np.pi * 190 * t) * np.exp(-t * 20)).astype(np.float32)
    return (0.25 * np.diff(noise, prepend=0) * np.exp(-t * 60)).astype(np.float32)  # hat


def _section_score(name: str) -> list[tuple[float, float, str, float, float]]:
    """(time in section, seconds, instrument, pitch, level) events for one section type: fixed per name."""
    rng = np.random.default_rng(sum(map(ord, name)))  # the same notes every time this section plays
    roots = PROGRESSIONS[name]
    scale = np.array([0, 2, 4, 5, 7, 9, 11, 12])
    events = []
    for bar, root in enumerate(roots):
        t0 = bar * BAR
        for offset in (0, 4, 7):  # triad (minor third for A and D roots)
            third = 3 if root % 12 in (9, 2, 4) and offset == 4 else offset
            events.append((t0, BAR, "pad", root + 12 + third, 0.12))
        for beat in range(4):
            events.append((t0 + beat * BEAT, BEAT * 0.9, "bass", root - 12 + (7 if beat == 2 else 0), 0.3))
            events.append((t0 + beat * BEAT, 0.25, "kick" if beat % 2 == 0 else "snare", 0, 0.5))
            events.append((t0 + (beat + 0.5) * BEAT, 0.25, "hat", 0, 0.4))
        for step in range(8):
            if rng.random() < 0.8:
                degree = scale[rng.integers(0, len(scale))]
                events.append((t0 + step * BEAT / 2, BEAT / 2, "lead", root + 24 + degree, 0.18))
    return events


def make_song(form=POP_FORM, *, repeat_form: int = 1, rate: int = RATE, channels: int = 2, seed: int = 1):
    """Render ``form`` (``repeat_form`` times). Returns (float32 samples (frames, channels), sections)."""
    sections: list[Section] = []
    seen: dict[str, int] = {}
    t = 0.0
    for _ in range(repeat_form):
        for name, bars in form:
            length = bars * BAR
            sections.append(Section(name, t, t + length, seen.get(name, 0)))
            seen[name] = seen.get(name, 0) + 1
            t += length
    total = int(t * rate) + rate
    out = np.zeros((total, 2), np.float32)
    drum_rng = np.random.default_rng(99)
    drums = {kind: _drum(kind, rate, drum_rng) for kind in ("kick", "snare", "hat")}
    cache: dict[tuple, np.ndarray] = {}
    for index, section in enumerate(sections):
        bars_in_section = round((section.end - section.start) / BAR)
        score = _section_score(section.name)
        jitter = np.random.default_rng(seed * 1000 + index)
        for repeat in range(bars_in_section // 4):
            base = section.start + repeat * 4 * BAR
            for when, seconds, instrument, pitch, level in score:
                key = (instrument, pitch, seconds)
                if key not in cache:
                    cache[key] = drums[instrument] if instrument in drums else _instrument(instrument, pitch, seconds)
                sound = cache[key] * level * (10 ** (jitter.normal(0, 0.3) / 20))
                start = int((base + when) * rate)
                pan = {"bass": 0.5, "pad": 0.35, "lead": 0.65, "hat": 0.7, "snare": 0.45}.get(instrument, 0.5)
                end = min(total, start + len(sound))
                out[start:end, 0] += sound[: end - start] * (1 - pan) * 1.4
                out[start:end, 1] += sound[: end - start] * pan * 1.4
    noise = np.random.default_rng(seed).standard_normal(out.shape).astype(np.float32) * 0.004
    out += noise
    out *= 0.7 / max(1e-9, float(np.abs(out).max()))
    if channels == 1:
        out = out.mean(axis=1, keepdims=True)
    return out[: int(t * rate)], sections


def _instrument(instrument: str, pitch: float, seconds: float) -> np.ndarray:
    freq = _midi_hz(pitch)
    if instrument == "bass":
        return _tone(freq, seconds, RATE, 6, 0.35, 0.6)
    if instrument == "pad":
        return _tone(freq, seconds, RATE, 8, 1.5, 0.5)
    return _tone(freq, seconds, RATE, 10, 0.25, 0.75)


def snr_db(reference: np.ndarray, estimate: np.ndarray) -> float:
    error = float(np.sum((reference.astype(np.float64) - estimate) ** 2))
    return 10 * np.log10(float(np.sum(reference.astype(np.float64) ** 2)) / max(error, 1e-20))
