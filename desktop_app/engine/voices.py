"""The local engine's built-in voices: what ``getAllVoices`` serves and what ``/Cover`` can sing with.

Each voice is a timbre profile applied after the pitch shift: formant-like peak filters, a tilt,
doubling (chorus), grit (drive) and space (reverb). They are honest signal-processing colours,
not voice models, and their names say so.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Voice:
    voice_id: str
    voice_name: str
    # (frequency Hz, gain dB, Q) peak filters that move the perceived formants.
    peaks: tuple[tuple[float, float, float], ...]
    tilt_db: float = 0.0  # high-shelf gain at 4 kHz: brightness
    chorus: float = 0.0  # 0..1 doubling amount
    drive_db: float = 0.0  # saturation
    reverb: float = 0.0  # 0..1 wet level
    tts_only: bool = False


VOICES: tuple[Voice, ...] = (
    Voice("local-warm-tenor", "Warm Tenor (local)", ((250, 3.0, 1.0), (2800, -2.0, 1.2)), tilt_db=-2.0, reverb=0.15),
    Voice("local-bright-soprano", "Bright Soprano (local)", ((900, 2.0, 1.4), (3200, 4.0, 1.0)), tilt_db=3.0),
    Voice("local-husky-alto", "Husky Alto (local)", ((450, 3.5, 1.2), (1800, -3.0, 1.0)), drive_db=6.0, reverb=0.1),
    Voice("local-deep-baritone", "Deep Baritone (local)", ((140, 4.0, 0.9), (3500, -4.0, 0.8)), tilt_db=-3.0),
    Voice("local-airy-pop", "Airy Pop (local)", ((5000, 4.0, 0.7), (300, -2.0, 1.0)), tilt_db=4.0, chorus=0.3),
    Voice("local-choir", "Choir Doubling (local)", ((700, 2.0, 1.0),), chorus=0.8, reverb=0.35),
    Voice("local-radio-crooner", "Radio Crooner (local)", ((1200, 5.0, 0.8), (120, -8.0, 0.7)), drive_db=4.0),
    Voice("local-robot", "Robot (local)", ((1000, 6.0, 4.0), (2000, 6.0, 4.0)), drive_db=10.0, chorus=0.5),
)

_BY_ID = {v.voice_id.lower(): v for v in VOICES}


def find(voice_id: str) -> Voice | None:
    """The voice with this id (case-insensitive), or None."""
    return _BY_ID.get(voice_id.strip().lower())


def search(query: str) -> list[Voice]:
    needle = query.strip().lower()
    return [v for v in VOICES if needle in v.voice_name.lower() or needle in v.voice_id.lower()]


def as_api(voice: Voice) -> dict:
    return {"voice_id": voice.voice_id, "voice_name": voice.voice_name, "tts_only": voice.tts_only}
