"""packaging/strip_libraries.py strips what stays loadable and refuses what strip would break (OpenBLAS)."""

from __future__ import annotations

import ctypes
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or shutil.which("strip") is None or shutil.which("nm") is None,
    reason="Linux build step; needs binutils",
)


def _load_stripper():
    spec = importlib.util.spec_from_file_location("strip_libraries", ROOT / "packaging" / "strip_libraries.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


strip_libraries = _load_stripper()


def _wheel_library(package: str, pattern: str) -> Path:
    module = pytest.importorskip(package)
    site_packages = Path(module.__file__).parent
    if hasattr(module, "__path__"):  # a package: its folder is inside site-packages
        site_packages = site_packages.parent
    found = sorted(site_packages.glob(pattern))
    if not found:
        pytest.skip(f"no {pattern} next to {package}")
    return found[0]


def test_a_library_with_a_symbol_table_is_stripped_and_still_loads(tmp_path):
    original = _wheel_library("soundfile", "_soundfile_data/libsndfile*.so")
    copy = tmp_path / original.name
    shutil.copy2(original, copy)

    saved = strip_libraries.strip_one(copy)

    assert saved > 100_000
    assert copy.stat().st_size == original.stat().st_size - saved
    library = ctypes.CDLL(str(copy))  # the loader accepts it and its exports still resolve
    library.sf_version_string.restype = ctypes.c_char_p
    assert library.sf_version_string().startswith(b"libsndfile")


def test_openblas_whose_layout_strip_breaks_is_left_untouched(tmp_path):
    # The wheel's OpenBLAS was rewritten by patchelf; stripped, it no longer loads ("not page-aligned").
    # Renamed, so that only the layout check (not the name rule) can protect it.
    original = _wheel_library("numpy", "numpy.libs/libscipy_openblas64_*.so")
    copy = tmp_path / "libpatched.so"
    shutil.copy2(original, copy)

    assert strip_libraries.strip_one(copy) == 0
    assert copy.read_bytes() == original.read_bytes()
    assert list(tmp_path.iterdir()) == [copy]  # its temporary stripped copy is gone


def test_layout_check_rejects_what_the_loader_rejects(tmp_path):
    original = _wheel_library("numpy", "numpy.libs/libscipy_openblas64_*.so")
    stripped = tmp_path / "stripped.so"
    subprocess.run(["strip", "--strip-unneeded", "-o", str(stripped), str(original)], check=True, timeout=120)
    assert strip_libraries.loadable_layout_ok(original)
    assert not strip_libraries.loadable_layout_ok(stripped)
    with pytest.raises(OSError, match="not page-aligned"):
        ctypes.CDLL(str(stripped))


def test_openblas_is_never_even_tried(tmp_path):
    folder = tmp_path / "bundle"
    folder.mkdir()
    shutil.copy2(_wheel_library("numpy", "numpy.libs/libscipy_openblas64_*.so"), folder / "libscipy_openblas.so")
    shutil.copy2(_wheel_library("soundfile", "_soundfile_data/libsndfile*.so"), folder / "libsndfile.so")
    (folder / "libsndfile.so.1").symlink_to("libsndfile.so")
    assert [p.name for p in strip_libraries.shared_libraries(folder)] == ["libsndfile.so"]
