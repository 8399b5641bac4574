"""The Lyrics panel: type, paste or import the song's lyrics, time them, and give picked lines new words.

Left: the lyrics as text (LRC once timed, so editing the text keeps the times) with Import,
Export and Tap timing. Right: the picked lines, a box for their new words, and the change as a
small diff; the new words become the inpaint form's two lyrics fields as they are typed.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QFontDatabase, QFontMetrics
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.lyrics import LyricsEdit, format_time, write_lrc, write_text
from desktop_app.services.lyrics import SongLyrics
from desktop_app.ui.widgets import ElidedLabel

LYRICS_FILTER = "Lyrics (*.lrc *.txt);;All files (*)"


class LyricsPanel(QWidget):
    def __init__(self, lyrics: SongLyrics, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lyricsPanel")
        self.lyrics = lyrics
        self._filling = False
        self._prefilled = ""  # what the words box was filled with (not typed)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        left, right = QVBoxLayout(), QVBoxLayout()
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)

        buttons = QHBoxLayout()
        self.apply_button = QPushButton("Apply text")
        self.apply_button.setToolTip("Use the text as the song's lyrics (plain lines or LRC)")
        self.import_button = QPushButton("Import…")
        self.export_button = QPushButton("Export…")
        self.tap_button = QPushButton("Tap timing")
        self.tap_button.setCheckable(True)
        self.tap_button.setToolTip("Play the song and press Enter in the lyrics lane at each line's start")
        for button in (self.apply_button, self.import_button, self.export_button, self.tap_button):
            buttons.addWidget(button)
        left.addLayout(buttons)
        self.text = QPlainTextEdit()
        self.text.setObjectName("lyricsText")
        self.text.setPlaceholderText(
            "Paste or type the lyrics, one sung line per line; [Verse], [Chorus] tags welcome."
        )
        self.text.setMinimumHeight(60)
        left.addWidget(self.text, 1)
        # One-line labels (full text in the tooltip): a wrapping label would make the scroll area
        # size the panel by height-for-width and push the diff out of sight.
        self.status = ElidedLabel()
        self.status.setObjectName("lyricsStatus")
        buttons.addWidget(self.status, 1)  # beside the buttons: a short dock keeps a row for the text

        self.picked = ElidedLabel("Click a line in the lyrics lane (Shift+click for more) to pick it.")
        self.picked.setObjectName("lyricsPicked")
        right.addWidget(self.picked)
        self.new_words = QPlainTextEdit()
        self.new_words.setObjectName("newWordsEdit")
        self.new_words.setPlaceholderText("New words for the picked lines")
        self.new_words.setEnabled(False)
        self.new_words.setMinimumHeight(44)
        right.addWidget(self.new_words, 1)
        self.diff = QTextEdit()  # read-only and scrolling: a long diff never pushes the words box away
        self.diff.setObjectName("lyricsDiff")
        self.diff.setReadOnly(True)
        self.diff.setFont(mono)
        self.diff.setFixedHeight(QFontMetrics(mono).lineSpacing() * 4 + 12)
        right.addWidget(self.diff)

        self.text.installEventFilter(self)  # leaving the box applies what was typed: nothing is lost
        self.apply_button.clicked.connect(self.apply_text)
        self.import_button.clicked.connect(self.choose_import)
        self.export_button.clicked.connect(self.choose_export)
        self.tap_button.toggled.connect(self._tap_toggled)
        self.new_words.textChanged.connect(self._words_typed)
        lyrics.changed.connect(self._show_lyrics)
        lyrics.selection_changed.connect(self._show_selection)
        lyrics.edit_changed.connect(self._show_edit)
        lyrics.tapping_changed.connect(self._tapping_changed)
        lyrics.message.connect(self.status.setText)
        self._show_lyrics()

    def sizeHint(self) -> QSize:
        # Modest: the bottom dock's height follows its tallest tab, and the waveform needs the room.
        return QSize(700, 170)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.text and event.type() == QEvent.Type.FocusOut and self._text_edited():
            self.apply_text()
        return super().eventFilter(watched, event)

    def _text_edited(self) -> bool:
        return self.text.toPlainText().rstrip("\n") != self._rendered().rstrip("\n")

    def _rendered(self) -> str:
        model = self.lyrics.lyrics
        return write_lrc(model) if model.is_timed else write_text(model) if model.lines else ""

    # -- actions ----------------------------------------------------------------------------------

    def apply_text(self) -> None:
        problems = self.lyrics.set_text(self.text.toPlainText())
        self.status.setText("; ".join(problems) if problems else "Lyrics saved with the song.")

    def import_file(self, path: Path) -> None:
        problems = self.lyrics.import_file(path)
        self.status.setText("; ".join(problems) if problems else f"Imported {Path(path).name}.")

    def choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import lyrics", "", LYRICS_FILTER)
        if path:
            self.import_file(Path(path))

    def choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export lyrics", "lyrics.lrc", LYRICS_FILTER)
        if path:
            try:
                self.lyrics.export(Path(path))
                self.status.setText(f"Exported {Path(path).name}.")
            except OSError as exc:
                self.status.setText(f"“{Path(path).name}” could not be written ({exc.strerror or exc}).")

    # -- reactions ----------------------------------------------------------------------------------

    def _show_lyrics(self) -> None:
        if self._text_edited():
            self.text.setPlainText(self._rendered().rstrip("\n"))

    def _show_selection(self) -> None:
        """Prefill the picked lines' words, unless the producer has typed new ones: those follow the pick."""
        selection = self.lyrics.selection
        self.new_words.setEnabled(selection is not None)
        typed = self.new_words.toPlainText() != self._prefilled
        if selection is None:
            self.picked.setText("Click a line in the lyrics lane (Shift+click for more) to pick it.")
            if not typed:
                self._fill_words("")
            return
        first, last = selection
        model = self.lyrics.lyrics
        start, end = model.span(model.index_of(first), model.index_of(last), self.lyrics.duration)
        which = f"Line {first}" if first == last else f"Lines {first}–{last}"
        bounds = self.lyrics.document.region.bounds()
        region = f"; region {format_time(bounds[0])}–{format_time(bounds[1])}" if bounds else ""
        self.picked.setText(f"{which}, sung {format_time(start)}–{format_time(end)}{region}. New words:")
        if not typed:
            self._fill_words(self.lyrics.selected_text())
        self.lyrics.set_new_words(self.new_words.toPlainText())

    def _fill_words(self, text: str) -> None:
        self._filling = True
        self.new_words.setPlainText(text)
        self._filling = False
        self._prefilled = text

    def _words_typed(self) -> None:
        if not self._filling:
            self.lyrics.set_new_words(self.new_words.toPlainText())

    def _show_edit(self, edit: LyricsEdit | None) -> None:
        if edit is None:
            self.diff.clear()
            return
        colours = {"- ": "#ff7b72", "+ ": "#7ee787"}
        rows = []
        for row in edit.diff.splitlines():
            colour = colours.get(row[:2], "#8b949e")
            rows.append(f'<span style="color:{colour}">{html.escape(row).replace(" ", "&nbsp;")}</span>')
        changed = any(row[:2] in colours for row in edit.diff.splitlines())
        self.diff.setHtml("<br>".join(rows) if changed else
                          '<span style="color:#8b949e">No change yet: type the new words above.</span>')  # fmt: skip

    def _tap_toggled(self, on: bool) -> None:
        if on and self._text_edited():
            self.apply_text()  # tap the lines as typed, not the ones before the last edit
        if on and self.lyrics.tap_next is None:
            self.lyrics.start_tapping(self.lyrics.selection[0] if self.lyrics.selection else 1)
        elif not on and self.lyrics.tap_next is not None:
            self.lyrics.stop_tapping()

    def _tapping_changed(self, on: bool) -> None:
        self.tap_button.blockSignals(True)
        self.tap_button.setChecked(on)
        self.tap_button.blockSignals(False)
        if on:
            self.status.setText("Play the song; press Enter in the lyrics lane as each line starts (Esc stops).")
