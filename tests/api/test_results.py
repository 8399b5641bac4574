"""Every documented answer shape parses, including the variants api.md lists as uncertain."""

from __future__ import annotations

import json

import pytest

from desktop_app.api.errors import MalformedResponseError
from desktop_app.api.results import (
    Progress,
    parse_musicgpt_status,
    parse_musicgpt_submit,
    parse_suno_status,
    parse_suno_submit,
    parse_suno_upload,
    parse_timestamped_lyrics,
    parse_voices,
    suno_envelope,
)

REMIX_SUBMIT = {
    "success": True,
    "message": "Remix request submitted successfully",
    "task_id": "task-remix-001",
    "conversion_id_1": "remix-a1b2",
    "conversion_id_2": "remix-c3d4",
    "eta": 42,
    "credit_estimate": 47.5,
}
COVER_SUBMIT = {
    "success": True,
    "task_id": "3d137437-4911-4669-b639-9e5701107c25",
    "conversion_id": "b764b4f6-a842-42dd-a55b-818eb8251dc7",
    "eta": 71,
    "credit_estimate": 1.27,
    "message": "Message published to queue",
    "status": "IN_QUEUE",
}
TIMESTAMPED = json.dumps(
    [
        {"index": 0, "text": "[Verse 1]", "start": 8173, "end": 8173},
        {"index": 1, "text": "hello", "start": 9000, "end": 10500},
    ]
)
TWO_IN_ONE = {
    "success": True,
    "conversion": {
        "task_id": "t",
        "conversion_id_1": "id-1",
        "conversion_id_2": "id-2",
        "status": "COMPLETED",
        "message": "Both conversions received",
        "title_1": "Clash of Titans",
        "title_2": "Clash of Titans II",
        "conversion_path_1": "https://lalals.s3.amazonaws.com/conversions/x/id-1.mp3",
        "conversion_path_2": "https://lalals.s3.amazonaws.com/conversions/x/id-2.mp3",
        "conversion_path_wav_1": "https://lalals.s3.amazonaws.com/conversions/x/id-1.wav",
        "conversion_path_wav_2": "https://lalals.s3.amazonaws.com/conversions/x/id-2.wav",
        "conversion_duration_1": 209.84,
        "conversion_duration_2": 232.99,
        "lyrics_1": "[Instrumental]",
        "lyrics_2": "[Verse]",
        "lyrics_timestamped_1": TIMESTAMPED,
        "lyrics_timestamped_2": "",
        "album_cover_path": "https://musicgpt.s3.amazonaws.com/img-gen-pipeline/t.png",
    },
}


def test_two_output_submit() -> None:
    receipt = parse_musicgpt_submit(REMIX_SUBMIT)
    assert receipt.task_id == "task-remix-001"
    assert receipt.conversion_ids == ("remix-a1b2", "remix-c3d4")
    assert (receipt.eta_seconds, receipt.credit_estimate) == (42, 47.5)


def test_single_output_submit_with_its_duplicate_status_key() -> None:
    receipt = parse_musicgpt_submit(COVER_SUBMIT)
    assert receipt.conversion_ids == ("b764b4f6-a842-42dd-a55b-818eb8251dc7",)
    assert receipt.eta_seconds == 71


def test_single_song_generation_request_means_one_output() -> None:
    receipt = parse_musicgpt_submit({**REMIX_SUBMIT, "conversion_id_2": "single_song_generation_request"})
    assert receipt.conversion_ids == ("remix-a1b2",)


@pytest.mark.parametrize(
    "payload",
    [[], "ok", {"success": True}, {"task_id": "t"}, {"conversion_id_1": "a"}],
)
def test_unreadable_submits_are_errors_not_crashes(payload) -> None:
    with pytest.raises(MalformedResponseError):
        parse_musicgpt_submit(payload)


def test_a_submit_that_says_no_is_a_refusal_in_the_services_words() -> None:
    from desktop_app.api.errors import ServiceValidationError
    from desktop_app.api.retry import nothing_accepted

    with pytest.raises(ServiceValidationError, match="Prompt violates the content policy") as caught:
        parse_musicgpt_submit({"success": False, "message": "Prompt violates the content policy"})
    assert nothing_accepted(caught.value)  # answered: not held as "may have been charged"


def test_two_in_one_object_matches_each_id_to_its_suffix() -> None:
    status = parse_musicgpt_status(TWO_IN_ONE, ("id-2", "id-1"))  # order of our ids, not the service's
    assert status.progress is Progress.COMPLETED
    first, second = status.takes
    assert (first.conversion_id, first.index, first.title) == ("id-2", 2, "Clash of Titans II")
    assert first.best_url.endswith("id-2.wav")
    assert first.lyrics_timestamped is None  # empty string
    assert (second.index, second.duration, second.lyrics) == (1, 209.84, "[Instrumental]")
    assert second.lyrics_timestamped[1].text == "hello"
    assert second.lyrics_timestamped[1].start == pytest.approx(9.0)
    assert second.lyrics_timestamped[1].end == pytest.approx(10.5)
    assert second.image_url.endswith("t.png")


def test_wav_missing_falls_back_to_mp3() -> None:
    conv = {k: v for k, v in TWO_IN_ONE["conversion"].items() if "wav" not in k}
    status = parse_musicgpt_status({"success": True, "conversion": conv}, ("id-1", "id-2"))
    assert status.progress is Progress.COMPLETED
    assert [t.best_url.rsplit(".", 1)[1] for t in status.takes] == ["mp3", "mp3"]


def test_completed_with_one_variant_empty_keeps_polling() -> None:
    conv = {**TWO_IN_ONE["conversion"], "conversion_path_2": "", "conversion_path_wav_2": ""}
    status = parse_musicgpt_status({"success": True, "conversion": conv}, ("id-1", "id-2"))
    assert status.progress is Progress.PENDING
    assert status.takes[0].best_url and not status.takes[1].best_url


def test_bare_bucket_placeholder_is_not_a_url() -> None:
    conv = {**TWO_IN_ONE["conversion"], "conversion_path_wav_1": "https://lalals.s3.amazonaws.com",
            "conversion_path_1": "https://lalals.s3.amazonaws.com/"}  # fmt: skip
    status = parse_musicgpt_status({"success": True, "conversion": conv}, ("id-1", "id-2"))
    assert status.progress is Progress.PENDING


def test_generic_documented_single_shape() -> None:
    payload = {
        "success": True,
        "conversion": {
            "task_id": "12345678",
            "conversion_id": "87654321",
            "status": "COMPLETED",
            "status_msg": "Conversion successful",
            "audio_url": "https://x.example/a.mp3",
            "conversion_cost": 1.25,
            "title": "Generated Song",
            "lyrics": "[Verse 1]...",
        },
    }
    status = parse_musicgpt_status(payload, ("87654321",))
    assert status.progress is Progress.COMPLETED
    assert status.cost == 1.25
    assert status.takes[0].mp3_url == "https://x.example/a.mp3"
    assert status.takes[0].title == "Generated Song"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"audio_url": "https://s3/a.mp3"}, ("https://s3/a.mp3", None)),
        (
            {"conversion_path": "https://s3/a.mp3", "conversion_path_wav": "https://s3/a.wav"},
            ("https://s3/a.mp3", "https://s3/a.wav"),
        ),
        (
            {"audio_url": "https://s3/a.mp3", "audio_url_wav": "https://s3/a.wav"},
            ("https://s3/a.mp3", "https://s3/a.wav"),
        ),
        ({"conversion_path_wav": "https://s3/a.wav"}, (None, "https://s3/a.wav")),
    ],
)
def test_cover_answers_in_every_seen_variant(fields, expected) -> None:
    payload = {
        "success": True,
        "conversion": {"conversion_id": "c", "status": "COMPLETED", "conversion_cost": "0.88", **fields},
    }
    status = parse_musicgpt_status(payload, ("c",))
    assert status.progress is Progress.COMPLETED
    assert (status.takes[0].mp3_url, status.takes[0].wav_url) == expected
    assert status.cost == 0.88  # a string in the webhook example


def test_generic_shape_about_another_id_gives_no_url_for_ours() -> None:
    payload = {
        "success": True,
        "conversion": {"conversion_id": "other", "status": "COMPLETED", "audio_url": "https://s/a.mp3"},
    }
    status = parse_musicgpt_status(payload, ("mine-1", "mine-2"))
    assert status.progress is Progress.PENDING


@pytest.mark.parametrize(
    "word", ["IN_QUEUE", "PENDING", "PROCESSING", "IN_PROGRESS", "PARTIAL_COMPLETED", "in_queue", "SOMETHING_NEW"]
)
def test_every_other_status_means_keep_polling(word: str) -> None:
    payload = {"success": True, "conversion": {"conversion_id_1": "a", "conversion_id_2": "b", "status": word}}
    assert parse_musicgpt_status(payload, ("a", "b")).progress is Progress.PENDING


@pytest.mark.parametrize(("word", "key"), [("ERROR", "status_msg"), ("FAILED", "message"), ("failed", "status_msg")])
def test_error_and_failed_are_terminal_with_their_reason(word: str, key: str) -> None:
    payload = {"success": True, "conversion": {"status": word, key: "Audio too short"}}
    status = parse_musicgpt_status(payload, ("a",))
    assert status.progress is Progress.FAILED
    assert status.message == "Audio too short"


@pytest.mark.parametrize("payload", [{}, {"success": True}, {"conversion": []}, {"conversion": {"status": None}}, None])
def test_malformed_status_answers(payload) -> None:
    with pytest.raises(MalformedResponseError):
        parse_musicgpt_status(payload, ("a",))


def test_timestamped_lyrics_accepts_a_list_and_skips_bad_lines() -> None:
    lines = parse_timestamped_lyrics(
        [{"text": "a", "start": "100", "end": 200}, {"text": 5, "start": 1}, "junk", {"text": "b", "start": 300}]
    )
    assert [(ln.index, ln.text, ln.start, ln.end) for ln in lines] == [(0, "a", 0.1, 0.2), (3, "b", 0.3, 0.3)]
    assert parse_timestamped_lyrics("not json") is None
    assert parse_timestamped_lyrics(None) is None


def test_voices() -> None:
    items = [{"voice_id": "Drake", "voice_name": "Drake"}, {"voice_name": "no id"}]
    voices, total = parse_voices({"success": True, "voices": items, "limit": 20, "page": 0, "total": 1})
    assert voices == [{"voice_id": "Drake", "voice_name": "Drake", "tts_only": False}]
    assert total == 1
    with pytest.raises(MalformedResponseError):
        parse_voices({"success": True})


RECORD_INFO = {
    "taskId": "5c79",
    "parentMusicId": "",
    "param": '{"prompt":"..."}',
    "response": {
        "taskId": "5c79",
        "sunoData": [
            {"id": "8551", "audioUrl": "https://example.cn/a.mp3", "streamAudioUrl": "https://example.cn/s",
             "imageUrl": "https://example.cn/i.jpeg", "prompt": "[Verse] ...", "title": "T", "tags": "rock",
             "duration": 198.44},
            {"id": "8552", "source_audio_url": "https://example.cn/b.mp3", "title": "T"},
        ],
    },
    "status": "SUCCESS",
    "type": "GENERATE",
    "errorCode": None,
    "errorMessage": None,
}  # fmt: skip


def test_suno_record_info_success_with_camel_and_snake_case() -> None:
    status = parse_suno_status(RECORD_INFO)
    assert status.progress is Progress.COMPLETED
    assert [t.mp3_url for t in status.takes] == ["https://example.cn/a.mp3", "https://example.cn/b.mp3"]
    assert status.takes[0].duration == 198.44
    assert status.takes[0].lyrics == "[Verse] ..."


@pytest.mark.parametrize("word", ["PENDING", "TEXT_SUCCESS", "FIRST_SUCCESS"])
def test_suno_pending_states(word: str) -> None:
    assert parse_suno_status({**RECORD_INFO, "status": word}).progress is Progress.PENDING


@pytest.mark.parametrize(
    "word", ["CREATE_TASK_FAILED", "GENERATE_AUDIO_FAILED", "SENSITIVE_WORD_ERROR", "CALLBACK_EXCEPTION"]
)
def test_suno_failed_states(word: str) -> None:
    no_audio = {"taskId": "t", "sunoData": [{"id": "x", "audioUrl": ""}]}
    status = parse_suno_status({**RECORD_INFO, "status": word, "errorMessage": "copyrighted lyrics",
                                "response": no_audio})  # fmt: skip
    assert status.progress is Progress.FAILED and status.message == "copyrighted lyrics"


def test_callback_exception_with_audio_delivers_it() -> None:
    status = parse_suno_status({**RECORD_INFO, "status": "CALLBACK_EXCEPTION", "errorMessage": "callback failed"})
    assert status.progress is Progress.COMPLETED and all(t.mp3_url for t in status.takes)


def test_suno_success_without_audio_is_polled_again() -> None:
    status = parse_suno_status({**RECORD_INFO, "response": {"sunoData": [{"id": "x", "streamAudioUrl": "https://s"}]}})
    assert status.progress is Progress.PENDING and status.extra["audio_missing"]


def test_suno_envelope_and_small_answers() -> None:
    assert suno_envelope({"code": "200", "msg": "success", "data": {"taskId": "t"}}) == (
        200,
        "success",
        {"taskId": "t"},
    )
    with pytest.raises(MalformedResponseError):
        suno_envelope({"msg": "no code"})
    assert parse_suno_submit({"taskId": "5c79"}).task_id == "5c79"
    with pytest.raises(MalformedResponseError):
        parse_suno_submit(None)
    assert parse_suno_upload({"downloadUrl": "https://tempfile.redpandaai.co/x/a.mp3"}).endswith("a.mp3")
    assert parse_suno_upload({"fileUrl": "https://tempfile.redpandaai.co/x/b.mp3"}).endswith("b.mp3")
    with pytest.raises(MalformedResponseError):
        parse_suno_upload({"downloadUrl": "javascript:alert(1)"})
