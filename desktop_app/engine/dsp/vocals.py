"""A synthesized guide vocal: the lyrics sung on vowels, to a melody read from the track's harmony.

- Timing: syllables land on the track's beat grid (tempo and phase from the onset envelope), one
  per beat (take 1) or one per half beat (take 2), with a rest between lyric lines.
- Melody: at each syllable the strongest pitch classes of the track's chroma are candidates; the
  line moves to the nearest one (voice leading). Take 2 sings the second-strongest tone instead,
  a harmony line. The register follows the gender (male ~E3, female ~E4, neutral ~B3).
- Sound: a sawtooth glottal source with vibrato and a short glide, through three formant
  resonators chosen by the syllable's vowel, with a breath-noise consonant where the syllable
  starts with one. It is a guide, not a singer, and the result says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pedalboard as pb
from scipy import signal

from desktop_app.audio.loudness import SILENCE_LUFS, integrated_lufs, match_loudness, soft_limit
from desktop_app.engine.dsp.features import Features, describe

REGISTER = {"male": 52, "female": 64, "neutral": 59}  # MIDI centre of the sung range
FORMANTS = {  # (F1, F2, F3) Hz of sung vowels
    "a": (800, 1200, 2500),
    "e": (500, 1800, 2500),
    "i": (320, 2300, 3000),
    "o": (500, 900, 2400),
    "u": (350, 800, 2300),
}
_SYLLABLE = re.compile(r"[^aeiouy]*[aeiouy]+(?:[^aeiouy]*$|[^aeiouy](?=[^aeiouy]))?", re.IGNORECASE)


@dataclass
class Note:
    start: float  # seconds
    length: float
    midi: float
    vowel: str
    consonant: bool
    line: int


def syllables(word: str) -> list[str]:
    """Rough English syllables: one per vowel group (good enough to pace a guide vocal)."""
    letters = re.sub(r"[^a-zA-Z']", "", word)
    if not letters:
        return []
    parts = _SYLLABLE.findall(letters)
    return parts or [letters]


def lyric_lines(lyrics: str) -> list[str]:
    """Sung lines: section markers like [Chorus] and blank lines are not sung."""
    lines = [line.strip() for line in lyrics.splitlines()]
    return [line for line in lines if line and not re.fullmatch(r"\[.*\]|\(.*\)", line)]


def beat_grid(features: Features, duration: float) -> tuple[float, float]:
    """(seconds per beat, time of the first beat) from the onset envelope; 120 BPM if no pulse is found."""
    period_frames = features.beat_period or 0.5 / features.frame_seconds
    period = period_frames * features.frame_seconds
    phases = np.arange(0, period, features.frame_seconds)
    strength = [features.onset[np.arange(int(p / features.frame_seconds), features.frames, period_frames).astype(int)]
                .sum() for p in phases]  # fmt: skip
    return period, float(phases[int(np.argmax(strength))]) if len(phases) else 0.0


def plan_notes(lyrics: str, features: Features, duration: float, gender: str, take: int) -> list[Note]:
    period, phase = beat_grid(features, duration)
    step = period if take == 0 else period / 2
    t = phase + 4 * period if duration > phase + 12 * period else phase  # a bar of intro when there is room
    centre = REGISTER.get(gender, REGISTER["neutral"])
    previous = float(centre)
    notes: list[Note] = []
    for line_index, line in enumerate(lyric_lines(lyrics)):
        for word in line.split():
            for syllable in syllables(word):
                if t + step > duration:
                    return notes
                midi = _pick_pitch(features, t, t + step, previous, centre, take)
                vowel = next((c for c in syllable.lower() if c in "aeiou"), "i" if "y" in syllable.lower() else "a")
                notes.append(Note(t, step * 0.92, midi, vowel, syllable[0].lower() not in "aeiouy", line_index))
                previous = midi
                t += step
        t += 2 * period  # breathe between lines
    return notes


def _pick_pitch(features: Features, start: float, end: float, previous: float, centre: int, take: int) -> float:
    first = int(start / features.frame_seconds)
    last = max(first + 1, int(end / features.frame_seconds))
    chroma = features.chroma[first:last].mean(axis=0) if first < features.frames else np.ones(12)
    ranked = np.argsort(chroma)[::-1][:3]
    if take == 1 and len(ranked) > 1:
        ranked = ranked[1:]
    best, best_distance = float(centre), np.inf
    for pitch_class in ranked:  # chroma index 0 is A, i.e. MIDI notes with (midi - 9) % 12 == 0
        for midi in range(centre - 7, centre + 8):
            if (midi - 9) % 12 == pitch_class and abs(midi - previous) < best_distance:
                best, best_distance = float(midi), abs(midi - previous)
    return best


def synthesize(notes: list[Note], frames: int, sample_rate: int, seed: int) -> np.ndarray:
    """Render the notes into a mono float32 vocal of ``frames`` samples."""
    out = np.zeros(frames, np.float32)
    rng = np.random.default_rng(seed)
    previous_hz = None
    for note in notes:
        start = int(note.start * sample_rate)
        length = min(int(note.length * sample_rate), frames - start)
        if length <= 32:
            continue
        t = np.arange(length) / sample_rate
        target = 440.0 * 2 ** ((note.midi - 69) / 12)
        glide_from = previous_hz or target
        f0 = target + (glide_from - target) * np.exp(-t / 0.03)
        vibrato = 1 + 0.012 * np.sin(2 * np.pi * 5.5 * t) * np.clip((t - 0.15) / 0.1, 0, 1)
        phase = np.cumsum(f0 * vibrato / sample_rate)
        source = 2.0 * (phase % 1.0) - 1.0
        voiced = np.zeros(length)
        for formant, gain in zip(FORMANTS[note.vowel], (1.0, 0.6, 0.25), strict=True):
            b, a = signal.iirpeak(formant, 6.0, fs=sample_rate)
            voiced += gain * signal.lfilter(b, a, source)
        envelope = np.minimum(1.0, t / 0.03) * np.minimum(1.0, (note.length - t) / 0.06).clip(0, 1)
        sound = voiced * envelope
        if note.consonant:
            burst = min(length, int(0.03 * sample_rate))
            noise = rng.standard_normal(burst) * np.linspace(1, 0, burst) * 0.3
            b, a = signal.butter(2, 3000, btype="high", fs=sample_rate)
            sound[:burst] += signal.lfilter(b, a, noise)
        out[start : start + length] += sound.astype(np.float32)
        previous_hz = target
    return out


def sing_over(
    samples: np.ndarray, sample_rate: int, lyrics: str, gender: str, *, vocal_level_db: float = -2.0, seed: int = 0
) -> tuple[list[np.ndarray], list[dict]]:
    """Two takes of the track with a guide vocal on top; details carry each line's timing."""
    frames = samples.shape[0]
    duration = frames / sample_rate
    features = describe(samples, sample_rate)
    target = integrated_lufs(samples, sample_rate)
    takes, details = [], []
    for take in (0, 1):
        notes = plan_notes(lyrics, features, duration, gender, take)
        vocal = synthesize(notes, frames, sample_rate, seed + take)
        vocal = pb.Pedalboard([pb.HighpassFilter(120), pb.Reverb(room_size=0.4, wet_level=0.18)])(vocal, sample_rate)
        vocal_lufs = integrated_lufs(vocal[:, None], sample_rate)
        if vocal_lufs > SILENCE_LUFS and target > SILENCE_LUFS:
            vocal *= np.float32(10 ** ((target + vocal_level_db - vocal_lufs) / 20))
        mixed = soft_limit(samples + vocal[:, None])
        takes.append(match_loudness(mixed, sample_rate, target))
        details.append({"notes": len(notes), "lines": _line_times(notes, lyrics), "gender": gender})
    return takes, details


def _line_times(notes: list[Note], lyrics: str) -> list[dict]:
    """Timestamped lyric lines in milliseconds, the shape of MusicGPT's ``lyrics_timestamped``."""
    lines = lyric_lines(lyrics)
    result: list[dict] = []
    for index, text in enumerate(lines):
        sung = [n for n in notes if n.line == index]
        if sung:
            end = sung[-1].start + sung[-1].length
            result.append({"index": len(result), "text": text, "start": round(sung[0].start * 1000),
                           "end": round(end * 1000)})  # fmt: skip
    return result
