"""Size limits the app applies to what it sends and fetches, defined once (settings, CLI and runner
read their defaults here)."""

from __future__ import annotations

MB = 1024 * 1024
# Far above a song in WAV (30 min of 48 kHz 24-bit stereo is 518 MB), far below a full disk.
DOWNLOAD_CAP_MB = 1024
# Sources that must be converted before upload go as MP3 320k instead of WAV above this WAV size.
UPLOAD_MP3_ABOVE_MB = 100
