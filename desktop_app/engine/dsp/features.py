"""Frame-by-frame descriptions of a song: log-mel timbre, chroma harmony, onset strength, tempo.

The tempo comes from the app's one beat tracker, :func:`desktop_app.audio.tempo.estimate_tempo`.

Everything is computed on a mono copy decimated by an integer factor to about 11 kHz: the
matching only needs the shape of the music, not its top octave (Perraudin et al. downsample to
≤ 12 kHz for the same reason), and a quarter of the samples makes it four times faster.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import signal

from desktop_app.audio.tempo import estimate_tempo

ANALYSIS_RATE = 11025
N_FFT = 1024
HOP = 256  # ~23 ms at 11 kHz
N_MELS = 40
CHROMA_WEIGHT = 0.8
MIN_TEMPO_CONFIDENCE = 0.1  # below this the tracker's grid is a guess: borrow without a beat preference


@dataclass
class Features:
    factor: int  # full-rate samples per analysis sample
    rate: float  # analysis sample rate
    hop: int  # analysis samples per frame
    vectors: np.ndarray  # (frames, dims) float32: unit-length, per-dimension centred descriptors
    chroma: np.ndarray  # (frames, 12) float32: unit-length pitch-class energy
    onset: np.ndarray  # (frames,) float32: spectral flux of the log-mel spectrogram
    beat_period: float | None  # frames per beat, when a steady tempo is found

    @property
    def frames(self) -> int:
        return int(self.vectors.shape[0])

    @property
    def frame_seconds(self) -> float:
        return self.hop / self.rate

    @property
    def tempo_bpm(self) -> float | None:
        return 60.0 / (self.beat_period * self.frame_seconds) if self.beat_period else None


def to_mono(samples: np.ndarray) -> np.ndarray:
    """Channel average; a matrix-vector product is several times faster than ``mean(axis=1)``."""
    if samples.ndim == 1:
        return samples
    return samples @ np.full(samples.shape[1], 1.0 / samples.shape[1], samples.dtype)


def decimation_factor(sample_rate: int) -> int:
    return max(1, int(sample_rate // ANALYSIS_RATE))


def analysis_signal(samples: np.ndarray, sample_rate: int) -> tuple[np.ndarray, int]:
    """Mono, decimated by an integer factor to about 11 kHz.

    A boxcar average is a poor anti-alias filter, but whatever folds down folds down identically in
    every repeat of a passage, so self-similarity is unaffected, and it is ten times cheaper.
    """
    mono = to_mono(samples).astype(np.float32, copy=False)
    factor = decimation_factor(sample_rate)
    if factor > 1:
        usable = len(mono) - len(mono) % factor
        mono = mono[:usable].reshape(-1, factor).mean(axis=1)
    return mono, factor


def power_spectrogram(mono: np.ndarray) -> np.ndarray:
    """(frames, N_FFT/2+1) power of Hann-windowed frames; frame i starts at sample i*HOP."""
    padded = mono if len(mono) >= N_FFT else np.pad(mono, (0, N_FFT - len(mono)))
    frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP]
    spectrum = np.fft.rfft(frames * _hann(), axis=1)
    return (spectrum.real**2 + spectrum.imag**2).astype(np.float32)


@lru_cache(maxsize=1)
def _hann() -> np.ndarray:
    return signal.windows.hann(N_FFT, sym=False).astype(np.float32)


@lru_cache(maxsize=8)
def mel_filterbank(rate: float) -> np.ndarray:
    """(N_MELS, bins) triangular filters between 40 Hz and 5 kHz on the mel scale."""
    bins = np.fft.rfftfreq(N_FFT, 1.0 / rate)
    edges = _mel_to_hz(np.linspace(_hz_to_mel(40.0), _hz_to_mel(min(5000.0, rate / 2)), N_MELS + 2))
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (bins[None, :] - lower) / (centre - lower)
    falling = (upper - bins[None, :]) / (upper - centre)
    return np.maximum(0.0, np.minimum(rising, falling)).astype(np.float32)


@lru_cache(maxsize=8)
def chroma_filterbank(rate: float) -> np.ndarray:
    """(12, bins): each FFT bin between 55 Hz and 4 kHz votes for its nearest pitch class (A = 0)."""
    bins = np.fft.rfftfreq(N_FFT, 1.0 / rate)
    matrix = np.zeros((12, len(bins)), np.float32)
    usable = (bins >= 55.0) & (bins <= 4000.0)
    pitch_class = np.round(12 * np.log2(bins[usable] / 440.0)).astype(int) % 12
    matrix[pitch_class, np.flatnonzero(usable)] = 1.0
    return matrix


def _hz_to_mel(hz):
    return 2595.0 * np.log10(1.0 + np.asarray(hz) / 700.0)


def _mel_to_hz(mel):
    return 700.0 * (10 ** (np.asarray(mel) / 2595.0) - 1.0)


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-9)


def describe(samples: np.ndarray, sample_rate: int) -> Features:
    """Compute the frame descriptors of ``samples`` (frames, channels) at ``sample_rate``."""
    mono, factor = analysis_signal(samples, sample_rate)
    rate = sample_rate / factor
    power = power_spectrogram(mono)
    log_mel = np.log(power @ mel_filterbank(rate).T + 1e-6)
    chroma = _unit_rows(np.sqrt(power @ chroma_filterbank(rate).T))
    onset = np.maximum(0.0, np.diff(log_mel, axis=0, prepend=log_mel[:1])).sum(axis=1)
    timbre = _unit_rows(log_mel - log_mel.mean(axis=0))
    harmony = _unit_rows(chroma - chroma.mean(axis=0))
    vectors = _unit_rows(np.hstack([timbre, CHROMA_WEIGHT * harmony])).astype(np.float32)
    return Features(
        factor=factor,
        rate=rate,
        hop=HOP,
        vectors=vectors,
        chroma=chroma.astype(np.float32),
        onset=onset.astype(np.float32),
        beat_period=beat_period_frames(samples, sample_rate, rate / HOP),
    )


def beat_period_frames(samples: np.ndarray, sample_rate: int, frames_per_second: float) -> float | None:
    """Frames per beat from the app's one beat tracker (``audio/tempo.py``), None without a steady pulse."""
    estimate = estimate_tempo(samples, sample_rate)
    if estimate is None or estimate.confidence < MIN_TEMPO_CONFIDENCE:
        return None
    return 60.0 / estimate.bpm * frames_per_second
