"""Which links a finished job's take is fetched from, by the services' retention."""

from __future__ import annotations

from desktop_app.api.results import TakeResult
from desktop_app.jobs.retention import DAY, files_gone, links_in_order

TAKE = TakeResult("c", 1, mp3_url="https://s3.example/c.mp3", wav_url="https://s3.example/c.wav")


def test_wav_first_while_musicgpt_keeps_it_then_mp3_only() -> None:
    now = 100 * DAY
    assert links_in_order(TAKE, "musicgpt", now - 6 * DAY, now) == [TAKE.wav_url, TAKE.mp3_url]
    assert links_in_order(TAKE, "musicgpt", now - 8 * DAY, now) == [TAKE.mp3_url]
    assert links_in_order(TakeResult("c", 1, mp3_url=TAKE.mp3_url), "musicgpt", None, now) == [TAKE.mp3_url]
    assert links_in_order(TAKE, "sunoapi", now - 30 * DAY, now) == [TAKE.wav_url, TAKE.mp3_url]


def test_the_gone_message_says_what_the_service_keeps_and_when_the_job_was_sent() -> None:
    error = files_gone("musicgpt", 0.0, 95 * DAY)
    assert (
        error.kind == "expired" and "7 days" in str(error) and "90 days" in str(error) and "95 days ago" in str(error)
    )
    assert "MusicGPT" not in str(files_gone("sunoapi", None, 1.0))
