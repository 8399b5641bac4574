"""Decode a soundfile-readable file chunk by chunk, in frame order, on one or two cores (no Qt).

A single decoder is libsndfile reading on: an hour-long WAV takes about a second of one core while
the other idles, or builds the window. Where seeking is exact and cheap (PCM and float in WAV, AIFF
and their kin, and FLAC, whose seeks are sample-accurate) a long file is instead decoded by two
threads, each with its own handle, taking chunks in turn; libsndfile runs without the GIL, so the
two cores share the work. Chunks are still handed out in frame order, so the peak pyramid and the
partial waveform grow from the start as before, and a file that stops being readable stops at the
same frame.

A little-endian WAV of 16- or 32-bit integers or 32-bit floats (libsndfile has parsed its header)
is read as raw bytes and converted by numpy: integer to float32 and a power-of-two scale, which is
exactly what libsndfile computes, sample for sample, at about a third of its CPU time (0.42 s
against 1.10 s for an hour of 16-bit stereo).
"""

from __future__ import annotations

import os
import sys
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from io import FileIO
from pathlib import Path

import numpy as np
import soundfile as sf

from desktop_app.audio.peaks import CHUNK_FRAMES

_EXACT_SEEK_FORMATS = {"WAV", "WAVEX", "AIFF", "W64", "RF64", "CAF", "FLAC"}
_EXACT_SEEK_SUBTYPES = {"PCM_S8", "PCM_U8", "PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE"}
PARALLEL_MIN_CHUNKS = 4  # below ~1.5 minutes at 44.1 kHz a second decoder costs more than it gives
# Raw sample layouts numpy converts as libsndfile does: (dtype on disk, scale to ±1.0).
_RAW_WAV = {"PCM_16": ("<i2", 1.0 / (1 << 15)), "PCM_32": ("<i4", 1.0 / (1 << 31)), "FLOAT": ("<f4", 1.0)}


class RawLayout:
    """Where a WAV's samples are and how they are stored, for reading them without libsndfile."""

    def __init__(self, offset: int, subtype: str, channels: int) -> None:
        dtype, scale = _RAW_WAV[subtype]
        self.offset = offset
        self.dtype = np.dtype(dtype)
        self.scale = np.float32(scale)
        self.frame_bytes = self.dtype.itemsize * channels

    @classmethod
    def of(cls, handle: sf.SoundFile, data_offset: int | None, file_size: int) -> RawLayout | None:
        """The layout when ``handle`` is a WAV that numpy can read exactly, else None."""
        if data_offset is None or sys.byteorder != "little":
            return None
        if handle.format not in ("WAV", "WAVEX") or handle.subtype not in _RAW_WAV:
            return None
        layout = cls(data_offset, handle.subtype, handle.channels)
        if data_offset + handle.frames * layout.frame_bytes > file_size:
            return None  # the header promises more than the file holds: libsndfile's reading decides
        return layout


def decoder_count(handle: sf.SoundFile, cpus: int | None = None) -> int:
    """How many threads should decode this file: 2 for a long, exactly seekable file on 2+ cores."""
    cpus = os.cpu_count() if cpus is None else cpus
    if (cpus or 1) < 2 or handle.frames < PARALLEL_MIN_CHUNKS * CHUNK_FRAMES:
        return 1
    if handle.format not in _EXACT_SEEK_FORMATS or handle.subtype not in _EXACT_SEEK_SUBTYPES:
        return 1
    return 2


class ChunkReader:
    """Iterate ``(start, count, wanted)`` per chunk, in frame order, once ``samples[start:start+count]`` holds it.

    ``count < wanted`` means the file ended early (the caller stops there). A libsndfile error is
    raised at the chunk where it happened. Use as a context manager: leaving it stops the decoders.
    """

    def __init__(
        self, path: Path, handle: sf.SoundFile, samples: np.ndarray, decoders: int = 1, raw: RawLayout | None = None
    ) -> None:
        self.path, self.handle, self.samples = path, handle, samples
        self.frames = samples.shape[0]
        self.decoders = decoders
        self.raw = raw
        self._pool: ThreadPoolExecutor | None = None
        self._local = threading.local()
        self._handles: list[sf.SoundFile | FileIO] = []
        self._handles_lock = threading.Lock()
        self._closing = threading.Event()

    def __enter__(self) -> ChunkReader:
        if self.decoders > 1:
            self._pool = ThreadPoolExecutor(max_workers=self.decoders, thread_name_prefix="decode")
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing.set()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        for handle in self._handles:
            handle.close()

    def __iter__(self) -> Iterator[tuple[int, int, int]]:
        starts = range(0, self.frames, CHUNK_FRAMES)
        if self._pool is None:
            for start in starts:
                wanted = min(CHUNK_FRAMES, self.frames - start)
                yield start, self._read_chunk(start, wanted), wanted
            return
        ahead: deque[tuple[int, int, Future[int]]] = deque()
        for start in starts:
            wanted = min(CHUNK_FRAMES, self.frames - start)
            ahead.append((start, wanted, self._pool.submit(self._read_chunk, start, wanted)))
            if len(ahead) < 2 * self.decoders:
                continue  # keep every decoder busy, and one chunk each queued behind it
            yield self._next_done(ahead)
        while ahead:
            yield self._next_done(ahead)

    @staticmethod
    def _next_done(ahead: deque[tuple[int, int, Future[int]]]) -> tuple[int, int, int]:
        start, wanted, future = ahead.popleft()
        return start, future.result(), wanted

    def _read_chunk(self, start: int, wanted: int) -> int:
        """Frames of ``[start, start + wanted)`` now in ``samples`` (fewer where the file ends)."""
        if self._closing.is_set():
            return 0  # the caller has stopped reading
        if self.raw is not None:
            return self._read_raw(self._own_handle(), self.raw, start, wanted)
        if self._pool is None:  # one decoder reads on from where it is: no seeking
            handle = self.handle
        else:
            handle = self._own_handle()
            handle.seek(start)
        out = self.samples[start : start + wanted]
        return len(handle.read(wanted, dtype="float32", always_2d=True, out=out))

    def _own_handle(self):  # -> sf.SoundFile | FileIO: this thread's, opened on first use
        handle = getattr(self._local, "handle", None)
        if handle is None:
            handle = FileIO(self.path) if self.raw else sf.SoundFile(str(self.path))
            with self._handles_lock:
                self._handles.append(handle)
            self._local.handle = handle
        return handle

    def _read_raw(self, handle: FileIO, raw: RawLayout, start: int, wanted: int) -> int:
        handle.seek(raw.offset + start * raw.frame_bytes)
        out = self.samples[start : start + wanted].reshape(-1)  # C-contiguous frames: a flat view
        if raw.dtype == out.dtype:  # float32 on disk: straight into place
            got = handle.readinto(out.view(np.uint8).data) or 0
        else:
            buffer = getattr(self._local, "buffer", None)
            if buffer is None or buffer.size < out.size:
                buffer = self._local.buffer = np.empty(out.size, raw.dtype)
            got = handle.readinto(buffer[: out.size].view(np.uint8).data) or 0
            values = got // raw.dtype.itemsize
            np.multiply(buffer[:values], raw.scale, out=out[:values], casting="unsafe")
        return got // raw.frame_bytes
