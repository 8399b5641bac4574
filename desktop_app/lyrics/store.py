"""Lyrics kept per song in the data folder (no Qt): ``lyrics/<fingerprint of the song file>.lrc``.

Keyed by the file's content: a renamed or moved song keeps its lyrics, and a different song at the
same path does not inherit them. The key is a fingerprint of the file's size and of 1 MiB read at
each of 17 evenly spaced places, not a hash of the whole file: it is read when a song opens, beside
the decode, and hashing an hour-long WAV (635 MB) took half a second of CPU from it. Lyrics saved
under the earlier whole-file SHA-256 keys are found once and renamed. LRC, because it holds
everything the model does (untimed lines, section tags, word times) and a producer can open it in
any editor.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from desktop_app.jobs.store import file_sha256
from desktop_app.lyrics.lrc import parse_lrc, write_lrc
from desktop_app.lyrics.model import Lyrics


class LyricsStore:
    def __init__(self, folder: Path | None = None) -> None:
        if folder is None:
            from desktop_app.paths import data_dir

            folder = data_dir() / "lyrics"
        self.folder = Path(folder)

    @staticmethod
    def key_for(song: Path) -> str:
        return song_fingerprint(song)

    def path_for(self, key: str) -> Path:
        return self.folder / f"{key}.lrc"

    def load(self, key: str, song: Path | None = None) -> Lyrics | None:
        """The lyrics saved under ``key``; with ``song``, also those saved under its whole-file hash."""
        try:
            text = self.path_for(key).read_text(encoding="utf-8")
        except FileNotFoundError:
            if song is None or not self._adopt_legacy(key, song):
                return None
            text = self.path_for(key).read_text(encoding="utf-8")
        return parse_lrc(text)[0]

    def _adopt_legacy(self, key: str, song: Path) -> bool:
        """Rename lyrics kept under the song's whole-file SHA-256 (the first key scheme) to ``key``."""
        try:
            legacy = [p for p in self.folder.iterdir() if _LEGACY_NAME.fullmatch(p.name)]
        except FileNotFoundError:
            return False
        if not legacy:
            return False  # the usual case: no file hash to compute
        old = self.path_for(file_sha256(song))
        if old not in legacy:
            return False
        os.replace(old, self.path_for(key))
        return True

    def save(self, key: str, lyrics: Lyrics) -> Path:
        """Write atomically (a crash mid-write leaves the previous lyrics, never half a file)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.path_for(key)
        if not lyrics.lines:
            target.unlink(missing_ok=True)
            return target
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(write_lrc(lyrics))
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target


_LEGACY_NAME = re.compile(r"[0-9a-f]{64}\.lrc")
_FINGERPRINT_BLOCK = 1 << 20
_FINGERPRINT_PLACES = 17


def song_fingerprint(path: Path) -> str:
    """A 40-hex-digit key for the song file's content: its size and 17 evenly spaced 1 MiB blocks.

    Files up to 17 MiB are read whole. Two different songs of the same size that agree at all 17
    places are re-exports of one song with a small edit between them: they share their lyrics.
    """
    digest = hashlib.blake2b(digest_size=20)
    with Path(path).open("rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        digest.update(size.to_bytes(8, "little"))
        if size <= _FINGERPRINT_BLOCK * _FINGERPRINT_PLACES:
            handle.seek(0)
            while block := handle.read(_FINGERPRINT_BLOCK):
                digest.update(block)
        else:
            step = (size - _FINGERPRINT_BLOCK) / (_FINGERPRINT_PLACES - 1)
            for place in range(_FINGERPRINT_PLACES):
                handle.seek(round(place * step))
                digest.update(handle.read(_FINGERPRINT_BLOCK))
    return digest.hexdigest()
