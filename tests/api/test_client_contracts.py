"""Contract tests: exact paths, query parameters, headers and fields each client sends."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from desktop_app.api.errors import CancelledError, MalformedResponseError
from desktop_app.api.models import AddVocalsRequest, CoverRequest, InpaintRequest, RemixRequest, SingOverRequest
from desktop_app.api.musicgpt import MusicGPTClient, clear_voice_cache
from desktop_app.api.operations import Operation
from desktop_app.api.results import Progress
from desktop_app.api.retry import RetryPolicy
from desktop_app.api.sunoapi import SunoApiClient
from tests.support.fake_services import FILES, MUSICGPT, SUNO, UPLOAD, FakeServices, parse_multipart, wav_bytes

NO_WAIT = lambda _seconds: False  # noqa: E731  (retries happen at once in tests; nothing sleeps)


@pytest.fixture
def fake() -> FakeServices:
    clear_voice_cache()
    return FakeServices()


@pytest.fixture
def musicgpt(fake: FakeServices) -> MusicGPTClient:
    return MusicGPTClient(fake.client(), MUSICGPT, fake.key, policy=RetryPolicy(max_attempts=3), wait=NO_WAIT)


@pytest.fixture
def suno(fake: FakeServices) -> SunoApiClient:
    return SunoApiClient(fake.client(), SUNO, UPLOAD, fake.key, policy=RetryPolicy(max_attempts=3), wait=NO_WAIT)


@pytest.fixture
def song(tmp_path: Path) -> Path:
    path = tmp_path / "My Song (final).wav"
    path.write_bytes(wav_bytes(seconds=3.0))  # ~260 kB: several 64 kB upload chunks
    return path


def test_inpaint_posts_multipart_with_raw_key_and_streamed_file(fake, musicgpt, song) -> None:
    progress: list[tuple[int, int]] = []
    request = InpaintRequest(audio_file=song, prompt="guitar solo", replace_start_at=1.25, replace_end_at=2.5,
                             lyrics="full", lyrics_section_to_replace="part", gender="neutral")  # fmt: skip
    receipt = musicgpt.submit(request, on_progress=lambda d, t: progress.append((d, t)))
    [sent] = fake.requests
    assert sent.method == "POST"
    assert str(sent.url) == "https://api.musicgpt.com/api/public/v1/inpaint"
    assert sent.headers["authorization"] == fake.key  # raw key, no "Bearer "
    assert sent.headers["content-type"].startswith("multipart/form-data; boundary=")
    fields, files = parse_multipart(sent)
    assert fields == {"prompt": "guitar solo", "replace_start_at": "1.25", "replace_end_at": "2.5", "lyrics": "full",
                      "lyrics_section_to_replace": "part", "gender": "neutral", "num_outputs": "2"}  # fmt: skip
    name, ctype, data = files["audio_file"]
    assert (name, ctype, data) == ("My Song _final_.wav", "audio/wav", song.read_bytes())
    assert len(progress) >= 4 and progress[-1] == (song.stat().st_size, song.stat().st_size)
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    assert receipt.conversion_ids == ("conv-1-a", "conv-1-b")


@pytest.mark.parametrize(
    ("request_", "path"),
    [
        (RemixRequest(audio_url="https://b.s3.amazonaws.com/s.mp3", prompt="lofi"), "/Remix"),
        (
            SingOverRequest(audio_url="https://b.s3.amazonaws.com/s.mp3", prompt="soul", lyrics="la"),
            "/sing_over_instrumental",
        ),
        (CoverRequest(audio_url="https://b.s3.amazonaws.com/s.mp3", voice_id="Drake", pitch=-2), "/Cover"),
    ],
)
def test_url_sources_send_audio_url_and_no_file_part(fake, musicgpt, request_, path) -> None:
    musicgpt.submit(request_)
    [sent] = fake.requests
    assert sent.url.path == "/api/public/v1" + path
    fields, files = parse_multipart(sent)
    assert files == {}
    assert fields == request_.form_fields()
    assert fields["audio_url"] == "https://b.s3.amazonaws.com/s.mp3"


def test_by_id_query_uses_conversion_type_and_task_id_only(fake, musicgpt) -> None:
    receipt = musicgpt.submit(RemixRequest(audio_url="https://x.example/s.mp3", prompt="p"))
    fake.requests.clear()
    status = musicgpt.status(Operation.REMIX, receipt.task_id, receipt.conversion_ids)
    [sent] = fake.requests
    assert sent.method == "GET" and sent.url.path == "/api/public/v1/byId"
    assert dict(sent.url.params) == {"conversionType": "REMIX", "task_id": receipt.task_id}
    assert sent.headers["authorization"] == fake.key
    assert status.progress is Progress.PENDING
    done = musicgpt.status(Operation.REMIX, receipt.task_id, receipt.conversion_ids)
    assert done.progress is Progress.COMPLETED
    assert [t.wav_url for t in done.takes] == [f"{FILES}/conv-1-a.wav", f"{FILES}/conv-1-b.wav"]


def test_generic_shape_for_two_outputs_asks_for_the_missing_take_by_conversion_id(fake, musicgpt) -> None:
    fake.shape, fake.polls_until_done = "generic", 0
    receipt = musicgpt.submit(InpaintRequest(audio_url="https://x.example/s.mp3", prompt="p", replace_start_at=0,
                                             replace_end_at=1))  # fmt: skip
    fake.requests.clear()
    status = musicgpt.status(Operation.INPAINT, receipt.task_id, receipt.conversion_ids)
    assert status.progress is Progress.COMPLETED
    assert [t.conversion_id for t in status.takes] == list(receipt.conversion_ids)
    assert [t.index for t in status.takes] == [1, 2]
    queries = [dict(r.url.params) for r in fake.requests]
    assert queries == [
        {"conversionType": "INPAINT", "task_id": receipt.task_id},
        {"conversionType": "INPAINT", "conversion_id": receipt.conversion_ids[1]},  # never both ids at once
    ]


def test_cover_single_output(fake, musicgpt) -> None:
    fake.polls_until_done = 0
    receipt = musicgpt.submit(CoverRequest(audio_url="https://x.example/s.mp3", voice_id="Drake"))
    status = musicgpt.status(Operation.COVER, receipt.task_id, receipt.conversion_ids)
    assert status.progress is Progress.COMPLETED and len(status.takes) == 1
    assert status.cost == 0.88
    assert dict(fake.requests[-1].url.params)["conversionType"] == "COVER"


def test_voices_are_zero_based_pages_and_cached(fake, musicgpt) -> None:
    first = musicgpt.voices(page=0, limit=20)
    third = musicgpt.voices(page=2, limit=20)
    assert [v["voice_id"] for v in first.voices][:2] == ["voice-0", "voice-1"]
    assert len(third.voices) == 5 and third.total == 45
    assert [dict(r.url.params) for r in fake.requests] == [{"limit": "20", "page": "0"}, {"limit": "20", "page": "2"}]
    assert fake.requests[0].url.path == "/api/public/v1/getAllVoices"
    musicgpt.voices(page=0, limit=20)
    assert len(fake.requests) == 2  # served from the cache
    found = musicgpt.search_voices("Voice 4", page=0, limit=10)
    assert fake.requests[-1].url.path == "/api/public/v1/searchVoices"
    assert dict(fake.requests[-1].url.params) == {"query": "Voice 4", "limit": "10", "page": "0"}
    assert {v["voice_id"] for v in found.voices} >= {"voice-4", "voice-40"}
    with pytest.raises(ValueError):
        musicgpt.voices(page=-1)


def test_cancel_stops_an_upload_between_chunks(fake, musicgpt, song) -> None:
    cancel = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if len(seen) == 2:
            cancel.set()

    with pytest.raises(CancelledError):
        musicgpt.submit(RemixRequest(audio_file=song, prompt="p"), on_progress=progress, cancel=cancel)
    assert len(seen) == 2 and seen[-1] < song.stat().st_size
    assert fake.jobs == {}


def test_sunoapi_upload_submit_and_poll(fake, suno, song) -> None:
    url = suno.upload(song)
    upload, = fake.requests  # fmt: skip
    assert str(upload.url) == "https://sunoapiorg.redpandaai.co/api/file-stream-upload"
    assert upload.headers["authorization"] == f"Bearer {fake.key}"
    fields, files = parse_multipart(upload)
    assert fields == {"uploadPath": "retake", "fileName": "My Song _final_.wav"}
    assert files["file"][2] == song.read_bytes()
    assert url == "https://tempfile.redpandaai.co/xxx/retake/My Song _final_.wav"

    request = AddVocalsRequest(audio_file=song, prompt="soothing", title="T", style="Jazz", negative_tags="Metal",
                               vocal_gender="f", audio_weight=0.65)  # fmt: skip
    receipt = suno.submit(request, url)
    sent = fake.requests[-1]
    assert str(sent.url) == "https://api.sunoapi.org/api/v1/generate/add-vocals"
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["authorization"] == f"Bearer {fake.key}"
    assert json.loads(sent.content) == request.json_body(url)
    assert receipt.task_id == "suno-1"

    pending = suno.status(receipt.task_id)
    assert pending.progress is Progress.PENDING
    poll = fake.requests[-1]
    assert str(poll.url).startswith("https://api.sunoapi.org/api/v1/generate/record-info?")
    assert dict(poll.url.params) == {"taskId": "suno-1"}
    done = suno.status(receipt.task_id)
    assert done.progress is Progress.COMPLETED and len(done.takes) == 2


def test_sunoapi_body_code_decides_even_with_http_200(fake, suno) -> None:
    from desktop_app.api.errors import InsufficientCreditsError

    fake.fail_next("/add-vocals", 200, {"code": 429, "msg": "Insufficient credits", "data": None})
    request = AddVocalsRequest(audio_url="https://x/y.mp3", prompt="p", title="t", style="s", negative_tags="n")
    with pytest.raises(InsufficientCreditsError, match="Insufficient credits"):
        suno.submit(request, "https://x/y.mp3")
    assert len(fake.calls("/add-vocals")) == 1  # never retried


def test_non_json_answers_are_malformed_errors(fake, musicgpt) -> None:
    fake.fail_next("/Remix", 200, "<html>gateway</html>")
    with pytest.raises(MalformedResponseError):
        musicgpt.submit(RemixRequest(audio_url="https://x.example/a.mp3", prompt="p"))
