"""Export round-trips through load, carries provenance, and never overwrites silently."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from desktop_app.audio import load
from desktop_app.audio.export import EXPORT_FORMATS, LOSSY_KEYS, Provenance, export, sidecar_path

RATE = 44100


def _audio() -> np.ndarray:
    t = np.arange(RATE * 2) / RATE
    return np.stack([0.3 * np.sin(2 * np.pi * 220 * t), 0.3 * np.sin(2 * np.pi * 330 * t)], 1).astype(np.float32)


@pytest.mark.parametrize("key", sorted(EXPORT_FORMATS))
def test_export_round_trips(tmp_path: Path, key: str) -> None:
    audio = _audio()
    prov = Provenance(title="Chorus fix", engine="local", operation="inpaint", prompt="brighter", parameters={"a": 1})
    out = export(audio, RATE, tmp_path / "song", key, prov)
    assert out.suffix == "." + EXPORT_FORMATS[key][0]
    clip = load(out)
    assert clip.channels == 2
    assert clip.sample_rate == (48000 if key == "opus" else RATE)  # Opus decodes at 48 kHz
    assert clip.duration == pytest.approx(audio.shape[0] / RATE, abs=1e-3)  # decoders trim encoder padding
    if key in LOSSY_KEYS:
        if clip.sample_rate == RATE:
            noise = ((clip.samples - audio) ** 2).sum(axis=0)
            assert (10 * np.log10((audio**2).sum(axis=0) / noise)).min() > 15
    else:
        assert clip.frames == audio.shape[0]
        tolerance = {"wav16": 1e-4, "wav24": 1e-6, "wav32f": 0, "flac16": 1e-4, "flac": 1e-6}[key]
        np.testing.assert_allclose(clip.samples, audio, atol=tolerance)
    meta = json.loads(sidecar_path(out).read_text())
    assert meta["engine"] == "local" and meta["prompt"] == "brighter" and meta["parameters"] == {"a": 1}
    if key not in LOSSY_KEYS:
        assert sf.info(str(out)).extra_info is not None
        with sf.SoundFile(str(out)) as f:
            assert f.title == "Chorus fix"


def test_export_refuses_to_overwrite(tmp_path: Path) -> None:
    prov = Provenance(title="x")
    out = export(_audio(), RATE, tmp_path / "a.wav", "wav16", prov)
    before = out.read_bytes()
    with pytest.raises(FileExistsError):
        export(_audio() * 0.5, RATE, out, "wav16", prov)
    assert out.read_bytes() == before
    export(_audio() * 0.5, RATE, out, "wav16", prov, overwrite=True)
    assert out.read_bytes() != before


def test_sidecar_drops_secrets(tmp_path: Path) -> None:
    prov = Provenance(title="x", parameters={"prompt": "p", "api_key": "sk-123", "nested": {"Authorization": "k"}})
    out = export(_audio(), RATE, tmp_path / "a.wav", "wav16", prov)
    text = sidecar_path(out).read_text()
    assert "sk-123" not in text and "Authorization" not in text
