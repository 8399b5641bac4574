"""Audio core (no Qt): decode, encode, peak pyramid, and the signal tools built on them."""

from desktop_app.audio.clip import Clip, SourceInfo
from desktop_app.audio.decode import MAX_DURATION_S, load, load_with_peaks
from desktop_app.audio.encode import save
from desktop_app.audio.errors import AudioError
from desktop_app.audio.peaks import PeakPyramid

__all__ = [
    "MAX_DURATION_S",
    "AudioError",
    "Clip",
    "PeakPyramid",
    "SourceInfo",
    "load",
    "load_with_peaks",
    "save",
]
