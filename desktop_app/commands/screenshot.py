"""``retake screenshot OUT.png [--open AUDIO] [--select START END] [--size WxH]``: render the window offscreen."""

from __future__ import annotations

import argparse
import os
import sys
import time

COMMANDS = ("screenshot",)


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("screenshot", help="render the main window offscreen into a PNG and exit")
    parser.add_argument("out", metavar="OUT.png")
    parser.add_argument("--open", dest="audio", metavar="AUDIO", help="audio file to open first")
    parser.add_argument("--select", nargs=2, type=float, metavar=("START", "END"), help="selection in seconds")
    parser.add_argument("--size", default="1280x800", metavar="WxH", help="window size (default 1280x800)")
    parser.add_argument("--timeout", type=float, default=120.0, help=argparse.SUPPRESS)
    parser.set_defaults(handler=run)


def _parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise SystemExit(f"error: --size must look like 1600x1000, not {text!r}") from None
    if not (320 <= w <= 8000 and 240 <= h <= 8000):
        raise SystemExit("error: --size must be between 320x240 and 8000x8000")
    return w, h


def run(args: argparse.Namespace) -> int:
    width, height = _parse_size(args.size)
    # Offscreen unless told otherwise, and never make a sound.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("RETAKE_AUDIO_OUTPUT", "silent")
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    from desktop_app.ui.app import create_application
    from desktop_app.ui.main_window import MainWindow

    app = create_application()
    window = MainWindow()
    window.resize(width, height)
    window.show()
    if args.audio:
        loop = QEventLoop()
        outcome: dict[str, str] = {}
        window.document.tempo_estimated.connect(loop.quit)
        window.document.load_failed.connect(lambda _p, message: (outcome.update(error=message), loop.quit()))
        QTimer.singleShot(int(args.timeout * 1000), loop.quit)
        window.open_file(args.audio)
        loop.exec()
        if "error" in outcome:
            print(f"error: {outcome['error']}", file=sys.stderr)
            window.close()
            return 1
        if window.document.clip is None:
            print("error: timed out opening the file", file=sys.stderr)
            window.close()
            return 1
    if args.select:
        error = window.document.region.set_range(*args.select)
        if error:
            print(f"error: {error}", file=sys.stderr)
            window.close()
            return 2
        window.player.seek(args.select[0])
    # Let layouts settle and every widget paint once.
    deadline = time.monotonic() + 0.3
    while time.monotonic() < deadline:
        QCoreApplication.processEvents()
    pixmap = window.grab()
    ok = pixmap.save(args.out)
    window.close()
    app.processEvents()
    if not ok:
        print(f"error: could not write {args.out}", file=sys.stderr)
        return 1
    print(args.out)
    return 0
