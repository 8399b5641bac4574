"""The four figures of the seam meter (no Qt), each measured against what the original does there.

- level step: K-weighted loudness (audio/loudness.py) of 1.5 s after the seam minus 1.5 s before,
  minus the original's own step there (dB);
- spectral jump: the spectral-shape distance between two beats before and two beats after the
  seam, divided by the original's own such change around it (1 = as much as the song changes);
- timing slip: where the incoming side's onsets fall against the original's, minus the same for
  the outgoing side (ms, positive = late);
- vocal change: the vocal band's share of the energy (300 Hz–3.4 kHz) after minus before, each
  relative to the original (dB; vocals that vanish inside a region give a drop at its start).

The verdicts, ranking and seam moves built on them are in audio/seams.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from desktop_app.audio.loudness import SILENCE_LUFS, integrated_lufs
from desktop_app.audio.tempo import estimate_tempo

LEVEL_WINDOW_S = 1.5  # each side; a short-term window suited to one seam (≤ 3 s together)
TIMING_WINDOW_S = 2.0
SPECTRAL_BEATS = 2  # each side of the spectral comparison: half a bar holds the whole drum pattern
VOCAL_SPAN_S = 10.0  # vocal presence is measured over at most this much of each side
ONSET_DEADBAND_DB = 1.0
MIN_ONSET_DB = 20.0  # a flux peak under this (dB summed over bins) is no onset
MIN_ONSET_CORRELATION = 0.4  # onset envelopes less alike than this share no rhythm to compare
CONTEXT_S = 3.0  # the original's own spectral change is sampled this far around the seam
TEMPO_EXCERPT_MAX_S = 30.0
DEFAULT_BEAT_S = 0.5  # when the song has no beat we can find (120 BPM)
VOCAL_BAND_HZ = (300.0, 3400.0)
_SPECTRAL_BANDS = 24
_SHAPE_FLOOR_DB = -60.0  # bands quieter than this below the spectrum's total do not count
_MIN_SPECTRAL_REF_DB = 1.0  # a steady tone changes by ~0 dB: never divide by less than this


@dataclass(frozen=True)
class Seam:
    """Where ``before`` hands over to ``after`` at frame ``at``; each side plays within its bounds."""

    at: int
    before: np.ndarray = field(repr=False)
    after: np.ndarray = field(repr=False)
    before_lo: int  # first frame of the outgoing side's segment
    after_hi: int  # end (exclusive) of the incoming side's segment
    label: str = ""  # "start", "end" or "" (then the time is used in words)
    movable: tuple[int, int] | None = None  # frames the seam may move within (None: ±1 beat, in bounds)


class SongContext:
    """The original and its beat length, shared by every seam measured against it."""

    def __init__(self, original: np.ndarray, rate: int, beat_s: float | None = None) -> None:
        self.original = original
        self.rate = rate
        self.beat_s = beat_s or DEFAULT_BEAT_S
        self._memo: dict[tuple, object] = {}

    def memo(self, key: tuple, compute):
        """The original's figures at one place are the same for every take: compute them once."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @classmethod
    def around(cls, original: np.ndarray, rate: int, lo: int, hi: int, margin_s: float = 6.0) -> SongContext:
        """Estimate the beat from the song around frames [lo, hi) only: the tempo is local and this is fast."""
        margin, longest = int(margin_s * rate), int(TEMPO_EXCERPT_MAX_S * rate)
        lo, hi = max(0, lo - margin), min(original.shape[0], hi + margin)
        if hi - lo > longest:  # a whole-song comp: the middle of it tells the tempo as well
            lo = (lo + hi - longest) // 2
            hi = lo + longest
        excerpt = original[lo:hi]
        estimate = estimate_tempo(mix_to_mono(excerpt)[:, None], rate)  # mixed once here: cheaper than inside
        return cls(original, rate, 60.0 / estimate.bpm if estimate else None)


def mix_to_mono(samples: np.ndarray) -> np.ndarray:
    if samples.ndim == 1:
        return samples
    # Adding the channel columns is ~20x faster than mean(axis=1) on (frames, channels) float32.
    out = samples[:, 0].astype(np.float32, copy=True)
    for channel in range(1, samples.shape[1]):
        out += samples[:, channel]
    if samples.shape[1] > 1:
        out *= np.float32(1.0 / samples.shape[1])
    return out


def _sides(seam: Seam, rate: int, seconds: float) -> tuple[int, int]:
    width = int(seconds * rate)
    return max(seam.before_lo, seam.at - width), min(seam.after_hi, seam.at + width)


def level_step(ctx: SongContext, seam: Seam) -> float:
    lo, hi = _sides(seam, ctx.rate, LEVEL_WINDOW_S)
    if lo >= seam.at or hi <= seam.at:
        return 0.0
    rate, original = ctx.rate, ctx.original

    def lufs(x: np.ndarray, a: int, b: int) -> float:
        return integrated_lufs(x[a:b], rate)

    heard = lufs(seam.after, seam.at, hi) - lufs(seam.before, lo, seam.at)
    own = ctx.memo(("level", lo, seam.at, hi), lambda: lufs(original, seam.at, hi) - lufs(original, lo, seam.at))
    # Silence against silence is no step; silence on one side only is measured down to the gate.
    return float(np.clip(heard - own, -(0.0 - SILENCE_LUFS), 0.0 - SILENCE_LUFS))


def fft_size(rate: int) -> int:
    return 1 << max(8, round(math.log2(rate * 0.093)))  # ~93 ms: 4096 frames at 44.1 kHz


_BAND_STARTS: dict[tuple[int, int], tuple[np.ndarray, int, int]] = {}
_WINDOWS: dict[int, np.ndarray] = {}


def _bands(rate: int, size: int) -> tuple[np.ndarray, int, int]:
    """Log-spaced bands 50 Hz–16 kHz as (first bin of each band, first bin, end bin) of a ``size`` FFT."""
    key = (rate, size)
    if key not in _BAND_STARTS:
        freqs = np.fft.rfftfreq(size, 1.0 / rate)
        edges = np.geomspace(50.0, min(16000.0, rate / 2), _SPECTRAL_BANDS + 1)
        bins = np.searchsorted(freqs, edges)
        # Low bands narrower than a bin share it with the next: keep every band at least one bin wide.
        bins = np.maximum(bins, bins[0] + np.arange(bins.size))
        bins = np.minimum(bins, freqs.size)
        _BAND_STARTS[key] = (bins[:-1] - bins[0], int(bins[0]), int(bins[-1]))
    return _BAND_STARTS[key]


def band_db(mono: np.ndarray, rate: int, size: int, hop: int) -> np.ndarray:
    """Band energies in dB of each ``size`` frame every ``hop`` samples: (frames, bands)."""
    if mono.size < size:
        mono = np.concatenate([mono, np.zeros(size - mono.size, mono.dtype)])
    if size not in _WINDOWS:
        _WINDOWS[size] = np.hanning(size).astype(np.float32)
    frames = sliding_window_view(mono, size)[::hop]
    spectrum = np.fft.rfft(frames * _WINDOWS[size], axis=1)
    starts, lo, hi = _bands(rate, size)
    part = spectrum[:, lo:hi]
    power = part.real**2 + part.imag**2
    return 10 * np.log10(np.add.reduceat(power, starts, axis=1) + 1e-12)


def total_db(bands_db: np.ndarray) -> np.ndarray:
    return 10 * np.log10(np.sum(10 ** (bands_db / 10), axis=-1) + 1e-12)


def shape_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """RMS dB difference of two spectra's shapes (each relative to its own total): level-free."""
    sa = np.maximum(a - total_db(a)[..., None], _SHAPE_FLOOR_DB)
    sb = np.maximum(b - total_db(b)[..., None], _SHAPE_FLOOR_DB)
    return np.sqrt(np.mean((sa - sb) ** 2, axis=-1))


def _window_power(mono: np.ndarray, rate: int, size: int) -> np.ndarray:
    """Band powers (linear) of ``size`` frames every ``size // 2`` samples: (frames, bands)."""
    return 10 ** (band_db(mono, rate, size, size // 2) / 10)


def spectral_jump(ctx: SongContext, seam: Seam) -> float:
    """Spectral-shape distance between two beats before and two after, over the original's own.

    Averaging two beats on each side keeps the drums of a beat on both sides, so the song's
    own change is small except where the music really changes; a take of another timbre stands out.
    """
    rate, size = ctx.rate, fft_size(ctx.rate) // 2
    hop = size // 2
    width = min(int(SPECTRAL_BEATS * ctx.beat_s * rate), seam.at - seam.before_lo, seam.after_hi - seam.at)
    width = min(width, seam.at, ctx.original.shape[0] - seam.at)
    if width < 2 * size:
        return 1.0
    per_side = (width - size) // hop + 1  # frames wholly inside one side
    length = (per_side - 1) * hop + size
    before = _window_power(mix_to_mono(seam.before[seam.at - length : seam.at]), rate, size).mean(axis=0)
    after = _window_power(mix_to_mono(seam.after[seam.at : seam.at + length]), rate, size).mean(axis=0)
    across = float(shape_distance(_db(before), _db(after)))
    typical = ctx.memo(("spectral", seam.at, width), lambda: _own_spectral_change(ctx, seam.at, width, size))
    return across / max(typical, _MIN_SPECTRAL_REF_DB)


def _own_spectral_change(ctx: SongContext, at: int, width: int, size: int) -> float:
    """The original's typical two-beat spectral change around ``at``, or its change at ``at`` if larger."""
    rate, hop = ctx.rate, size // 2
    per_side = (width - size) // hop + 1
    # The same distance for the original at every half window within ±3 s of the seam.
    span = int(CONTEXT_S * rate)
    lo, hi = max(0, at - span - width), min(ctx.original.shape[0], at + span + width)
    lo = at - ((at - lo) // hop) * hop  # keep a frame boundary on the seam
    power = _window_power(mix_to_mono(ctx.original[lo:hi]), rate, size)
    sums = np.concatenate([np.zeros((1, power.shape[1])), np.cumsum(power, axis=0)])
    positions = np.arange(per_side + 1, power.shape[0] - per_side + 1)  # boundary before frame i
    if positions.size == 0:
        return 0.0
    first_before = positions - 1 - (per_side - 1) - (size // hop - 1)
    valid = first_before >= 0
    positions, first_before = positions[valid], first_before[valid]
    before_avg = (sums[first_before + per_side] - sums[first_before]) / per_side
    after_avg = (sums[positions + per_side] - sums[positions]) / per_side
    own = shape_distance(_db(before_avg), _db(after_avg))
    seam_index = (at - lo) // hop
    at_seam = own[positions == seam_index]
    return max(float(np.median(own)) if own.size else 0.0, float(at_seam[0]) if at_seam.size else 0.0)


def _db(power: np.ndarray) -> np.ndarray:
    return 10 * np.log10(power + 1e-12)


def _onset_envelope(mono: np.ndarray, rate: int) -> tuple[np.ndarray, int]:
    """Spectral flux in dB at ~3 ms resolution on an ~11 kHz mix; returns (envelope, samples per value).

    Levels are floored 60 dB under the excerpt's loudest bin and rises under 1 dB are ignored, so a
    steady tone (whose weak bins flicker from frame to frame) has no onsets at all.
    """
    factor = max(1, rate // 11025)
    size, hop = 256, 32
    usable = (mono.size // factor) * factor
    small = mono[:usable].reshape(-1, factor).mean(axis=1)
    if small.size < size * 2:
        return np.zeros(0), factor * hop
    frames = sliding_window_view(small, size)[::hop]
    level = 20 * np.log10(np.abs(np.fft.rfft(frames * np.hanning(size), axis=1)) + 1e-9)
    level = np.maximum(level, level.max() - 60.0)
    rise = np.diff(level, axis=0, prepend=level[:1]) - ONSET_DEADBAND_DB
    return np.maximum(rise, 0.0).sum(axis=1), factor * hop


def _lag_ms(ctx: SongContext, source: np.ndarray, lo: int, hi: int) -> float | None:
    """How late ``source``'s onsets in [lo, hi) fall against the original's (ms); None without onsets."""
    if source is ctx.original:
        return 0.0
    rate = ctx.rate
    if hi - lo < rate // 4:
        return None
    max_lag_s = min(0.1, 0.3 * ctx.beat_s)
    env, step = _onset_envelope(mix_to_mono(source[lo:hi]), rate)
    # The original's excerpt starts a whole number of envelope steps earlier, so frames line up.
    pad = min(lo // step, int(max_lag_s * rate) // step + 2)
    ref_lo, ref_hi = lo - pad * step, min(ctx.original.shape[0], hi + (pad + 2) * step)
    ref, _ = ctx.memo(
        ("onsets", ref_lo, ref_hi), lambda: _onset_envelope(mix_to_mono(ctx.original[ref_lo:ref_hi]), rate)
    )
    if env.size < 8 or ref.size < env.size or env.max() < MIN_ONSET_DB or ref.max() < MIN_ONSET_DB:
        return None
    env = env - env.mean()
    max_lag = int(max_lag_s * rate / step)
    lags = np.arange(-max_lag, max_lag + 1)
    scores = np.full(lags.size, -np.inf)
    for i, lag in enumerate(lags):  # source[n] ≈ original[n - lag]
        j = pad - lag
        if j >= 0 and j + env.size <= ref.size:
            window = ref[j : j + env.size] - ref[j : j + env.size].mean()
            scores[i] = float(np.dot(env, window)) / (np.linalg.norm(env) * np.linalg.norm(window) + 1e-12)
    if not np.isfinite(scores).any() or scores.max() < MIN_ONSET_CORRELATION:
        return None  # no onsets in common (a pad, or other rhythms): no slip to speak of
    near_best = np.flatnonzero(scores >= scores.max() - 0.02)
    best = int(near_best[np.argmin(np.abs(lags[near_best]))])  # of equal peaks, the smallest slip
    slip = float(lags[best])
    if 0 < best < lags.size - 1 and np.isfinite(scores[best - 1]) and np.isfinite(scores[best + 1]):
        a, b, c = scores[best - 1], scores[best], scores[best + 1]
        denom = a - 2 * b + c
        if denom < 0:
            slip += 0.5 * (a - c) / denom
    return 1000.0 * slip * step / rate


def timing_slip(ctx: SongContext, seam: Seam) -> float | None:
    lo, hi = _sides(seam, ctx.rate, TIMING_WINDOW_S)
    before = _lag_ms(ctx, seam.before, lo, seam.at)
    after = _lag_ms(ctx, seam.after, seam.at, hi)
    if before is None or after is None:
        return None
    return after - before


def _presence_db(mono: np.ndarray, rate: int) -> float:
    size = fft_size(rate)
    if mono.size < size:
        return 0.0
    frames = sliding_window_view(mono, size)[::size]
    power = (np.abs(np.fft.rfft(frames * np.hanning(size), axis=1)) ** 2).sum(axis=0)
    freqs = np.fft.rfftfreq(size, 1.0 / rate)
    band = power[(freqs >= VOCAL_BAND_HZ[0]) & (freqs < VOCAL_BAND_HZ[1])].sum()
    return float(10 * np.log10((band + 1e-12) / (power.sum() + 1e-12)))


def vocal_change(ctx: SongContext, seam: Seam) -> float:
    """Vocal-band share after the seam minus before, each side relative to the original there."""
    lo, hi = _sides(seam, ctx.rate, VOCAL_SPAN_S)

    def relative(source: np.ndarray, a: int, b: int) -> float:
        if source is ctx.original or b <= a:
            return 0.0
        own = ctx.memo(("presence", a, b), lambda: _presence_db(mix_to_mono(ctx.original[a:b]), ctx.rate))
        return _presence_db(mix_to_mono(source[a:b]), ctx.rate) - own

    change = relative(seam.after, seam.at, hi) - relative(seam.before, lo, seam.at)
    return float(np.clip(change, -60.0, 60.0))  # silence on one side would read as -120 dB
