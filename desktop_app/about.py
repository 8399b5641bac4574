"""What Help ▸ About and ``retake --version --verbose`` say: version, build, engine, Python and Qt, notices.

No Qt here (the CLI prints these facts without starting it). The build date and commit come from
``resources/build_info.json``, which packaging/build writes into the bundle; a source checkout has none
and says "development build". The third-party notices sit beside the executable in a packaged build
(``THIRD_PARTY_NOTICES.txt`` and ``licenses/``, written by packaging/notices.py).
"""

from __future__ import annotations

import configparser
import contextlib
import importlib.metadata
import json
import platform
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from desktop_app import __version__
from desktop_app.paths import config_dir, resources_dir

NOTICES_FILE = "THIRD_PARTY_NOTICES.txt"
LICENCE_SUMMARY = (
    "Retake's own source code is under the MIT licence. The packaged app also contains pedalboard (GPL-3.0) "
    "in the same process, so the packaged app as a whole is distributed under the GNU GPL version 3, with "
    "Retake's source published beside it. ffmpeg (GPL-3.0) is a separate program the app runs."
)
QT_RELINK_NOTE = (
    "Qt is used under the LGPL-3.0. The app is a one-folder bundle: Qt's libraries are ordinary shared "
    "libraries in its _internal/PySide6/Qt/lib folder, and you may replace them with your own build of the "
    "same Qt version. Qt's source: https://download.qt.io/official_releases/qt/"
)
DEVELOPMENT_NOTE = (
    "This is a development checkout, not a packaged build. The packaged app carries THIRD_PARTY_NOTICES.txt, "
    "generated at build time by packaging/notices.py from what the bundle holds. Below: the Python "
    "distributions installed here (what a build bundles is a subset of them)."
)


@dataclass(frozen=True)
class AboutFacts:
    version: str
    build: str
    python: str
    qt: str
    engine: str
    notices: Path | None  # None in a development checkout

    def lines(self) -> list[tuple[str, str]]:
        return [
            ("Version", self.version),
            ("Build", self.build),
            ("Engine", self.engine),
            ("Python", self.python),
            ("Qt", self.qt),
            ("Notices", str(self.notices) if self.notices else "development build: see packaging/notices.py"),
        ]


def build_description(info_file: Path | None = None) -> str:
    """'2026-12-02T07:10:00Z, commit 1a2b3c4d5e6f' from the build's info file, else 'development build'."""
    path = info_file or resources_dir() / "build_info.json"
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "development build"
    commit = str(info.get("commit", "unknown"))[:12] + (" with local changes" if info.get("dirty") else "")
    return f"{info.get('built', 'unknown date')}, commit {commit}"


def qt_version() -> str:
    """The Qt binding's version without importing any Qt module (QtCore's own answer when already loaded)."""
    qtcore = sys.modules.get("PySide6.QtCore")
    if qtcore is not None:
        return f"{qtcore.qVersion()} (PySide6 {qtcore.__version__})"
    for name in ("PySide6_Essentials", "PySide6"):
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "not installed"


def engine_in_use(settings_file: Path | None = None) -> str:
    """The engine chosen in Settings, read from the settings file (QSettings' INI format)."""
    from desktop_app.api.engines import parse_engine
    from desktop_app.api.errors import ServiceError

    parser = configparser.ConfigParser(interpolation=None)
    with contextlib.suppress(OSError, configparser.Error):  # unreadable or no config folder: the default engine
        parser.read(settings_file or config_dir() / "retake.ini", encoding="utf-8")
    chosen = parser.get("settings", "engine", fallback="local").strip().strip('"') or "local"
    try:
        return parse_engine(chosen).label
    except ServiceError:
        return f"{chosen} (not a valid engine; the app will use the local engine)"


def notices_path() -> Path | None:
    """THIRD_PARTY_NOTICES.txt of a packaged build (beside the executable), or None from a source checkout."""
    if not getattr(sys, "frozen", False):
        return None
    folder = Path(sys.executable).resolve().parent
    for candidate in (folder / NOTICES_FILE, folder.parent / "Resources" / NOTICES_FILE):  # Linux/Windows, macOS
        if candidate.is_file():
            return candidate
    return folder / NOTICES_FILE  # named even when missing, so the user sees where it should be


def about_facts(engine: str | None = None) -> AboutFacts:
    """``engine``: the label the running app uses; read from the settings file when not given."""
    return AboutFacts(
        version=__version__,
        build=build_description(),
        python=f"{platform.python_version()} ({platform.python_implementation()}, {platform.machine()})",
        qt=qt_version(),
        engine=engine or engine_in_use(),
        notices=notices_path(),
    )


def notices_text() -> str:
    """The notices to show: the packaged build's file, or a summary of this environment's distributions."""
    path = notices_path()
    if path is not None:
        try:
            return path.read_text(encoding="utf-8")
        except OSError as error:
            return f"The notices file of this build could not be read: {path} ({error.strerror})."
    rows = []
    for dist in sorted(importlib.metadata.distributions(), key=lambda d: (d.metadata["Name"] or "").lower()):
        meta = dist.metadata
        licence = meta.get("License-Expression") or next(
            (c.split(" :: ")[-1] for c in meta.get_all("Classifier") or () if c.startswith("License ::")), "?"
        )
        rows.append(f"  {meta['Name']} {dist.version} — {licence}")
    return "\n\n".join([LICENCE_SUMMARY, QT_RELINK_NOTE, DEVELOPMENT_NOTE, "\n".join(rows)])


def verbose_version() -> str:
    """What ``retake --version --verbose`` prints."""
    facts = about_facts()
    width = max(len(label) for label, _ in facts.lines())
    lines = [f"retake {facts.version}"] + [f"  {label.ljust(width)}  {value}" for label, value in facts.lines()[1:]]
    notes = [textwrap.fill(note, 100) for note in (LICENCE_SUMMARY, QT_RELINK_NOTE)]
    return "\n".join([*lines, "", notes[0], "", notes[1]])
