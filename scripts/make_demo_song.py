"""Make Retake's demo song: ``resources/demo/demo_song.flac`` and its ``README.md``.

This script is the song's source of truth: the FLAC is synthesised here from numbers only (no
samples, no recordings), deterministically, so anyone can regenerate the identical file:

    .venv/bin/python scripts/make_demo_song.py

120 BPM, 4/4, A minor; intro / verse / chorus / verse / chorus / outro, where the second verse
and chorus repeat the first ones note for note (every drum hit is one pre-rendered sample and
every note is rendered by the same function), because the local engine's inpainting borrows
from repeated passages. Drums (kick, snare, hats), bass, a pad and a lead. Mastered to about
-14 LUFS integrated with the peak below -1 dBFS.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pedalboard as pb
import pyloudnorm
import soundfile as sf
from scipy import signal

RATE = 44_100
BPM = 120
BEAT = 60 / BPM  # seconds
BAR = 4 * BEAT
KEY = "A minor"
TARGET_LUFS = -14.0
PEAK_CEILING_DB = -1.0
SEED = 2024
OUT_DIR = Path(__file__).resolve().parents[1] / "resources" / "demo"

# MIDI note names used below: A2=45, A3=57, A4=69, C5=72, E5=76.
CHORDS = {  # root (bass octave) and chord tones (pad octave)
    "Am": (45, (57, 60, 64)),
    "F": (41, (53, 57, 60)),
    "C": (48, (55, 60, 64)),
    "G": (43, (55, 59, 62)),
    "Em": (40, (55, 59, 64)),
}


@dataclass(frozen=True)
class Section:
    name: str
    chords: tuple[str, ...]  # one chord per bar
    drums: str  # "none", "hats", "verse", "chorus"
    lead: tuple[tuple[float, float, int], ...]  # (start beat, length in beats, MIDI note)


_VERSE_LEAD = (
    (0, 1, 64), (1, 1, 69), (2, 1, 72), (3, 1, 71),
    (4, 2, 69), (6, 2, 65),
    (8, 1, 67), (9, 1, 72), (10, 1, 76), (11, 1, 74),
    (12, 3, 71),
    (16, 1, 64), (17, 1, 69), (18, 1, 72), (19, 1, 71),
    (20, 2, 69), (22, 2, 65),
    (24, 1, 67), (25, 1, 72), (26, 1, 76), (27, 1, 74),
    (28, 2, 74), (30, 2, 71),
)  # fmt: skip
_CHORUS_LEAD = (
    (0, 1, 72), (1, 0.5, 72), (1.5, 0.5, 74), (2, 1, 76), (3, 1, 72),
    (4, 2, 74), (6, 1, 71), (7, 1, 67),
    (8, 1.5, 76), (9.5, 0.5, 74), (10, 1, 71), (11, 1, 67),
    (12, 3, 69),
    (16, 1, 72), (17, 0.5, 72), (17.5, 0.5, 74), (18, 1, 76), (19, 1, 79),
    (20, 1, 77), (21, 1, 76), (22, 1, 74), (23, 1, 71),
    (24, 1, 76), (25, 1, 79), (26, 1, 76), (27, 1, 74),
    (28, 4, 69),
)  # fmt: skip

INTRO = Section("intro", ("Am", "F", "C", "G"), "hats", ())
VERSE = Section("verse", ("Am", "F", "C", "G") * 2, "verse", _VERSE_LEAD)
CHORUS = Section("chorus", ("F", "G", "Em", "Am") * 2, "chorus", _CHORUS_LEAD)
OUTRO = Section("outro", ("Am", "F", "G", "Am"), "none", ((0, 4, 69), (4, 4, 72), (8, 4, 71), (12, 4, 69)))
SONG = (INTRO, VERSE, CHORUS, VERSE, CHORUS, OUTRO)
TAIL_S = 1.5  # the reverb's last breath after the final bar


def midi_hz(note: float) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def seconds(beats: float) -> int:
    return round(beats * BEAT * RATE)


# -- instruments: each returns float32 mono (or (frames, 2)) -------------------------------------


def kick() -> np.ndarray:
    t = np.arange(int(0.45 * RATE)) / RATE
    freq = 45 + 75 * np.exp(-t / 0.03)
    body = np.sin(2 * np.pi * np.cumsum(freq) / RATE) * np.exp(-t / 0.18)
    click = np.exp(-t / 0.002) * 0.3
    return (body + click).astype(np.float32)


def snare(rng: np.random.Generator) -> np.ndarray:
    t = np.arange(int(0.3 * RATE)) / RATE
    noise = signal.sosfilt(
        signal.butter(2, [1500, 8000], "bandpass", fs=RATE, output="sos"), rng.standard_normal(len(t))
    )
    body = np.sin(2 * np.pi * 185 * t) * np.exp(-t / 0.05)
    return (0.8 * noise * np.exp(-t / 0.07) + 0.6 * body).astype(np.float32)


def hat(rng: np.random.Generator, decay: float) -> np.ndarray:
    t = np.arange(int((decay * 6) * RATE)) / RATE
    noise = signal.sosfilt(signal.butter(4, 7000, "highpass", fs=RATE, output="sos"), rng.standard_normal(len(t)))
    return (0.25 * noise * np.exp(-t / decay)).astype(np.float32)


def bass_note(note: int, frames: int) -> np.ndarray:
    t = np.arange(frames) / RATE
    phase = (midi_hz(note) * t) % 1.0
    saw = 2 * phase - 1
    sub = np.sin(2 * np.pi * midi_hz(note - 12) * t)
    env = np.minimum(1, t / 0.005) * np.exp(-t / 0.5) * np.minimum(1, (frames - np.arange(frames)) / 300)
    tone = signal.sosfilt(signal.butter(2, 500, "lowpass", fs=RATE, output="sos"), 0.5 * saw + 0.7 * sub)
    return (tone * env).astype(np.float32)


def pad_chord(notes: tuple[int, ...], frames: int) -> np.ndarray:
    t = np.arange(frames) / RATE
    left = np.zeros(frames)
    right = np.zeros(frames)
    for note in notes:
        for detune, to_left in ((-0.08, 0.7), (0.08, 0.3), (0.0, 0.5)):  # detuned voices spread a little
            phase = (midi_hz(note + detune) * t + 0.25 * (note % 5)) % 1.0
            left += to_left * 2 * (2 * phase - 1)
            right += (1 - to_left) * 2 * (2 * phase - 1)
    env = np.minimum(1, t / 0.25) * np.minimum(1, (frames - np.arange(frames)) / (0.2 * RATE))
    sos = signal.butter(2, 1800, "lowpass", fs=RATE, output="sos")
    stereo = np.stack([signal.sosfilt(sos, left), signal.sosfilt(sos, right)], axis=1) * env[:, None]
    return (0.05 * stereo).astype(np.float32)


def lead_note(note: int, frames: int) -> np.ndarray:
    t = np.arange(frames) / RATE
    vibrato = 1 + 0.004 * np.sin(2 * np.pi * 5.5 * t) * np.minimum(1, t / 0.3)
    phase = np.cumsum(midi_hz(note) * vibrato) / RATE
    wave = np.sin(2 * np.pi * phase) + 0.35 * np.sin(4 * np.pi * phase) + 0.15 * np.sin(6 * np.pi * phase)
    env = np.minimum(1, t / 0.02) * (0.75 + 0.25 * np.exp(-t / 0.15))
    env *= np.minimum(1, (frames - np.arange(frames)) / (0.06 * RATE))
    return (0.22 * wave * env).astype(np.float32)


# -- arrangement ------------------------------------------------------------------------------------


def _place(track: np.ndarray, sound: np.ndarray, at: int, gain: float = 1.0, pan: float = 0.0) -> None:
    """Add ``sound`` (mono or stereo) at frame ``at``; ``pan`` -1 (left) .. 1 (right), equal power."""
    end = min(len(track), at + len(sound))
    if end <= at:
        return
    part = sound[: end - at]
    if part.ndim == 1:
        angle = (pan + 1) * np.pi / 4
        part = part[:, None] * np.array([np.cos(angle), np.sin(angle)], np.float32) * np.sqrt(2)
    track[at:end] += gain * part


def render_section(section: Section, kit: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each instrument's stem for one section (tails may run past its end)."""
    bars = len(section.chords)
    frames = seconds(4 * bars) + int(2 * RATE)
    stems = {name: np.zeros((frames, 2), np.float32) for name in ("drums", "bass", "pad", "lead")}
    for bar, chord in enumerate(section.chords):
        root, tones = CHORDS[chord]
        bar_start = seconds(4 * bar)
        _place(stems["pad"], pad_chord(tones, seconds(4)), bar_start)
        if section.drums in ("verse", "chorus"):
            for eighth in range(8):
                note = root + (12 if eighth in (3, 7) and section.drums == "chorus" else 0)
                _place(stems["bass"], bass_note(note, seconds(0.5) - 200), bar_start + seconds(eighth / 2), 0.9)
        elif section.name == "outro":
            _place(stems["bass"], bass_note(root, seconds(4) - 400), bar_start, 0.9)
        _drums(stems["drums"], section.drums, bar_start, kit, last_bar=bar == bars - 1)
    for start, length, note in section.lead:
        _place(stems["lead"], lead_note(note, seconds(length) - 300), seconds(start))
    return stems


def _drums(track: np.ndarray, style: str, bar_start: int, kit: dict[str, np.ndarray], last_bar: bool) -> None:
    if style == "none":
        return
    for eighth in range(8):
        at = bar_start + seconds(eighth / 2)
        if style == "chorus" and eighth % 2:
            _place(track, kit["open_hat"], at, 0.7, pan=0.3)
        else:
            _place(track, kit["hat"], at, 0.8 if eighth % 2 == 0 else 0.55, pan=0.3)
    if style == "hats":
        return
    kicks = (0, 3, 4) if style == "verse" else (0, 3, 4, 6)
    for eighth in kicks:
        _place(track, kit["kick"], bar_start + seconds(eighth / 2), 0.9)
    for beat in (1, 3):
        _place(track, kit["snare"], bar_start + seconds(beat), 0.6, pan=-0.05)
    if last_bar:  # a fill into the next section
        for sixteenth in (12, 13, 14, 15):
            _place(track, kit["snare"], bar_start + seconds(sixteenth / 4), 0.25 + 0.08 * (sixteenth - 12))


def arrange() -> tuple[np.ndarray, list[tuple[str, int, float, float]]]:
    rng = np.random.default_rng(SEED)
    kit = {"kick": kick(), "snare": snare(rng), "hat": hat(rng, 0.025), "open_hat": hat(rng, 0.12)}
    rendered = {id(section): render_section(section, kit) for section in dict.fromkeys(SONG)}
    total_bars = sum(len(s.chords) for s in SONG)
    frames = seconds(4 * total_bars) + int(TAIL_S * RATE)
    stems = {name: np.zeros((frames, 2), np.float32) for name in ("drums", "bass", "pad", "lead")}
    sections = []
    bar = 0
    for section in SONG:
        start = seconds(4 * bar)
        for name, stem in rendered[id(section)].items():
            _place(stems[name], stem, start)
        sections.append((section.name, bar + 1, start / RATE, (start + seconds(4 * len(section.chords))) / RATE))
        bar += len(section.chords)
    return mix(stems), sections


def mix(stems: dict[str, np.ndarray]) -> np.ndarray:
    def fx(board: pb.Pedalboard, stem: np.ndarray) -> np.ndarray:
        return board(stem.T.copy(), RATE).T

    lead = fx(
        pb.Pedalboard([pb.Delay(BEAT * 0.75, 0.25, 0.18), pb.Reverb(0.45, wet_level=0.18, dry_level=0.9, width=0.6)]),
        stems["lead"],
    )
    pad = fx(pb.Pedalboard([pb.Reverb(0.7, wet_level=0.25, dry_level=0.85, width=0.5)]), stems["pad"])
    drums = fx(
        pb.Pedalboard([pb.Compressor(-14, 3, 5, 80), pb.Reverb(0.2, wet_level=0.08, dry_level=1.0, width=0.5)]),
        stems["drums"],
    )
    bass = fx(pb.Pedalboard([pb.Compressor(-18, 4, 10, 120)]), stems["bass"])
    bus = drums + 0.9 * bass + pad + 0.8 * lead
    # A steep low-pass at 14 kHz is mostly for size: the saws' and hats' top octave is what FLAC
    # cannot predict, and the shipped file should stay under 8 MB.
    # A 25 Hz high-pass removes the DC that decaying envelopes on saws leave behind.
    band = signal.butter(8, [25, 14_000], "bandpass", fs=RATE, output="sos")
    top = signal.sosfilt(band, bus, axis=0).astype(np.float32)
    return fx(pb.Pedalboard([pb.Compressor(-10, 2, 20, 200)]), top)


def master(song: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Bring the mix to TARGET_LUFS with the sample peak under PEAK_CEILING_DB.

    JUCE's limiter (inside pedalboard) adds back its threshold as make-up gain, so it is run at
    0 dB and followed by a fixed gain that sets the ceiling with half a dB of margin.
    """
    meter = pyloudnorm.Meter(RATE)
    chain = pb.Pedalboard([pb.Limiter(threshold_db=0.0, release_ms=80), pb.Gain(PEAK_CEILING_DB - 0.5)])
    gain_db = TARGET_LUFS - meter.integrated_loudness(song)
    for _ in range(6):  # limiting costs a little loudness: nudge the drive until the meter agrees
        out = chain((song * 10 ** (gain_db / 20)).T.copy(), RATE).T
        error = TARGET_LUFS - meter.integrated_loudness(out)
        if abs(error) < 0.05:
            break
        gain_db += error
    fade = np.ones(len(out), np.float32)
    fade[-int(TAIL_S * RATE) :] = np.linspace(1, 0, int(TAIL_S * RATE)) ** 2
    out = (out * fade[:, None]).astype(np.float32)
    return out, meter.integrated_loudness(out), 20 * np.log10(np.abs(out).max())


def write_readme(path: Path, sections, duration: float, lufs: float, peak_db: float, size: int) -> None:
    rows = "\n".join(
        f"| {name} | {bar} | {bar + round((end - start) / BAR) - 1} | {start:.1f} | {end:.1f} |"
        for name, bar, start, end in sections
    )
    path.write_text(
        f"""# Demo song

`demo_song.flac` is the track Retake opens with `./dev run` and `retake --demo`.

**It is generated, not recorded, and free to use for any purpose** (public domain / CC0): it is
synthesised from numbers by `scripts/make_demo_song.py`, which is its source of truth. Run that
script to regenerate the identical file; change the script, not the FLAC.

- Tempo: {BPM} BPM, 4/4 (one bar = {BAR:.1f} s), key: {KEY}
- Length: {duration:.2f} s, 44.1 kHz stereo, 16-bit FLAC ({size / 1e6:.1f} MB)
- Loudness: {lufs:.1f} LUFS integrated (ITU-R BS.1770, pyloudnorm), sample peak {peak_db:.1f} dBFS
- Instruments: kick, snare, hi-hats (open hats in the chorus), bass, pad chords, lead melody
- The second verse and second chorus repeat the first ones note for note: the local engine's
  inpainting borrows from repeated passages, so a region selected in one chorus can be rebuilt
  from the other. The two choruses are sample-for-sample identical in the file.

| section | first bar | last bar | start (s) | end (s) |
|---|---|---|---|---|
{rows}

Chords: verse Am–F–C–G, chorus F–G–Em–Am, outro Am–F–G–Am. The last {TAIL_S:.1f} s are the reverb tail.
"""
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="folder for demo_song.flac and README.md")
    args = parser.parse_args(argv)
    song, sections = arrange()
    song, lufs, peak_db = master(song)
    args.out.mkdir(parents=True, exist_ok=True)
    flac = args.out / "demo_song.flac"
    sf.write(str(flac), song, RATE, format="FLAC", subtype="PCM_16", compression_level=1.0)
    duration = len(song) / RATE
    write_readme(args.out / "README.md", sections, duration, lufs, peak_db, flac.stat().st_size)
    print(f"{flac}: {duration:.2f} s, {BPM} BPM 4/4, {KEY}, {lufs:.2f} LUFS, peak {peak_db:.2f} dBFS, "
          f"{flac.stat().st_size / 1e6:.2f} MB")  # fmt: skip
    for name, bar, start, end in sections:
        print(f"  {name:<7} bar {bar:>2}  {start:6.1f}-{end:6.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
