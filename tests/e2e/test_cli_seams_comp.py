"""``retake seams`` and ``retake comp`` as a producer runs them, on the demo song and takes made from it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from desktop_app.audio import load
from desktop_app.audio.comp import Segment, fade_spans
from tests.support.music import shifted

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo" / "demo_song.flac"
REGION = (60, 68)  # in the second chorus; the first chorus (28–36 s) is the same music


def retake(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RETAKE_HOME": str(home), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "desktop_app", *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=ROOT, env=env, timeout=120)  # fmt: skip


@pytest.fixture(scope="module")
def takes(tmp_path_factory) -> dict[str, Path]:
    """Whole-song takes of the demo: the chorus's own repeat, the same +6 dB, the same 30 ms late."""
    folder = tmp_path_factory.mktemp("takes")
    clip = load(DEMO)
    original, rate = clip.samples, clip.sample_rate
    start, end = REGION[0] * rate, REGION[1] * rate
    repeat = original.copy()
    repeat[start:end] = original[start - 32 * rate : end - 32 * rate]
    loud, late = repeat.copy(), repeat.copy()
    loud[start:end] *= 2.0
    late[start:end] = shifted(repeat, int(0.030 * rate))[start:end]
    paths = {}
    burst = original.copy()
    noise = np.random.default_rng(1).standard_normal((int(0.3 * rate), 2)).astype(np.float32)
    burst[40 * rate : 40 * rate + noise.shape[0]] = 0.5 * noise  # 300 ms that fit nothing, then the song
    for name, data in (("repeat", repeat), ("loud", loud), ("late", late), ("cut", original[: 50 * rate]),
                       ("burst", burst), ("other", np.roll(original, 5 * rate + 1234, axis=0))):  # fmt: skip
        paths[name] = folder / f"{name}.wav"
        sf.write(str(paths[name]), data, rate, subtype="FLOAT")
    return paths


def test_seams_json_ranks_the_repeat_first_and_names_each_fault(tmp_path: Path, takes) -> None:
    proc = retake(tmp_path, "seams", str(DEMO), str(takes["loud"]), str(takes["late"]), str(takes["repeat"]),
                  "--region", *map(str, REGION), "--json")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    ranked = json.loads(proc.stdout)
    assert Path(ranked[0]["path"]).stem == "repeat"
    by_name = {Path(t["path"]).stem: t for t in ranked}
    assert by_name["repeat"]["score"] > max(by_name["loud"]["score"], by_name["late"]["score"])
    assert all(s["verdict"] == "clean" for s in by_name["repeat"]["seams"])
    loud_start, late_start = by_name["loud"]["seams"][0], by_name["late"]["seams"][0]
    assert loud_start["at"] == 60.0 and loud_start["level_step_db"] == pytest.approx(6.0, abs=0.2)
    assert loud_start["verdict"] == "poor" and loud_start["reason"] == "level jumps +6.0 dB at the start"
    assert late_start["timing_ms"] == pytest.approx(30, abs=2)
    assert late_start["reason"] == "timing slips 30 ms late at the start"
    assert {"at", "level_step_db", "timing_ms", "verdict"} <= set(loud_start)


def test_seams_text_lists_takes_best_first(tmp_path: Path, takes) -> None:
    proc = retake(tmp_path, "seams", str(DEMO), str(takes["loud"]), str(takes["repeat"]), str(takes["other"]),
                  "--region", "60", "68")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[1].startswith("1. ") and lines[1].split()[1].endswith("repeat.wav")
    assert "level jumps +6.0 dB at the start" in proc.stdout
    other = next(line for line in lines if "other.wav" in line)
    assert other.endswith("poor  (not the same audio around the region: not aligned)")


def test_comp_is_each_take_in_its_range_and_the_original_elsewhere(tmp_path: Path, takes) -> None:
    out = tmp_path / "comp.wav"
    spans = [f"{takes['repeat']}:10-20", f"{takes['late']}:20-30", f"{takes['loud']}:60-68"]
    proc = retake(tmp_path, "comp", str(DEMO), *(a for span in spans for a in ("--take", span)), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(out)
    written, rate = sf.read(str(out), dtype="float32", always_2d=True)
    original = load(DEMO).samples
    sources = {name: sf.read(str(takes[name]), dtype="float32", always_2d=True)[0] for name in takes}
    segments = [Segment(sources["repeat"], 10 * rate, 20 * rate), Segment(sources["late"], 20 * rate, 30 * rate),
                Segment(sources["loud"], 60 * rate, 68 * rate)]  # fmt: skip
    fades = np.zeros(original.shape[0], bool)
    for lo, hi in fade_spans(original, rate, segments):
        fades[lo:hi] = True
    inside = np.zeros(original.shape[0], bool)
    for seg in segments:
        body = np.zeros_like(inside)
        body[seg.start : seg.end] = True
        inside |= body
        assert np.array_equal(written[body & ~fades], seg.samples[body & ~fades])
    assert np.array_equal(written[~inside], original[~inside])
    sidecar = json.loads((tmp_path / "comp.wav.json").read_text(encoding="utf-8"))
    assert sidecar["operation"] == "comp" and sidecar["source_file"] == "demo_song.flac"
    assert [(s["take"], s["start"], s["end"]) for s in sidecar["parameters"]["segments"]] == [
        ("repeat.wav", 10.0, 20.0), ("late.wav", 20.0, 30.0), ("loud.wav", 60.0, 68.0)]  # fmt: skip
    assert "seam at 60.000 s: poor (level jumps +6.0 dB at 60.00 s)" in proc.stderr
    assert "seam at 20.000 s: poor (timing slips 30 ms late" not in proc.stderr  # late is only late in 60–68


def test_comp_fix_seams_moves_a_poor_seam_past_the_bad_bit(tmp_path: Path, takes) -> None:
    out = tmp_path / "fixed.flac"
    proc = retake(tmp_path, "comp", str(DEMO), "--take", f"{takes['burst']}:40-44", "--fix-seams", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    moved = json.loads((tmp_path / "fixed.flac.json").read_text(encoding="utf-8"))["parameters"]["seams_moved"]
    assert len(moved) == 1 and moved[0]["from"] == 40.0 and 40.3 <= moved[0]["to"] <= 40.5
    assert moved[0]["verdict"] == "clean"
    assert "moved the seam at 40.000 s" in proc.stderr
    (segment,) = json.loads((tmp_path / "fixed.flac.json").read_text(encoding="utf-8"))["parameters"]["segments"]
    assert segment["start"] == moved[0]["to"] and segment["end"] == 44.0


@pytest.mark.parametrize(
    ("specs", "words"),
    [
        (["repeat:10-20", "loud:15-25"], "overlap; each moment of the song can come from one take only."),
        (["repeat:70-90"], "must lie inside the song (0–81.50 s), start first."),
        (["repeat:20-10"], "must lie inside the song"),
        (["cut:10-20"], "is 50 s long but the song is 81.5 s; a take must be of the whole song."),
        (["repeat"], "is not PATH:START-END (seconds)"),
        (["repeat:ten-20"], "is not PATH:START-END (seconds)"),
    ],
)
def test_comp_bad_input_is_a_sentence_and_writes_nothing(tmp_path: Path, takes, specs, words) -> None:
    out = tmp_path / "comp.wav"
    args = []
    for spec in specs:
        name, _, span = spec.partition(":")
        args += ["--take", f"{takes[name]}:{span}" if span else str(takes[name])]
    proc = retake(tmp_path, "comp", str(DEMO), *args, "--out", str(out))
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and words in proc.stderr and "Traceback" not in proc.stderr
    assert list(tmp_path.glob("comp.wav*")) == []


def test_comp_never_overwrites_unless_asked(tmp_path: Path, takes) -> None:
    out = tmp_path / "mine.wav"
    out.write_bytes(b"precious")
    proc = retake(tmp_path, "comp", str(DEMO), "--take", f"{takes['repeat']}:10-20", "--out", str(out))
    assert proc.returncode == 2 and "“mine.wav” already exists; pass --overwrite" in proc.stderr
    assert out.read_bytes() == b"precious"


def test_comp_never_writes_over_its_own_sources(tmp_path: Path, takes) -> None:
    before = takes["repeat"].read_bytes()
    proc = retake(tmp_path, "comp", str(DEMO), "--take", f"{takes['repeat']}:10-20", "--out", str(takes["repeat"]),
                  "--overwrite")  # fmt: skip
    assert proc.returncode == 2 and "is one of the comp's own sources" in proc.stderr
    assert takes["repeat"].read_bytes() == before


def test_seams_bad_input(tmp_path: Path, takes) -> None:
    outside = retake(tmp_path, "seams", str(DEMO), str(takes["repeat"]), "--region", "80", "90")
    assert outside.returncode == 2 and "must lie inside the song (0–81.50 s)" in outside.stderr
    text = tmp_path / "notes.wav"
    text.write_text("not audio", encoding="utf-8")
    bad = retake(tmp_path, "seams", str(DEMO), str(text), "--region", "60", "68")
    assert bad.returncode == 2 and bad.stderr.startswith("error: “notes.wav”") and "Traceback" not in bad.stderr
    cut = retake(tmp_path, "seams", str(DEMO), str(takes["cut"]), "--region", "60", "68")
    assert cut.returncode == 2 and "a take must be of the whole song" in cut.stderr
