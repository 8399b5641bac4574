"""Cover: shift the pitch by ``pitch`` semitones, then colour the result with the voice's timbre profile."""

from __future__ import annotations

import numpy as np
import pedalboard as pb

from desktop_app.audio.loudness import integrated_lufs, match_loudness
from desktop_app.engine.voices import Voice


def voice_chain(voice: Voice) -> list:
    plugins: list = [pb.PeakFilter(freq, gain, q) for freq, gain, q in voice.peaks]
    if voice.tilt_db:
        plugins.append(pb.HighShelfFilter(4000, voice.tilt_db))
    if voice.drive_db:
        plugins.append(pb.Distortion(drive_db=voice.drive_db))
    if voice.chorus:
        plugins.append(pb.Chorus(rate_hz=1.1, depth=0.2, centre_delay_ms=12, mix=voice.chorus * 0.6))
    if voice.reverb:
        plugins.append(pb.Reverb(room_size=0.5, wet_level=voice.reverb, dry_level=1.0 - voice.reverb / 2))
    return plugins


def cover(samples: np.ndarray, sample_rate: int, voice: Voice, pitch: int) -> tuple[np.ndarray, dict]:
    """One take: pitch-shifted (length kept) and coloured, loudness-matched to the input."""
    plugins = ([pb.PitchShift(semitones=float(pitch))] if pitch else []) + voice_chain(voice)
    audio = pb.Pedalboard(plugins)(samples.T.astype(np.float32), sample_rate)
    take = match_loudness(audio.T, sample_rate, integrated_lufs(samples, sample_rate))
    return take, {"voice_id": voice.voice_id, "pitch": pitch, "effects": [type(p).__name__ for p in plugins]}
