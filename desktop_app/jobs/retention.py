"""How long the services keep a finished job's files, and what follows for the download step.

MusicGPT keeps WAV files 7 days and MP3 files 90 days (changelog, March 2026). A take's links are
tried best first (WAV, lossless for splicing, then MP3); a WAV link known to be older than its
retention is not even tried. When every link is gone the job says so once, in these words.
"""

from __future__ import annotations

from desktop_app.api.errors import ExpiredFileError
from desktop_app.api.results import TakeResult

DAY = 86400
WAV_RETENTION_SECONDS = 7 * DAY
MP3_RETENTION_SECONDS = 90 * DAY


def links_in_order(take: TakeResult, service: str, submitted_at: float | None, now: float) -> list[str]:
    """The take's download links, best first, leaving out a MusicGPT WAV link past its retention."""
    age = now - submitted_at if submitted_at is not None else 0.0
    wav_gone = service == "musicgpt" and age > WAV_RETENTION_SECONDS
    links = [] if wav_gone or not take.wav_url else [take.wav_url]
    return links + ([take.mp3_url] if take.mp3_url else [])


def files_gone(service: str, submitted_at: float | None, now: float) -> ExpiredFileError:
    """The one message for a job whose every link has expired."""
    days = (now - submitted_at) / DAY if submitted_at is not None else 0.0
    when = f" This job was sent {days:.0f} days ago." if days >= 1 else ""
    keeps = (
        f" MusicGPT keeps WAV files {WAV_RETENTION_SECONDS // DAY} days"
        f" and MP3 files {MP3_RETENTION_SECONDS // DAY} days."
        if service == "musicgpt"
        else ""
    )
    return ExpiredFileError(f"The service no longer holds the files of this job.{keeps}{when}")
