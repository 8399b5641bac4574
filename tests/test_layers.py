"""The core layers must not import Qt: checked in a fresh interpreter for each."""

from __future__ import annotations

import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import desktop_app

CORE_LAYERS = ("audio", "api", "jobs", "engine", "lyrics")


def _modules_of(layer: str) -> list[str]:
    package = __import__(f"desktop_app.{layer}", fromlist=["*"])
    names = [f"desktop_app.{layer}"]
    for info in pkgutil.walk_packages(package.__path__, prefix=f"desktop_app.{layer}."):
        names.append(info.name)
    return names


@pytest.mark.parametrize("layer", CORE_LAYERS)
def test_core_layer_does_not_import_qt(layer: str) -> None:
    modules = _modules_of(layer)
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{layer} imports Qt: {result.stdout}"


def test_version_is_exposed() -> None:
    assert desktop_app.__version__.count(".") == 2


def test_no_module_selects_a_pyside_feature() -> None:
    """ui/app.py puts Python's own __import__ back in place of PySide's, which only serves __feature__."""
    root = Path(desktop_app.__file__).parent
    selects = re.compile(r"^\s*(from|import)\s+__feature__", re.MULTILINE)
    users = [str(p.relative_to(root)) for p in root.rglob("*.py") if selects.search(p.read_text(encoding="utf-8"))]
    assert users == []


def test_only_the_entry_points_import_the_widget_layer() -> None:
    """Services own state and threads for the widgets; they (and the core layers) never import them back."""
    root = Path(desktop_app.__file__).parent
    imports_ui = re.compile(
        r"^\s*(from|import)\s+desktop_app\.ui\b|^\s*from\s+desktop_app\s+import\s+ui\b", re.MULTILINE
    )
    entry_points = {"cli.py", "commands/screenshot.py"}  # they start the window
    users = sorted(
        str(p.relative_to(root)) for p in root.rglob("*.py")
        if p.relative_to(root).parts[0] != "ui" and imports_ui.search(p.read_text(encoding="utf-8"))
    )  # fmt: skip
    assert [u for u in users if u not in entry_points] == []


def test_qt_types_exist_before_any_thread_can_create_them() -> None:
    """The app's entry imports the package before PySide6, so PySide6 creates every Qt type at import time
    (lazily created types crashed the app when two threads created some at once)."""
    probe = (
        "import desktop_app.cli, PySide6.QtWidgets as widgets, PySide6.QtGui as gui; "
        "print(len(vars(widgets)), len(vars(gui)))"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYSIDE6_OPTION_LAZY"}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True).stdout
    widget_names, gui_names = map(int, out.split())
    assert widget_names > 150 and gui_names > 150, out  # lazily: 15 and 34 names until a type is used
