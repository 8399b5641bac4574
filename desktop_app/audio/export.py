"""Export audio with its provenance: tags in the file plus a JSON sidecar beside it.

The sidecar records what made the audio (engine, operation, prompt, the job's parameters) so a
producer can trace a bounce back to the job. It never overwrites an existing file unless asked.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from desktop_app import __version__
from desktop_app.audio.encode import save
from desktop_app.audio.errors import AudioWriteError

# key -> (file suffix, bit depth for WAV/FLAC, label). The key is what the export dialog remembers.
EXPORT_FORMATS = {
    "wav16": ("wav", "PCM_16", "WAV 16-bit"),
    "wav24": ("wav", "PCM_24", "WAV 24-bit"),
    "wav32f": ("wav", "FLOAT", "WAV 32-bit float"),
    "flac16": ("flac", "PCM_16", "FLAC 16-bit"),
    "flac": ("flac", "PCM_24", "FLAC 24-bit"),
    "mp3": ("mp3", "PCM_16", "MP3 320 kbps"),
    "m4a": ("m4a", "", "M4A (AAC 256 kbps)"),
    "ogg": ("ogg", "", "OGG Vorbis (about 192 kbps)"),
    "opus": ("opus", "", "Opus 160 kbps"),
}
LOSSY_KEYS = ("mp3", "m4a", "ogg", "opus")
# Keys that must never reach a sidecar even if a caller passes them by mistake.
_SECRET_WORDS = ("key", "token", "authorization", "secret", "password")


@dataclass
class Provenance:
    title: str
    engine: str = ""
    operation: str = ""
    prompt: str = ""
    source_file: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    # Every take spliced into the exported audio: take, job_id, engine, operation, start, end (seconds).
    splices: list[dict[str, Any]] = field(default_factory=list)

    def tags(self) -> dict[str, str]:
        comment = "; ".join(
            part
            for part in (
                f"engine={self.engine}" if self.engine else "",
                f"operation={self.operation}" if self.operation else "",
                f"prompt={self.prompt}" if self.prompt else "",
            )
            if part
        )
        return {"title": self.title, "comment": comment, "software": f"Retake {__version__}"}

    def sidecar(self, audio_path: Path, fmt_label: str) -> dict[str, Any]:
        return {
            "file": audio_path.name,
            "format": fmt_label,
            "title": self.title,
            "engine": self.engine,
            "operation": self.operation,
            "prompt": self.prompt,
            "source_file": self.source_file,
            "parameters": _without_secrets(self.parameters),
            "splices": [_without_secrets(segment) for segment in self.splices],
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "software": f"Retake {__version__}",
        }


def _without_secrets(params: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for name, value in params.items():
        if any(word in name.lower() for word in _SECRET_WORDS):
            continue
        clean[name] = _without_secrets(value) if isinstance(value, dict) else value
    return clean


def sidecar_path(audio_path: Path) -> Path:
    return audio_path.with_name(audio_path.name + ".json")


def export(
    samples: np.ndarray,
    rate: int,
    path: str | Path,
    format_key: str,
    provenance: Provenance,
    *,
    overwrite: bool = False,
) -> Path:
    """Write audio and its sidecar; raises ``FileExistsError`` instead of overwriting unless ``overwrite``."""
    if format_key not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {format_key!r}")
    fmt, subtype, label = EXPORT_FORMATS[format_key]
    path = Path(path)
    if path.suffix.lower() != f".{fmt}":
        path = path.with_name(path.name + f".{fmt}")
    side = sidecar_path(path)
    if not overwrite and (path.exists() or side.exists()):
        raise FileExistsError(path)
    save(samples, path, fmt, sample_rate=rate, wav_subtype=subtype, tags=provenance.tags())
    tmp = side.with_name(side.name + ".part")
    try:
        tmp.write_text(json.dumps(provenance.sidecar(path, label), indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, side)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise AudioWriteError(side, f"the sidecar could not be written ({exc}).") from exc
    return path
