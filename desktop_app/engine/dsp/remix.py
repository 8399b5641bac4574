"""Remix: effect chains chosen from the words of the prompt, two different takes.

Each style has an A and a B variant, so the two takes are audibly different readings of the same
request. Styles combine in the order the table lists them ("slowed lo-fi" = lo-fi, then slowed).
A prompt naming no known style gets the default "polish" chain.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pedalboard as pb
from scipy import signal

from desktop_app.audio.loudness import integrated_lufs, match_loudness


@dataclass(frozen=True)
class Style:
    name: str
    pattern: str  # regular expression over the lower-cased prompt
    variants: tuple[Callable[[int], list], Callable[[int], list]]  # sample_rate -> pedalboard plugins
    speed: tuple[float, float] = (1.0, 1.0)  # playback-speed change per variant (tape-style: pitch follows)
    crackle: tuple[float, float] = (0.0, 0.0)  # vinyl crackle density per variant


def _lofi(rate: int) -> list:
    return [pb.HighpassFilter(120), pb.LowpassFilter(4200), pb.Bitcrush(bit_depth=10), pb.Compressor(-18, 3)]


def _lofi_b(rate: int) -> list:
    return [pb.LowpassFilter(3000), pb.Chorus(rate_hz=0.4, depth=0.15, mix=0.3), pb.Bitcrush(bit_depth=9),
            pb.Reverb(room_size=0.3, wet_level=0.15, dry_level=0.9)]  # fmt: skip


STYLES: tuple[Style, ...] = (
    Style("lo-fi", r"lo-?\s?fi|chill|lofi", (_lofi, _lofi_b), crackle=(0.3, 0.6)),
    Style(
        "8-bit",
        r"8-?\s?bit|chiptune|retro game|nes\b",
        (
            lambda r: [pb.Resample(8000, quality=pb.Resample.Quality.ZeroOrderHold), pb.Bitcrush(bit_depth=6)],
            lambda r: [
                pb.Resample(11025, quality=pb.Resample.Quality.ZeroOrderHold),
                pb.Bitcrush(bit_depth=5),
                pb.Distortion(drive_db=8),
            ],
        ),
    ),
    Style(
        "radio",
        r"radio|telephone|phone|walkie|\bam\b",
        (
            lambda r: [
                pb.HighpassFilter(400),
                pb.LowpassFilter(3200),
                pb.Distortion(drive_db=12),
                pb.Compressor(-20, 6),
            ],
            lambda r: [
                pb.HighpassFilter(600),
                pb.LowpassFilter(2500),
                pb.Distortion(drive_db=20),
                pb.Compressor(-24, 8),
            ],
        ),
    ),
    Style(
        "underwater",
        r"under\s?water|muffled|submerged|ocean",
        (
            lambda r: [
                pb.LowpassFilter(450),
                pb.Chorus(rate_hz=0.3, depth=0.5, mix=0.5),
                pb.Reverb(room_size=0.7, wet_level=0.4, dry_level=0.7),
            ],
            lambda r: [
                pb.LowpassFilter(300),
                pb.Phaser(rate_hz=0.2, depth=0.8, mix=0.6),
                pb.Reverb(room_size=0.85, wet_level=0.5, dry_level=0.6),
            ],
        ),
    ),
    Style(
        "vinyl",
        r"vinyl|record player|dusty|old record|gramophone",
        (
            lambda r: [pb.HighpassFilter(60), pb.LowpassFilter(9000), pb.Compressor(-16, 2)],
            lambda r: [pb.HighpassFilter(90), pb.LowpassFilter(6500), pb.Chorus(rate_hz=0.6, depth=0.05, mix=0.4)],
        ),
        crackle=(0.5, 1.0),
    ),
    Style(
        "slowed + reverb",
        r"slow(ed)?|reverb|dreamy",
        (
            lambda r: [pb.Reverb(room_size=0.8, wet_level=0.35, dry_level=0.8)],
            lambda r: [pb.Reverb(room_size=0.92, damping=0.3, wet_level=0.45, dry_level=0.75)],
        ),
        speed=(0.85, 0.8),
    ),
    Style(
        "sped up",
        r"sped|speed|nightcore|fast(er)?",
        (lambda r: [], lambda r: [pb.HighShelfFilter(6000, 2.0)]),
        speed=(1.2, 1.27),
    ),
)

DEFAULT = Style(
    "polish",
    r"$^",
    (
        lambda r: [pb.Compressor(-16, 2.5), pb.HighShelfFilter(8000, 2.0), pb.Reverb(room_size=0.35, wet_level=0.12)],
        lambda r: [
            pb.LowShelfFilter(110, 3.0),
            pb.Chorus(rate_hz=0.8, depth=0.12, mix=0.25),
            pb.Reverb(room_size=0.5, wet_level=0.2),
        ],
    ),
)


def styles_for(prompt: str) -> list[Style]:
    text = prompt.lower()
    chosen = [style for style in STYLES if re.search(style.pattern, text)]
    return chosen or [DEFAULT]


def remix(samples: np.ndarray, sample_rate: int, prompt: str, seed: int = 0) -> tuple[list[np.ndarray], list[dict]]:
    """Two takes of ``samples`` transformed by the styles the prompt names, loudness-matched to the input."""
    styles = styles_for(prompt)
    target = integrated_lufs(samples, sample_rate)
    takes, details = [], []
    for variant in (0, 1):
        audio = samples.T.astype(np.float32)  # pedalboard wants (channels, frames)
        plugins = [plugin for style in styles for plugin in style.variants[variant](sample_rate)]
        if plugins:
            audio = pb.Pedalboard(plugins)(audio, sample_rate)
        crackle = max(style.crackle[variant] for style in styles)
        if crackle:
            audio = audio + vinyl_crackle(audio.shape, sample_rate, crackle, seed + variant)
        speed = float(np.prod([style.speed[variant] for style in styles]))
        if abs(speed - 1.0) > 1e-3:
            audio = change_speed(audio, speed)
        takes.append(match_loudness(audio.T, sample_rate, target))
        details.append({"styles": [style.name for style in styles], "variant": "AB"[variant], "speed": speed})
    return takes, details


def change_speed(audio: np.ndarray, speed: float) -> np.ndarray:
    """Play faster or slower like a turntable: duration and pitch change together."""
    up = 100
    down = round(up * speed)
    return signal.resample_poly(audio, up, down, axis=1).astype(np.float32)


def vinyl_crackle(shape: tuple[int, int], sample_rate: int, density: float, seed: int) -> np.ndarray:
    """Sparse clicks plus a faint hiss, both band-limited like a worn record."""
    rng = np.random.default_rng(seed)
    frames = shape[1]
    clicks = np.zeros(frames, np.float32)
    count = int(frames / sample_rate * 12 * density)
    where = rng.integers(0, frames, count)
    clicks[where] = rng.uniform(-0.25, 0.25, count).astype(np.float32)
    hiss = rng.standard_normal(frames).astype(np.float32) * 0.003 * density
    b, a = signal.butter(2, [800, 6000], btype="band", fs=sample_rate)
    noise = signal.lfilter(b, a, clicks + hiss).astype(np.float32)
    return np.repeat(noise[None, :], shape[0], axis=0)
