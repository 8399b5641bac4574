"""The packaged app's compressed ffmpeg: packed at build time, unpacked once into the cache on first use."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_app import paths
from desktop_app.audio import ffmpeg
from desktop_app.commands import selfcheck

ROOT = Path(__file__).resolve().parents[2]


def _load_packer():
    spec = importlib.util.spec_from_file_location("pack_ffmpeg", ROOT / "packaging" / "pack_ffmpeg.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pack_ffmpeg = _load_packer()


def fake_ffmpeg(folder: Path, padding: int = 200_000) -> Path:
    """A runnable stand-in for ffmpeg (a shell script), padded with a comment so it is worth compressing."""
    folder.mkdir(parents=True, exist_ok=True)
    binary = folder / "ffmpeg-linux-test-v1"
    filler = "".join(f"{i:08x}" for i in range(padding // 8))
    binary.write_text(f"#!/bin/sh\necho 'ffmpeg version fake-1'\nexit 0\n# {filler}\n")
    binary.chmod(0o755)
    return binary


@pytest.fixture
def packed(tmp_path) -> Path:
    """A bundle's resources/ffmpeg folder holding a packed fake ffmpeg; returns its manifest."""
    return pack_ffmpeg.pack(fake_ffmpeg(tmp_path / "wheel"), tmp_path / "bundle" / "resources" / "ffmpeg")


@pytest.fixture
def fresh_ffmpeg_exe(monkeypatch, tmp_path):
    """``ffmpeg_exe`` as on a first run: nothing remembered, an empty cache folder."""
    monkeypatch.setenv("RETAKE_CACHE_DIR", str(tmp_path / "user-cache"))
    ffmpeg.ffmpeg_exe.cache_clear()
    yield ffmpeg.ffmpeg_exe
    ffmpeg.ffmpeg_exe.cache_clear()  # the next test finds the real one again


def test_pack_writes_a_smaller_archive_and_its_manifest(tmp_path, packed):
    binary = tmp_path / "wheel" / "ffmpeg-linux-test-v1"
    info = json.loads(packed.read_text())
    assert packed.name == ffmpeg.PACKED_MANIFEST
    assert info == {
        "name": binary.name,
        "archive": binary.name + ".xz",
        "size": binary.stat().st_size,
        "sha256": pack_ffmpeg.sha256_of(binary),
    }
    assert (packed.parent / info["archive"]).stat().st_size < binary.stat().st_size / 2
    assert sorted(p.name for p in packed.parent.iterdir()) == sorted([info["archive"], packed.name])


def test_pack_reuses_its_archive_until_the_binary_changes(tmp_path, packed):
    archive = packed.parent / json.loads(packed.read_text())["archive"]
    first_mtime = archive.stat().st_mtime_ns
    pack_ffmpeg.pack(tmp_path / "wheel" / "ffmpeg-linux-test-v1", packed.parent)
    assert archive.stat().st_mtime_ns == first_mtime

    newer = fake_ffmpeg(tmp_path / "wheel2", padding=300_000)
    newer = newer.rename(newer.with_name("ffmpeg-linux-test-v2"))
    pack_ffmpeg.pack(newer, packed.parent)
    assert sorted(p.name for p in packed.parent.iterdir()) == ["ffmpeg-linux-test-v2.xz", "ffmpeg.json"]


def test_unpacks_a_runnable_identical_copy_into_the_cache(tmp_path, packed):
    exe = ffmpeg.unpack_packed_ffmpeg(packed, tmp_path / "cache")
    original = tmp_path / "wheel" / "ffmpeg-linux-test-v1"
    assert exe.read_bytes() == original.read_bytes()
    assert exe.parent.parent == tmp_path / "cache"
    assert subprocess.run([str(exe)], capture_output=True, text=True, timeout=30).stdout == "ffmpeg version fake-1\n"
    assert [p.name for p in exe.parent.iterdir()] == [exe.name]  # no temporary file left behind


def test_second_run_reuses_the_unpacked_copy(tmp_path, packed):
    exe = ffmpeg.unpack_packed_ffmpeg(packed, tmp_path / "cache")
    before = exe.stat()
    assert ffmpeg.unpack_packed_ffmpeg(packed, tmp_path / "cache") == exe
    after = exe.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_damaged_copy_in_the_cache_is_replaced(tmp_path, packed):
    exe = ffmpeg.unpack_packed_ffmpeg(packed, tmp_path / "cache")
    exe.write_bytes(b"#!/bin/sh\n")  # e.g. a disk that filled up while something else rewrote it
    assert ffmpeg.unpack_packed_ffmpeg(packed, tmp_path / "cache").read_bytes() == (
        (tmp_path / "wheel" / "ffmpeg-linux-test-v1").read_bytes()
    )


def test_archive_that_does_not_match_the_manifest_is_refused(tmp_path, packed):
    info = json.loads(packed.read_text())
    info["sha256"] = "0" * 64
    packed.write_text(json.dumps(info))
    with pytest.raises(ValueError, match="SHA-256"):
        ffmpeg.unpack_packed_ffmpeg(packed, tmp_path / "cache")
    leftovers = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert leftovers == []


def test_truncated_archive_is_refused_without_leaving_a_file(tmp_path, packed):
    archive = packed.parent / json.loads(packed.read_text())["archive"]
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(EOFError):
        ffmpeg.unpack_packed_ffmpeg(packed, tmp_path / "cache")
    assert [p for p in (tmp_path / "cache").rglob("*") if p.is_file()] == []


def test_other_versions_and_stale_partial_files_are_cleaned_up(tmp_path, packed):
    cache = tmp_path / "cache"
    old_version = cache / "ffmpeg-linux-test-v0-0123456789abcdef"
    old_version.mkdir(parents=True)
    (old_version / "ffmpeg").write_bytes(b"old")
    info = json.loads(packed.read_text())
    folder = cache / f"{info['name']}-{info['sha256'][:16]}"
    folder.mkdir()
    stale, recent = folder / ".ffmpeg-killed.part", folder / ".ffmpeg-running.part"
    stale.write_bytes(b"half")
    recent.write_bytes(b"half")
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))

    exe = ffmpeg.unpack_packed_ffmpeg(packed, cache)
    assert sorted(p.name for p in cache.iterdir()) == [folder.name]
    assert sorted(p.name for p in folder.iterdir()) == sorted([exe.name, recent.name])  # another run's, in use


_UNPACK_WHEN_STARTED = """
import sys, time
from pathlib import Path
from desktop_app.audio.ffmpeg import unpack_packed_ffmpeg
go = Path(sys.argv[3])
deadline = time.monotonic() + 60
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.01)
print(unpack_packed_ffmpeg(Path(sys.argv[1]), Path(sys.argv[2])))
"""


def test_concurrent_first_runs_all_get_the_same_complete_binary(tmp_path):
    # Big enough that the runs overlap while they decompress.
    manifest = pack_ffmpeg.pack(fake_ffmpeg(tmp_path / "wheel", padding=24_000_000), tmp_path / "bundle")
    go = tmp_path / "go"
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", _UNPACK_WHEN_STARTED, str(manifest), str(tmp_path / "cache"), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for _ in range(4)
    ]
    go.touch()
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0] * 4, [err for _, err in outputs]
    exes = {out.strip() for out, _ in outputs}
    assert len(exes) == 1
    exe = Path(exes.pop())
    assert pack_ffmpeg.sha256_of(exe) == json.loads(manifest.read_text())["sha256"]
    assert [p.name for p in exe.parent.iterdir()] == [exe.name]


def test_ffmpeg_exe_unpacks_the_bundled_archive_into_the_cache_folder(monkeypatch, packed, fresh_ffmpeg_exe):
    monkeypatch.delenv("RETAKE_FFMPEG", raising=False)
    monkeypatch.setattr(paths, "resources_dir", lambda: packed.parent.parent)
    exe = Path(fresh_ffmpeg_exe())
    assert exe.parent.parent == paths.cache_dir() / "ffmpeg"
    status, detail = selfcheck.check_ffmpeg()
    assert (status, detail) == (selfcheck.OK, f"{exe} (ffmpeg version fake-1)")


def test_override_wins_over_the_bundled_archive(monkeypatch, packed, fresh_ffmpeg_exe):
    monkeypatch.setenv("RETAKE_FFMPEG", "/opt/ffmpeg/bin/ffmpeg")
    monkeypatch.setattr(paths, "resources_dir", lambda: packed.parent.parent)
    assert fresh_ffmpeg_exe() == "/opt/ffmpeg/bin/ffmpeg"


def test_self_check_names_a_broken_bundled_archive(monkeypatch, packed, fresh_ffmpeg_exe):
    archive = packed.parent / json.loads(packed.read_text())["archive"]
    archive.write_bytes(b"not xz at all")
    monkeypatch.delenv("RETAKE_FFMPEG", raising=False)
    monkeypatch.setattr(paths, "resources_dir", lambda: packed.parent.parent)
    result = selfcheck._guarded("ffmpeg", selfcheck.check_ffmpeg)
    assert result.status == selfcheck.FAIL
    assert result.detail.startswith("FfmpegMissingError: the bundled ffmpeg could not be unpacked")
