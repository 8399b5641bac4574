"""Long-gap inpainting by self-similarity (after Perraudin, Holighaus, Majdak & Balazs, TASLP 2018).

A song that repeats itself already contains the best material to fill a hole with. We describe
every ~23 ms frame (log-mel + chroma), take the few seconds just before and just after the region
as templates, and slide both templates over the whole song at once (FFT correlation): a source
position scores well when what precedes it sounds like what precedes the region *and* what follows
it sounds like what follows the region — the "two good jumps" of the paper, in its fixed-length
mode. The region's own audio is masked out, so the answer never depends on what is being replaced.
The best positions are refined to the sample by cross-correlating the waveform around both seams,
and the borrowed passage is joined by the app's one crossfade law (``audio/crossfade.py``), with
fades that stay inside the region: every sample outside it is the input, untouched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal

from desktop_app.audio.splice import splice_passage
from desktop_app.engine.dsp.features import N_FFT, Features, describe, to_mono

CONTEXT_SECONDS = 4.0  # template length each side (the paper links frames within ~5 s of the gap)
SEAM_WINDOW_SECONDS = 0.15  # waveform compared at each seam during the fine alignment
CROSSFADE_SECONDS = 0.02
BEAT_BONUS = 0.03  # how much a lag of a whole number of beats is preferred (ties only)


class NothingToBorrowError(ValueError):
    """The song has no passage outside the region long enough to fill it."""


@dataclass
class Borrow:
    source_start: int  # full-rate sample where the borrowed passage starts
    lag: int  # region start minus source start, in samples
    score: float  # mean cosine similarity of the contexts, -1..1
    seam_correlation: float  # normalised waveform correlation at the seams after alignment, -1..1

    def as_dict(self, sample_rate: int, length: int) -> dict:
        return {
            "source_start": round(self.source_start / sample_rate, 4),
            "source_end": round((self.source_start + length) / sample_rate, 4),
            "offset_seconds": round(-self.lag / sample_rate, 4),
            "context_match": round(self.score, 4),
            "seam_correlation": round(self.seam_correlation, 4),
        }


@dataclass
class InpaintResult:
    takes: list[np.ndarray]
    borrows: list[Borrow]
    tempo_bpm: float | None


def inpaint(samples: np.ndarray, sample_rate: int, start: int, end: int, count: int = 2) -> InpaintResult:
    """Fill samples[start:end] with the ``count`` best distinct borrows from elsewhere in the song."""
    frames = samples.shape[0]
    if not 0 <= start < end <= frames:
        raise ValueError("the region must lie inside the song")
    features = describe(samples, sample_rate)
    candidates = rank_candidates(features, start, end, frames, count)
    mono = to_mono(samples)
    borrows = [refine(mono, sample_rate, start, end, lag, score, features) for lag, score in candidates]
    fade = max(1, min(int(CROSSFADE_SECONDS * sample_rate), (end - start) // 4))
    takes = [splice_passage(samples, start, end, samples[start - b.lag : end - b.lag], fade) for b in borrows]
    return InpaintResult(takes, borrows, features.tempo_bpm)


def _masked_frames(features: Features, start: int, end: int) -> tuple[int, int]:
    """First and one-past-last analysis frames whose window touches the region."""
    span = features.hop * features.factor
    window = N_FFT * features.factor
    first = max(0, int(np.floor((start - window) / span)) + 1)
    last = min(features.frames, int(np.ceil(end / span)))
    return first, last


def rank_candidates(features: Features, start: int, end: int, frames: int, count: int) -> list[tuple[int, float]]:
    """The ``count`` best (lag in samples, score) pairs, at least half a region (or 1 s) apart."""
    vectors = features.vectors.copy()
    first, last = _masked_frames(features, start, end)
    vectors[first:last] = 0.0  # the region's content must not steer the search
    context = max(1, round(CONTEXT_SECONDS / features.frame_seconds))
    templates = []
    if first > 0:
        templates.append((vectors[max(0, first - context) : first], -min(context, first)))
    if last < features.frames:
        templates.append((vectors[last : last + context], last - first))
    if not templates:
        raise NothingToBorrowError("the region covers the whole song; there is no context to match")
    total = sum(len(t) for t, _ in templates)
    score = np.zeros(features.frames, np.float64)
    for template, offset in templates:
        conv = signal.fftconvolve(vectors, template[::-1], mode="full", axes=0).sum(axis=1)
        # conv[n] = sum_j vectors[n - len + 1 + j] . template[j]; we want the window at p + offset.
        index = np.arange(features.frames) + offset + len(template) - 1
        valid = (index >= 0) & (index < len(conv))
        score[valid] += conv[index[valid]]
    score /= total

    span = features.hop * features.factor
    lags = (first - np.arange(features.frames)) * span  # source frame p stands in for frame `first`
    region = end - start
    slack = 3 * span  # the fine alignment may move a borrow by up to two frames
    source_starts = start - lags
    usable = (np.abs(lags) >= region + slack) & (source_starts >= slack) & (source_starts + region + slack <= frames)
    if not usable.any():
        raise NothingToBorrowError(
            "the song has no passage outside the region as long as the region; select a shorter region"
        )
    if features.beat_period:
        beats = np.abs(lags / span) / features.beat_period
        score = score + BEAT_BONUS * (1.0 - 2.0 * np.abs(beats - np.round(beats)))
    score = np.where(usable, score, -np.inf)
    separation = max(round(1.0 / features.frame_seconds), (last - first) // 2)
    chosen: list[tuple[int, float]] = []
    for _ in range(count):
        best = int(np.argmax(score))
        if not np.isfinite(score[best]):
            break
        chosen.append((int(lags[best]), float(score[best])))
        score[max(0, best - separation) : best + separation + 1] = -np.inf
    while len(chosen) < count:  # a short song may offer only one distinct source: reuse it
        chosen.append(chosen[-1])
    return chosen


def refine(
    mono: np.ndarray, sample_rate: int, start: int, end: int, lag: int, score: float, features: Features
) -> Borrow:
    """Move a frame-accurate borrow to the sample where its seams line up best with the song."""
    reach = 2 * features.hop * features.factor
    window = int(SEAM_WINDOW_SECONDS * sample_rate)
    total = np.zeros(2 * reach + 1)
    weight = 0
    # Before the region: song[start-window:start] should equal song[start-window-lag:start-lag].
    # After it: song[end:end+window] should equal song[end-lag:end+window-lag].
    for ref_start in (start - window, end):
        ref_end = ref_start + window
        src_start, src_end = ref_start - lag - reach, ref_end - lag + reach
        if ref_start < 0 or ref_end > len(mono) or src_start < 0 or src_end > len(mono):
            continue
        total += _normalised_xcorr(mono[ref_start:ref_end], mono[src_start:src_end])
        weight += 1
    if not weight:
        return Borrow(start - lag, lag, score, 0.0)
    best = int(np.argmax(total))
    # index k means the source window starting at src_start + k matches: its lag is lag + reach - k.
    fine_lag = lag + reach - best
    if abs(fine_lag) < end - start or not (start - fine_lag >= 0 and end - fine_lag <= len(mono)):
        fine_lag = lag  # alignment would overlap the region itself: keep the coarse position
    return Borrow(start - fine_lag, fine_lag, score, float(total[best] / weight))


def _normalised_xcorr(reference: np.ndarray, search: np.ndarray) -> np.ndarray:
    """Pearson-like correlation of ``reference`` against every same-length window of ``search``."""
    reference = reference - reference.mean()
    raw = signal.correlate(search, reference, mode="valid", method="fft")
    energy = np.cumsum(np.concatenate([[0.0], search.astype(np.float64) ** 2]))
    window_energy = energy[len(reference) :] - energy[: -len(reference)]
    denom = np.sqrt(np.maximum(window_energy, 1e-12) * max(float(np.dot(reference, reference)), 1e-12))
    return raw / denom
