"""Extend a song after a chosen point by borrowing the passage that best continues it.

The same self-similarity idea as inpainting (see inpaint.py), with one template instead of two:
the few seconds before ``extend_after`` are slid over the whole song (FFT correlation of the
frame descriptors), and where the song's own context sounds most like them, what follows there is
the continuation. The take is the original, bit for bit, up to ``extend_after``; then a short
crossfade (after that point, from the original's next samples into the borrowed ones, by the one
crossfade law of ``audio/crossfade.py``) and the borrowed passage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal

from desktop_app.audio.crossfade import crossfade
from desktop_app.engine.dsp.features import describe
from desktop_app.engine.dsp.inpaint import CONTEXT_SECONDS, CROSSFADE_SECONDS, NothingToBorrowError

EXTENSION_SECONDS = 30.0  # at most this much new material per take
MIN_EXTENSION_SECONDS = 2.0  # a source must offer at least this much after it
MIN_DISTANCE_SECONDS = 1.0  # a source this close to the point itself would only replay the original


@dataclass
class Continuation:
    source_start: int  # full-rate sample the borrowed passage starts at
    length: int  # samples borrowed
    score: float  # mean cosine similarity of the contexts, -1..1

    def as_dict(self, sample_rate: int) -> dict:
        return {
            "source_start": round(self.source_start / sample_rate, 4),
            "source_end": round((self.source_start + self.length) / sample_rate, 4),
            "context_match": round(self.score, 4),
        }


@dataclass
class ExtendResult:
    takes: list[np.ndarray]
    continuations: list[Continuation]
    tempo_bpm: float | None


def extend(samples: np.ndarray, sample_rate: int, after: int, count: int = 1) -> ExtendResult:
    """``count`` takes: ``samples[:after]`` unchanged, then the best distinct borrowed continuations."""
    frames = samples.shape[0]
    if not 0 < after <= frames:
        raise ValueError("extend_after must lie inside the song")
    features = describe(samples, sample_rate)
    span = features.hop * features.factor
    point = min(features.frames, after // span)  # first frame at or after the point
    context = max(1, round(CONTEXT_SECONDS / features.frame_seconds))
    template = features.vectors[max(0, point - context) : point]
    if len(template) == 0:
        raise NothingToBorrowError("there is no music before the extension point to continue from")
    conv = signal.fftconvolve(features.vectors, template[::-1], mode="full", axes=0).sum(axis=1)
    # conv[n] = sum_j vectors[n - T + 1 + j] . template[j]: the T frames before source frame p are at n = p - 1.
    # Near the start fewer frames precede p; the sum over those only scores lower, as it should.
    sources = np.arange(features.frames)
    score = np.full(features.frames, -np.inf)
    valid = sources >= 1
    score[valid] = conv[sources[valid] - 1] / len(template)
    starts = np.arange(features.frames) * span
    minimum = round(MIN_EXTENSION_SECONDS * sample_rate)
    usable = (np.abs(starts - after) >= MIN_DISTANCE_SECONDS * sample_rate) & (starts + minimum <= frames)
    score = np.where(usable, score, -np.inf)
    if not np.isfinite(score).any():
        raise NothingToBorrowError("the song has no other passage to continue from; choose an earlier point")
    separation = max(1, round(2.0 / features.frame_seconds))
    picks: list[Continuation] = []
    for _ in range(count):
        best = int(np.argmax(score))
        if not np.isfinite(score[best]):
            break
        source = int(starts[best])
        length = min(frames - source, round(EXTENSION_SECONDS * sample_rate))
        picks.append(Continuation(source, length, float(score[best])))
        score[max(0, best - separation) : best + separation + 1] = -np.inf
    while len(picks) < count:  # a short song may offer one source only: reuse it
        picks.append(picks[-1])
    return ExtendResult([_join(samples, after, p, sample_rate) for p in picks], picks, features.tempo_bpm)


def _join(samples: np.ndarray, after: int, pick: Continuation, sample_rate: int) -> np.ndarray:
    borrowed = samples[pick.source_start : pick.source_start + pick.length].astype(np.float32, copy=True)
    fade = min(round(CROSSFADE_SECONDS * sample_rate), len(borrowed) // 4, samples.shape[0] - after)
    if fade > 0:  # the fade lives after the point: everything before it stays the original's
        borrowed[:fade] = crossfade(samples[after : after + fade].astype(np.float32), borrowed[:fade])
    return np.concatenate([samples[:after], borrowed.astype(samples.dtype, copy=False)], axis=0)
