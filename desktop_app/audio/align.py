"""Find how far a returned take is shifted against the original, from the audio outside the region.

Services re-encode takes (MP3 adds encoder delay), so a take may start a few hundred samples
late or early. We cross-correlate a mono mix of the original and the take over context windows
before and after the region, where both should be the same song, and take the lag of the peak.

Work stays in proportion to the context, never to the song: only the context windows are mixed
to mono. A whole-track take (remix, cover: the region is the whole song) has no context, so it is
judged on decimated signals (~2 kHz, read block by block) and its lag found to the sample on
a few loud seconds at full rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from desktop_app.audio.kweighting import fast_size

CONTEXT_S = 8.0  # seconds of context used on each side of the region
MAX_OFFSET_S = 0.5  # takes are never shifted by more than this in practice
WHOLE_TRACK_RATE = 2000  # analysis rate of whole-track alignment (Hz, about)
REFINE_S = 4.0  # full-rate windows that find a whole-track lag to the sample
_DECIMATE_BLOCK = 1 << 13  # output samples decimated at a time
_PIECE = 1 << 16  # frames of reference correlated at a time


@dataclass(frozen=True)
class Alignment:
    offset: int  # take[n + offset] lines up with original[n]
    confidence: float  # normalised correlation at the peak, 0..1 (below ~0.5: not the same audio)


def estimate_offset(
    original: np.ndarray, take: np.ndarray, start: int, end: int, rate: int, max_offset_s: float = MAX_OFFSET_S
) -> Alignment:
    """Estimate the lag of ``take`` against ``original`` using the audio outside ``[start, end)``."""
    max_lag = int(max_offset_s * rate)
    spans = _context_spans(original.shape[0], start, end, rate)
    if not spans:  # the region is the whole track
        return _whole_track_offset(original, take, rate, max_lag)
    lag, confidence = _correlate(original, take, spans, -max_lag, max_lag)
    return Alignment(offset=lag, confidence=confidence)


def apply_offset(take: np.ndarray, offset: int, frames: int) -> np.ndarray:
    """Shift ``take`` so that it lines up with the original, padded with silence or trimmed to ``frames``."""
    out = np.zeros((frames, take.shape[1]), np.float32)
    src_lo = max(0, offset)
    dst_lo = max(0, -offset)
    count = max(0, min(frames - dst_lo, take.shape[0] - src_lo))
    out[dst_lo : dst_lo + count] = take[src_lo : src_lo + count]
    return out


def _context_spans(frames: int, start: int, end: int, rate: int) -> list[tuple[int, int]]:
    width = int(CONTEXT_S * rate)
    spans = []
    if start > 0:
        spans.append((max(0, start - width), start))
    if end < frames:
        spans.append((end, min(frames, end + width)))
    return spans


def _mono(samples: np.ndarray) -> np.ndarray:
    if samples.ndim == 1:
        return samples.astype(np.float64)
    # Column by column: numpy's mean over a short axis 1 is several times slower.
    mono = samples[:, 0].astype(np.float64)
    for channel in range(1, samples.shape[1]):
        mono += samples[:, channel]
    return mono / samples.shape[1]


def _window(samples: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Mono of ``samples[lo:hi]``, silence where the range runs past either end."""
    out = np.zeros(hi - lo)
    a, b = max(0, lo), min(samples.shape[0], hi)
    if b > a:
        out[a - lo : b - lo] = _mono(samples[a:b])
    return out


def _correlate(
    original: np.ndarray, take: np.ndarray, spans: list[tuple[int, int]], lag_lo: int, lag_hi: int
) -> tuple[int, float]:
    """The lag in ``[lag_lo, lag_hi]`` where the take best matches the original over ``spans``, and its score."""
    total, norm = _scores(original, take, spans, lag_lo, lag_hi)
    peak = int(np.argmax(total))
    confidence = float(total[peak] / norm) if norm > 0 else 0.0
    return lag_lo + peak, max(0.0, min(1.0, confidence))


def _scores(
    original: np.ndarray, take: np.ndarray, spans: list[tuple[int, int]], lag_lo: int, lag_hi: int
) -> tuple[np.ndarray, float]:
    """Cross-correlation for every lag in ``[lag_lo, lag_hi]`` and the norm that makes it 0..1 at lag 0."""
    total = np.zeros(lag_hi - lag_lo + 1)
    energy_ref = energy_take = 0.0
    pieces = [(a, min(hi, a + _PIECE)) for lo, hi in spans for a in range(lo, hi, _PIECE)]
    for lo, hi in pieces:  # correlation adds up over pieces: small FFTs, same answer
        ref = _window(original, lo, hi)
        seg = _window(take, lo + lag_lo, hi + lag_hi)
        # correlate(seg, ref, "valid")[k] = sum(seg[k + n] * ref[n]); lag = lag_lo + k.
        total += _valid_correlation(seg, ref)
        energy_ref += _energy(ref)
        aligned = seg[-lag_lo : -lag_lo + len(ref)] if lag_lo <= 0 <= lag_hi else seg[: len(ref)]
        energy_take += _energy(aligned)
    return total, float(np.sqrt(energy_ref * energy_take))


def _valid_correlation(seg: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """``scipy.signal.correlate(seg, ref, "valid")`` by numpy's FFT (importing scipy.signal costs a second)."""
    size = fast_size(seg.size + ref.size - 1)
    product = np.fft.rfft(seg, size) * np.conj(np.fft.rfft(ref, size))
    return np.fft.irfft(product, size)[: seg.size - ref.size + 1]


def _energy(samples: np.ndarray) -> float:
    # einsum, not BLAS: a BLAS dot spins threads that a busy 2-core machine does not have
    return float(np.einsum("i,i->", samples, samples))


def _whole_track_offset(original: np.ndarray, take: np.ndarray, rate: int, max_lag: int) -> Alignment:
    """Confidence from the decimated whole tracks; the lag, to the sample, from a few loud windows.

    A decimated signal keeps the sustained notes and loses the detail, so its correlation says
    whether the take is the same song but repeats itself every period of a held chord. The lag is
    found at full rate over the loudest few seconds of each third of the song, where detail
    tells the true lag from its look-alikes.
    """
    factor = max(1, rate // WHOLE_TRACK_RATE)
    coarse_ref, coarse_take = _decimated(original, factor), _decimated(take, factor)
    reach = max(1, max_lag // factor)
    total, norm = _scores(coarse_ref, coarse_take, [(0, coarse_ref.size)], -reach, reach)
    confidence = max(0.0, min(1.0, float(total.max() / norm))) if norm > 0 else 0.0
    offset, _ = _correlate(original, take, _loud_windows(coarse_ref, factor, rate), -max_lag, max_lag)
    return Alignment(offset=offset, confidence=confidence)


def _loud_windows(coarse: np.ndarray, factor: int, rate: int) -> list[tuple[int, int]]:
    """The loudest ``REFINE_S`` seconds of each third of the song, in full-rate frames."""
    width = max(1, int(REFINE_S * rate) // factor)
    if coarse.size <= width:
        return [(0, coarse.size * factor)]
    energy = np.cumsum(np.concatenate([[0.0], coarse.astype(np.float64) ** 2]))
    window_energy = energy[width:] - energy[:-width]
    windows = []
    for third in np.array_split(np.arange(window_energy.size), 3):
        if third.size:
            lo = int(third[np.argmax(window_energy[third])])
            windows.append((lo * factor, (lo + width) * factor))
    return windows


def _decimated(samples: np.ndarray, factor: int) -> np.ndarray:
    """Mono, averaged over blocks of ``factor`` frames (a crude low-pass, enough to find a lag), in float32."""
    count = samples.shape[0] // factor
    out = np.empty(count, np.float32)
    for lo in range(0, count, _DECIMATE_BLOCK):
        hi = min(count, lo + _DECIMATE_BLOCK)
        chunk = np.ascontiguousarray(samples[lo * factor : hi * factor], dtype=np.float32)
        out[lo:hi] = chunk.reshape(hi - lo, -1).mean(axis=1)  # every channel of `factor` frames at once
    return out
