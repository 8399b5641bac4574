"""The core layers must not import Qt: checked in a fresh interpreter for each."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

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
