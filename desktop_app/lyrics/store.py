"""Lyrics kept per song in the data folder (no Qt): ``lyrics/<sha256 of the song file>.lrc``.

Keyed by the file's content, as the job store records a job's input: a renamed or moved song
keeps its lyrics, and a different song at the same path does not inherit them. LRC, because it
holds everything the model does (untimed lines, section tags, word times) and a producer can
open it in any editor.
"""

from __future__ import annotations

import os
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
        return file_sha256(song)

    def path_for(self, key: str) -> Path:
        return self.folder / f"{key}.lrc"

    def load(self, key: str) -> Lyrics | None:
        try:
            text = self.path_for(key).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        return parse_lrc(text)[0]

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
