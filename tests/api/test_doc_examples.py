"""The services' own example answers (kept as small JSON fixtures) read as the docs mean them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.api.errors import (
    AuthError,
    InsufficientCreditsError,
    NotFoundError,
    RateLimitError,
    ServerError,
    ServiceValidationError,
    error_for_status,
)
from desktop_app.api.results import (
    Progress,
    parse_musicgpt_history,
    parse_musicgpt_status,
    parse_musicgpt_submit,
    parse_suno_status,
    suno_envelope,
)

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str):
    return json.loads((FIXTURES / name).read_text("utf-8"))


def test_two_output_submit_and_answer() -> None:
    receipt = parse_musicgpt_submit(fixture("musicgpt_submit_two.json"))
    assert receipt.conversion_ids == ("inpaint-abc", "inpaint-def") and receipt.credit_estimate == 47.5
    status = parse_musicgpt_status(fixture("musicgpt_byid_two.json"), ("conv-1", "conv-2"))
    assert status.progress is Progress.COMPLETED
    assert [t.wav_url.rsplit("/", 1)[1] for t in status.takes] == ["conv-1.wav", "conv-2.wav"]
    assert [t.mp3_url.rsplit("/", 1)[1] for t in status.takes] == ["conv-1.mp3", "conv-2.mp3"]
    assert status.takes[0].lyrics_timestamped[0].start == pytest.approx(8.173)


def test_one_output_submit_yields_one_take() -> None:
    receipt = parse_musicgpt_submit(fixture("musicgpt_submit_one.json"))
    assert receipt.conversion_ids == ("inpaint-ghi",)
    answer = fixture("musicgpt_byid_two.json")
    answer["conversion"]["conversion_id_1"] = "inpaint-ghi"
    status = parse_musicgpt_status(answer, receipt.conversion_ids)
    assert status.progress is Progress.COMPLETED and len(status.takes) == 1


def test_single_output_answer() -> None:
    status = parse_musicgpt_status(fixture("musicgpt_byid_single.json"), ("87654321-bbbb",))
    assert status.progress is Progress.COMPLETED and status.cost == 1.25
    assert status.takes[0].mp3_url == "https://example.com/song.mp3" and status.takes[0].wav_url is None


def test_history_groups_conversions_by_job_and_reads_both_time_forms() -> None:
    entries, cursor = parse_musicgpt_history(fixture("musicgpt_byuser.json"))
    by_task = {e.task_id: e for e in entries}
    assert by_task["t-new"].conversion_ids == ("c-1", "c-2") and by_task["t-new"].conversion_type == "INPAINT"
    assert by_task["t-new"].created_at == pytest.approx(1774596074.0)
    assert by_task["t-old"].conversion_ids == ("c-3",) and by_task["t-old"].created_at == pytest.approx(1774595000.0)
    assert by_task["t-old"].prompt == "lofi"
    assert json.loads(cursor)["task_id"] == "t-old"  # the cursor goes back as it came


STAGES = fixture("sunoapi_record_info_stages.json")
EXPECTED = {
    "PENDING": Progress.PENDING,
    "TEXT_SUCCESS": Progress.PENDING,
    "FIRST_SUCCESS": Progress.PENDING,
    "SUCCESS": Progress.COMPLETED,
    "CREATE_TASK_FAILED": Progress.FAILED,
    "GENERATE_AUDIO_FAILED": Progress.FAILED,
    "SENSITIVE_WORD_ERROR": Progress.FAILED,
    "CALLBACK_EXCEPTION": Progress.COMPLETED,  # the callback failed; the audio is there
}


@pytest.mark.parametrize("stage", list(STAGES))
def test_record_info_stages(stage: str) -> None:
    code, _msg, data = suno_envelope(STAGES[stage])
    status = parse_suno_status(data)
    assert code == 200 and status.progress is EXPECTED[stage] and status.raw_status == stage
    if status.progress is Progress.FAILED:
        assert status.message == "The lyrics contain copyrighted material."
    if status.progress is Progress.COMPLETED:
        assert [t.mp3_url for t in status.takes] == ["https://example.cn/a.mp3", "https://example.cn/b.mp3"]


def test_success_with_a_track_still_missing_its_audio_is_polled_again() -> None:
    data = json.loads(json.dumps(STAGES["SUCCESS"]["data"]))
    data["response"]["sunoData"][1]["audioUrl"] = ""
    status = parse_suno_status(data)
    assert status.progress is Progress.PENDING and status.extra == {"audio_missing": True}


ENVELOPE_ERRORS = {
    400: ServiceValidationError,
    401: AuthError,
    404: NotFoundError,
    405: RateLimitError,
    413: ServiceValidationError,
    429: InsufficientCreditsError,  # on sunoapi.org 429 is credits, not a rate limit
    430: RateLimitError,
    451: ServiceValidationError,
    455: ServerError,
    500: ServerError,
}


@pytest.mark.parametrize("envelope", fixture("sunoapi_envelopes.json"), ids=lambda e: str(e["code"]))
def test_every_envelope_code_maps_to_its_meaning(envelope: dict) -> None:
    code, msg, data = suno_envelope(envelope)
    if code == 200:
        assert data == {"taskId": "5c79be8e"}
        return
    error = error_for_status(code, "sunoapi.org", msg, suno_code=True)
    assert isinstance(error, ENVELOPE_ERRORS[code]) and error.status == code
