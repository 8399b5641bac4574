"""The packaging files: the spec lists what the app needs, the desktop entry and installer work."""

from __future__ import annotations

import ast
import configparser
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.commands.selfcheck import RUNTIME_MODULES

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "retake.spec"


def spec_literal(name: str):
    """The value of a top-level literal assignment in the spec (the spec itself only runs inside PyInstaller)."""
    for node in ast.parse(SPEC.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not assigned in {SPEC}")


def test_listed_data_files_exist():
    for source, dest in spec_literal("DATA_FILES"):
        assert (ROOT / source).is_file(), f"{source} is listed in retake.spec but missing"
        assert Path(source).parent.as_posix() == dest, "bundle paths mirror resources/ so resources_dir() works"


def test_every_resource_is_bundled_or_deliberately_left_out():
    listed = {source for source, _ in spec_literal("DATA_FILES")} | set(spec_literal("NOT_BUNDLED"))
    present = {p.relative_to(ROOT).as_posix() for p in (ROOT / "resources").rglob("*") if p.is_file()}
    unlisted = sorted(present - listed)
    assert not unlisted, f"add these to DATA_FILES (or NOT_BUNDLED) in packaging/retake.spec: {unlisted}"


def test_spec_keeps_every_qt_module_the_app_imports():
    kept = set(spec_literal("QT_MODULES"))
    used = set()
    for path in (ROOT / "desktop_app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("PySide6."):
                used.add(node.module.split(".")[1])
            elif isinstance(node, ast.ImportFrom) and node.module == "PySide6":
                used.update(alias.name for alias in node.names)
            elif isinstance(node, ast.Import):
                used.update(a.name.split(".")[1] for a in node.names if a.name.startswith("PySide6."))
    assert used <= kept, f"the spec excludes Qt modules the app imports: {sorted(used - kept)}"


def test_runtime_modules_import_in_the_development_environment():
    # The spec adds these as hidden imports; a typo there would silently bundle nothing.
    import importlib

    for name in RUNTIME_MODULES:
        importlib.import_module(name)


def test_smoke_test_needs_only_the_standard_library():
    tree = ast.parse((ROOT / "packaging" / "smoke_test.py").read_text(encoding="utf-8"))
    modules = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    modules |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0}
    assert modules - {"__future__"} <= set(sys.stdlib_module_names), modules - set(sys.stdlib_module_names)


def test_desktop_entry_is_valid():
    entry = configparser.ConfigParser(interpolation=None, strict=True)
    entry.optionxform = str  # keys are case-sensitive in desktop entries
    entry.read(ROOT / "packaging" / "retake.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application" and section["Name"] == "Retake"
    assert section["Exec"].split()[0] == "retake" and section["Exec"].endswith("%f")
    assert section["Icon"] == "retake"
    assert "AudioVideo" in section["Categories"].split(";")
    for key in ("Categories", "MimeType", "Keywords"):
        assert section[key].endswith(";"), f"{key} lists must end with ';'"
    assert {"audio/flac", "audio/mpeg", "audio/wav", "audio/mp4"} <= set(section["MimeType"].split(";"))


@pytest.mark.parametrize("script,shell", [("build", "bash"), ("install.sh", "sh")])
def test_shell_scripts_parse(script, shell):
    subprocess.run([shell, "-n", str(ROOT / "packaging" / script)], check=True, timeout=30)


@pytest.mark.skipif(os.name == "nt", reason="the Linux installer")
def test_installer_installs_and_uninstalls_for_the_user(tmp_path):
    unpacked = tmp_path / "retake-0.0.0-linux"
    (unpacked / "retake").mkdir(parents=True)
    app = unpacked / "retake" / "retake"
    app.write_text("#!/bin/sh\necho packaged retake\n")
    app.chmod(app.stat().st_mode | stat.S_IXUSR)
    for name in ("install.sh", "retake.desktop"):
        (unpacked / name).write_bytes((ROOT / "packaging" / name).read_bytes())
    for name in ("retake.png", "retake.svg"):
        (unpacked / name).write_bytes((ROOT / "resources" / "icons" / name).read_bytes())
    home = tmp_path / "home"
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}

    subprocess.run(["sh", str(unpacked / "install.sh")], check=True, env=env, timeout=60, capture_output=True)
    installed = home / ".local" / "opt" / "retake" / "retake"
    desktop = (home / ".local" / "share" / "applications" / "retake.desktop").read_text()
    assert f"Exec={installed} %f" in desktop.splitlines()
    assert subprocess.run([str(home / ".local" / "bin" / "retake")], capture_output=True, text=True).stdout == (
        "packaged retake\n"
    )
    assert (home / ".local/share/icons/hicolor/256x256/apps/retake.png").is_file()

    subprocess.run(["sh", str(unpacked / "install.sh"), "--uninstall"], check=True, env=env, timeout=60)
    assert not installed.exists() and not (home / ".local" / "bin" / "retake").exists()
    assert not (home / ".local" / "share" / "applications" / "retake.desktop").exists()
