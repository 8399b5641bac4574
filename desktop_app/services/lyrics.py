"""The open song's lyrics as a model: lines, the picked lines, tap timing, the new words.

Kept per song in the data folder (``lyrics/store.py``) and saved on every change, so they
survive a restart. Picking lines selects their sung span in the document's region (snapped out
to bars when a tempo is known); dragging the region re-picks the lines sung inside it, so the
words and the region never disagree. New words for the picked lines become the inpaint
request's two lyrics fields (``edit`` holds them and a diff).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop_app.lyrics import (
    Lyrics,
    LyricsEdit,
    LyricsError,
    check_times,
    edit_lines,
    parse_lrc,
    region_for_lines,
    write_lrc,
    write_text,
)
from desktop_app.lyrics.store import LyricsStore
from desktop_app.lyrics.takes import adopt_edit, from_timestamped
from desktop_app.services.document import Document
from desktop_app.services.serial_worker import SerialWorker

log = logging.getLogger(__name__)


class SongLyrics(QObject):
    changed = Signal()  # the lines or their times
    selection_changed = Signal()  # the picked lines
    edit_changed = Signal(object)  # LyricsEdit | None: the request fields for the new words
    tapping_changed = Signal(bool)
    message = Signal(str)  # a sentence for the status bar (refusals, what a tap did)
    loaded = Signal()  # the open song's saved lyrics (if any) have been read
    _found = Signal(object, object, object)  # path, key, Lyrics | None (from the reading thread)

    def __init__(self, document: Document, player=None, store: LyricsStore | None = None, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.player = player
        self.store = store or LyricsStore()
        self.lyrics = Lyrics()
        self.selection: tuple[int, int] | None = None  # sung line numbers, from 1
        self.new_words: str | None = None
        self.edit: LyricsEdit | None = None
        self.tap_next: int | None = None  # the sung line number the next tap times
        self._key: str | None = None
        # Each version of the song's audio (source, spliced takes) with its lyrics, so undoing a
        # splice brings the words back too; compared by identity (the undo stack keeps the arrays).
        self._versions: list[tuple[object, Lyrics]] = []
        self._current_audio: object | None = None
        self._fresh_audio = False  # the audio just became a version not heard before (a splice)
        self._reading: Path | None = None  # the song whose file is being hashed
        self._setting_region = False
        # Hashing an hour-long WAV takes a second or two: never on the GUI thread.
        self._worker = SerialWorker("lyrics-store")
        worker = self._worker  # not self: by then the QObject is going away
        self.destroyed.connect(lambda *_: worker.shutdown())
        self._found.connect(self._on_found)
        document.clip_changed.connect(self._song_opened)
        document.region.changed.connect(self._region_changed)

    # -- the lines ------------------------------------------------------------------------------

    @property
    def duration(self) -> float | None:
        return self.document.duration if self.document.clip is not None else None

    def set_text(self, text: str) -> list[str]:
        """New lyrics typed, pasted or imported (plain or LRC); returns what was skipped and why."""
        lyrics, problems = parse_lrc(text)
        try:
            check_times(lyrics, self.duration)
        except LyricsError as exc:
            return [str(exc)]
        self._replace(lyrics)
        return [str(p) for p in problems]

    def import_file(self, path: Path) -> list[str]:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            return [f"“{Path(path).name}” is not UTF-8 text; save it as UTF-8 and import it again."]
        except OSError as exc:
            return [f"“{Path(path).name}” cannot be read ({exc.strerror or exc})."]
        return self.set_text(text)

    def export(self, path: Path) -> None:
        """LRC for ``.lrc``, plain text otherwise."""
        text = write_lrc(self.lyrics) if Path(path).suffix.lower() == ".lrc" else write_text(self.lyrics)
        Path(path).write_text(text, encoding="utf-8")

    def set_line_start(self, index: int, start: float | None) -> str | None:
        """Move line ``index`` (into ``lyrics.lines``); the reason when refused, nothing changed."""
        if start is not None:
            start = round(max(0.0, start), 2)  # LRC keeps hundredths: what is saved is what is shown
        moved = self.lyrics.with_start(index, start)
        try:
            check_times(moved, self.duration)
        except LyricsError as exc:
            self.message.emit(str(exc))
            return str(exc)
        self._replace(moved, keep_selection=True)
        return None

    def nudge(self, index: int, seconds: float) -> str | None:
        start = self.lyrics.lines[index].start
        if start is None:
            return self._refuse("Time this line first (tap it in, or drag it), then nudge it.")
        return self.set_line_start(index, start + seconds)

    # -- tap timing -------------------------------------------------------------------------

    def start_tapping(self, from_number: int = 1) -> None:
        self.tap_next = from_number if self.lyrics.sung_indices() else None
        self.tapping_changed.emit(self.tap_next is not None)

    def stop_tapping(self) -> None:
        self.tap_next = None
        self.tapping_changed.emit(False)

    def tap(self, at: float | None = None) -> str | None:
        """Time the next line at the player's position (or ``at``): a key at each line's start."""
        if self.tap_next is None:
            return self._refuse("Start tap timing first.")
        position = self.player.position if at is None else at
        index = self.lyrics.index_of(self.tap_next)
        lyrics = self.lyrics.with_start(index, round(position, 2))
        # Later lines timed before this tap were timed wrong (the tap is the ear's word): untime them.
        cleared = 0
        for later in range(index + 1, len(lyrics.lines)):
            start = lyrics.lines[later].start
            if start is not None and start <= position:
                lyrics, cleared = lyrics.with_start(later, None), cleared + 1
        try:
            check_times(lyrics, self.duration)
        except LyricsError as exc:
            return self._refuse(str(exc))
        self._replace(lyrics, keep_selection=True)
        number = self.tap_next
        self.tap_next = number + 1 if number < len(self.lyrics.sung_indices()) else None
        note = f"; {cleared} later line(s) timed before it lost their time" if cleared else ""
        self.message.emit(f"Line {number} starts at {position:.2f} s{note}.")
        if self.tap_next is None:
            self.tapping_changed.emit(False)
        return None

    # -- picking lines → region → request ---------------------------------------------------

    def select_lines(self, first: int, last: int) -> str | None:
        """Pick sung lines ``first``..``last`` and select their span; the reason when refused."""
        first, last = min(first, last), max(first, last)
        try:
            region = region_for_lines(self.lyrics, first, last, duration=self.duration, grid=self.document.tempo.grid())
        except LyricsError as exc:
            return self._refuse(str(exc))
        self.selection = (first, last)
        self._setting_region = True
        try:
            error = self.document.region.set_range(region.start, region.end, text="Select lyric lines")
        finally:
            self._setting_region = False
        if error:
            self.selection = None
            return self._refuse(error)
        self.selection_changed.emit()
        self._update_edit()
        return None

    def clear_selection(self) -> None:
        if self.selection is not None:
            self.selection = None
            self.selection_changed.emit()
            self._update_edit()

    def set_new_words(self, text: str | None) -> None:
        self.new_words = text if text and text.strip() else None
        self._update_edit()

    def selected_text(self) -> str:
        if self.selection is None:
            return ""
        first, last = (self.lyrics.index_of(n) for n in self.selection)
        return "\n".join(line.text for line in self.lyrics.lines[first : last + 1] if line.is_sung)

    def sung_line_at(self, seconds: float) -> int | None:
        """The number of the sung line heard at ``seconds``."""
        ends = self.lyrics.line_ends(self.duration)
        for number, index in enumerate(self.lyrics.sung_indices(), start=1):
            start, end = self.lyrics.lines[index].start, ends[index]
            if start is not None and end is not None and start <= seconds < end:
                return number
        return None

    # -- internals --------------------------------------------------------------------------------

    def _refuse(self, sentence: str) -> str:
        self.message.emit(sentence)
        return sentence

    def _replace(self, lyrics: Lyrics, *, keep_selection: bool = False) -> None:
        self.lyrics = lyrics
        if not keep_selection or (self.selection and self.selection[1] > len(lyrics.sung_indices())):
            self.selection = None
            self.selection_changed.emit()
        self._save()
        self.changed.emit()
        self._update_edit()

    def _update_edit(self) -> None:
        edit = None
        if self.selection is not None and self.new_words is not None:
            edit = edit_lines(self.lyrics, *self.selection, self.new_words)
        self.edit = edit
        self.edit_changed.emit(edit)

    def _region_changed(self) -> None:
        """The region was dragged: pick the lines sung mostly inside it (words follow the region)."""
        if self._setting_region or not self.lyrics.lines:
            return
        bounds = self.document.region.bounds()
        picked: list[int] = []
        if bounds is not None:
            ends = self.lyrics.line_ends(self.duration)
            for number, index in enumerate(self.lyrics.sung_indices(), start=1):
                start, end = self.lyrics.lines[index].start, ends[index]
                if start is not None and end is not None and bounds[0] <= (start + end) / 2 < bounds[1]:
                    picked.append(number)
        selection = (picked[0], picked[-1]) if picked else None
        if selection != self.selection:
            self.selection = selection
            self.selection_changed.emit()
            self._update_edit()

    def shutdown(self) -> None:
        self._worker.shutdown()

    def adopt_take(self, edited_text: str, take_rows: list[dict] | None, region: tuple[float, float] | None) -> bool:
        """A take of an inpaint that sang ``edited_text`` was just used: the song's lyrics follow it.

        Only right after the audio changed to a new version (a failed splice changes nothing).
        """
        if not self._fresh_audio or not edited_text or not self.lyrics.lines:
            return False
        self._fresh_audio = False
        take = from_timestamped(take_rows) if take_rows else None
        adopted = adopt_edit(self.lyrics, edited_text, take, region)
        if adopted.text() == self.lyrics.text():
            return False
        self._replace(adopted)
        self.message.emit("The song's lyrics now have the take's words; Ctrl+Z brings the old ones back.")
        return True

    def _audio_replaced(self) -> None:
        """A splice, a whole take, back to original, or undo/redo of one: the words go with the audio."""
        samples = self.document.open_audio()[0]
        self._versions = [(a, lyr) for a, lyr in self._versions if a is not self._current_audio]
        self._versions.append((self._current_audio, self.lyrics))
        self._current_audio = samples
        known = next((lyr for audio, lyr in self._versions if audio is samples), None)
        self._fresh_audio = known is None
        if known is not None and known != self.lyrics:
            self._replace(known)

    def _song_opened(self) -> None:
        if self.document.replacing_audio:
            self._audio_replaced()
            return
        self._versions, self._current_audio, self._fresh_audio = [], self.document.open_audio()[0], False
        self.stop_tapping()
        self.selection, self.new_words, self._key = None, None, None
        self.lyrics = Lyrics()
        self.selection_changed.emit()
        self.changed.emit()
        self._update_edit()
        path = self.document.path
        reading = self._reading = path if path is not None and path.is_file() else None
        if reading is not None:
            self._worker.submit(lambda: self._found.emit(reading, *self._read(reading)))

    def _read(self, path: Path) -> tuple[str | None, Lyrics | None]:
        try:
            key = self.store.key_for(path)
            return key, self.store.load(key, song=path)
        except OSError as exc:
            log.warning("lyrics for %s not read: %s", path.name, exc)
            return None, None

    def _on_found(self, path: Path, key: str | None, lyrics: Lyrics | None) -> None:
        if path != self._reading:
            return  # another song was opened meanwhile
        self._reading, self._key = None, key
        if self.lyrics.lines:  # pasted while the file was being read: those are the song's lyrics now
            self._save()
        elif lyrics is not None:
            self.lyrics = lyrics
            self.changed.emit()
        self.loaded.emit()

    def _save(self) -> None:
        if self._key is None:
            return
        try:
            self.store.save(self._key, self.lyrics)
        except OSError as exc:
            self.message.emit(f"The lyrics could not be saved ({exc.strerror or exc}); export them to keep them.")
