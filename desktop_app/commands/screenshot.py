"""``retake screenshot OUT.png [--open AUDIO] [--select START END] [--size WxH] [--job ID | --demo-compare]``.

Renders the main window offscreen. ``--job ID`` shows that finished job's takes in the results
panel; ``--demo-compare`` runs a real inpaint of the demo song's second chorus on the local engine
(in a throwaway data folder) and shows its takes against the original.
"""

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
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--job", metavar="ID", help="show this finished job's takes in the results panel")
    group.add_argument(
        "--demo-compare", action="store_true", help="inpaint the demo song on the local engine and show the takes"
    )
    parser.add_argument("--timeout", type=float, default=120.0, help=argparse.SUPPRESS)
    parser.set_defaults(handler=run)


_SETTLE_PASSES = 4
DEMO_REGION = (60.0, 64.0)  # two bars of the demo song's second chorus, which repeats the first


def _wait(condition, timeout: float) -> bool:
    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
    return True


def _show_takes(window, args: argparse.Namespace) -> str | None:
    """Bring a job's takes into the results panel (running the demo job first when asked)."""
    from desktop_app.api.models import InpaintRequest
    from desktop_app.jobs.states import JobState

    service = window.jobs.service
    job_id = args.job
    if args.demo_compare:
        start, end = args.select
        request = InpaintRequest(
            audio_file=window.document.path, prompt="the same chorus, a fresh fill", replace_start_at=start,
            replace_end_at=end,
        )  # fmt: skip
        job_id = service.submit(request, "local", duration=window.document.duration).id
        if not _wait(lambda: service.get(job_id).state.finished and not service.is_active(job_id), args.timeout):
            return "the demo job did not finish in time"
        if service.get(job_id).state is not JobState.DONE:
            return f"the demo job failed: {service.get(job_id).error_message}"
    try:
        job = service.get(job_id)
    except KeyError:
        return f"no job {job_id!r} (see retake jobs list)"
    if not window.results.show_job(job.id):
        return "that job's takes cannot be shown"
    expected = 1 + len([t for t in service.store.takes(job.id) if t.path.exists()])
    comparison = window.results.comparison

    def drawn() -> bool:  # every take's lane has its waveform and its figures
        lanes = comparison.lanes
        return len(lanes) >= expected and all(lane.figures is not None for lane in lanes[1:])

    if not _wait(lambda: window.document.clip is not None and drawn(), 60):
        return "the takes could not be prepared in time"
    window.results.comparison.select_index(1)
    window.results.dock.raise_()
    return None


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
    from desktop_app.ui.responsiveness import start_gui_process

    start_gui_process()  # as the app starts: the decode below runs beside the window's construction
    # Offscreen unless told otherwise, and never make a sound.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("RETAKE_AUDIO_OUTPUT", "silent")
    # A picture needs no warm local engine: its worker processes would compete with the decode and take a
    # second to stop. --demo-compare's job starts it when it is sent.
    os.environ.setdefault("RETAKE_ENGINE_AUTOSTART", "0")
    if args.demo_compare:
        import tempfile

        from desktop_app.paths import demo_song

        # The demo job must not land in the user's own history.
        os.environ["RETAKE_DATA_DIR"] = tempfile.mkdtemp(prefix="retake-demo-")
        args.audio = args.audio or str(demo_song())
        args.select = args.select or list(DEMO_REGION)
    if args.audio:
        from desktop_app.audio.opening import prefetch

        prefetch(args.audio)  # decode while Qt starts and the window is built; the window's loader adopts it
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    from desktop_app.ui.app import create_application, show_main_window
    from desktop_app.ui.waveform.view import WaveformView

    WaveformView.background_rendering = False  # one picture: every waveform is drawn before the grab
    app = create_application()
    window = show_main_window()
    window.resize(width, height)
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
    if args.demo_compare or args.job:
        problem = _show_takes(window, args)
        if problem:
            print(f"error: {problem}", file=sys.stderr)
            window.close()
            return 1
    # Let layouts settle: posted layout requests, zero-delay timers and the updates they ask for take a
    # few passes (grab() then paints every widget itself). No fixed wait: it would be a third of a
    # second on every screenshot, however little is left to do.
    for _ in range(_SETTLE_PASSES):
        QCoreApplication.sendPostedEvents()
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
