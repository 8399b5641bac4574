"""``retake screenshot``: renders the window with a song and a selection into a PNG."""

from __future__ import annotations

import argparse

import numpy as np
from PySide6.QtGui import QImage

from desktop_app.commands import screenshot


def _run(out, **kwargs) -> int:
    args = argparse.Namespace(
        out=str(out), audio=None, select=None, size="1280x800", timeout=60.0, job=None, demo_compare=False
    )
    for key, value in kwargs.items():
        setattr(args, key, value)
    from desktop_app.ui.waveform.view import WaveformView

    try:
        return screenshot.run(args)
    finally:  # the command renders every layer in the paint, as a one-shot process may; the tests go on
        WaveformView.background_rendering = True


def test_screenshot_with_song_and_selection(qapp, tmp_path, song_path) -> None:
    out = tmp_path / "shot.png"
    assert _run(out, audio=str(song_path), select=[4.5, 8.5], size="1600x1000") == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1600, 1000)
    # Not blank: the waveform's teal and the selection's amber are both on screen.
    ptr = image.convertToFormat(QImage.Format.Format_RGB32).constBits()
    pixels = np.frombuffer(ptr, np.uint32).reshape(1000, 1600)
    r, g, b = (pixels >> 16) & 255, (pixels >> 8) & 255, pixels & 255
    teal = ((g > 150) & (b > 140) & (r < 160)).mean()
    amber = ((r > 200) & (g > 150) & (b < 100)).mean()
    assert teal > 0.05 and amber > 0.0005


def test_screenshot_refuses_a_bad_selection_and_a_bad_file(qapp, tmp_path, song_path, capsys) -> None:
    assert _run(tmp_path / "a.png", audio=str(song_path), select=[8.0, 2.0]) == 2
    assert "after its start" in capsys.readouterr().err
    bad = tmp_path / "bad.wav"
    bad.write_text("not audio")
    assert _run(tmp_path / "b.png", audio=str(bad)) == 1
    assert "bad.wav" in capsys.readouterr().err
