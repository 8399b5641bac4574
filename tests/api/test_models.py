"""Request models refuse what the services would refuse, and encode exactly the documented fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.api.errors import InvalidRequestError
from desktop_app.api.models import (
    NO_CALLBACK_URL,
    AddVocalsRequest,
    CoverRequest,
    InpaintRequest,
    RemixRequest,
    SingOverRequest,
    format_number,
    request_from_params,
)
from desktop_app.api.operations import Operation

URL = "https://mybucket.s3.amazonaws.com/song.mp3"


@pytest.fixture
def song(tmp_path: Path) -> Path:
    path = tmp_path / "song.wav"
    path.write_bytes(b"RIFF....WAVE")
    return path


def fields_of(request, duration=None) -> set[str]:
    return {p.field for p in request.problems(duration)}


def test_operation_table_matches_the_docs() -> None:
    assert [(o.path, o.conversion_type) for o in Operation] == [
        ("/inpaint", "INPAINT"),
        ("/Remix", "REMIX"),
        ("/sing_over_instrumental", "SING_OVER_INSTRUMENTAL"),
        ("/Cover", "COVER"),
        ("/api/v1/generate/add-vocals", None),
        ("/extend", "EXTEND"),
    ]
    assert Operation.ADD_VOCALS.service == "sunoapi"
    assert {o.service for o in Operation if o is not Operation.ADD_VOCALS} == {"musicgpt"}


def test_inpaint_form_fields_are_the_documented_names(song: Path) -> None:
    request = InpaintRequest(
        audio_file=song,
        prompt=" Add a soft guitar solo here ",
        replace_start_at=12.5,
        replace_end_at=20.0,
        lyrics="This is where my story begins",
        lyrics_section_to_replace="my story",
        gender="male",
        webhook_url="https://example.com/webhook",
    )
    request.check(duration=30.0)
    assert request.form_fields() == {
        "prompt": "Add a soft guitar solo here",
        "replace_start_at": "12.5",
        "replace_end_at": "20",
        "lyrics": "This is where my story begins",
        "lyrics_section_to_replace": "my story",
        "gender": "male",
        "webhook_url": "https://example.com/webhook",
        "num_outputs": "2",
    }


def test_inpaint_and_extend_ask_for_one_or_two_takes(song: Path) -> None:
    one = InpaintRequest(audio_file=song, prompt="x", replace_start_at=1, replace_end_at=2, num_outputs=1)
    assert one.form_fields()["num_outputs"] == "1" and not one.problems(duration=30.0)
    assert "num_outputs" in fields_of(InpaintRequest(audio_file=song, prompt="x", replace_start_at=1,
                                                     replace_end_at=2, num_outputs=3))  # fmt: skip


def test_extend_fields_and_rules(song: Path) -> None:
    from desktop_app.api.models import ExtendRequest

    request = ExtendRequest(audio_file=song, prompt=" a big outro ", extend_after=12.5, lyrics_section_to_extend="la",
                            gender="female")  # fmt: skip
    assert request.form_fields() == {"prompt": "a big outro", "extend_after": "12.5", "lyrics_section_to_extend": "la",
                                     "gender": "female", "num_outputs": "2"}  # fmt: skip
    assert not request.problems(duration=30.0)
    assert "extend_after" in fields_of(ExtendRequest(audio_file=song, prompt="x", extend_after=31.0), 30.0)
    assert "extend_after" in fields_of(ExtendRequest(audio_file=song, prompt="x", extend_after=0.0))
    long_section = ExtendRequest(audio_file=song, prompt="x", extend_after=1.0, lyrics_section_to_extend="a" * 3001)
    assert "lyrics_section_to_extend" in fields_of(long_section)
    assert not fields_of(
        ExtendRequest(audio_file=song, prompt="x", extend_after=1.0, lyrics_section_to_extend="a" * 3000)
    )


def test_remix_and_sing_over_send_an_optional_title() -> None:
    assert RemixRequest(audio_url=URL, prompt="lofi", title=" Night ").form_fields()["title"] == "Night"
    assert SingOverRequest(audio_url=URL, prompt="soul", lyrics="la", title="Day").form_fields()["title"] == "Day"


def test_add_vocals_models_are_the_openapi_enum() -> None:
    from desktop_app.api.models import ADD_VOCALS_MODELS, DEFAULT_ADD_VOCALS_MODEL, AddVocalsRequest

    assert ADD_VOCALS_MODELS == ("V4_5PLUS", "V5") and DEFAULT_ADD_VOCALS_MODEL == "V4_5PLUS"
    base = dict(audio_url=URL, prompt="p", title="t", style="s", negative_tags="n")
    assert "model" in fields_of(AddVocalsRequest(**base, model="V5_5"))
    body = AddVocalsRequest(**base).json_body("https://u/a.wav")
    assert body["callBackUrl"].startswith("https://") and ".invalid/" in body["callBackUrl"]


def test_optional_fields_are_left_out_not_sent_empty() -> None:
    assert RemixRequest(audio_url=URL, prompt="lofi").form_fields() == {"audio_url": URL, "prompt": "lofi"}
    assert CoverRequest(audio_url=URL, voice_id="Drake").form_fields() == {
        "audio_url": URL,
        "voice_id": "Drake",
        "pitch": "0",
    }
    assert SingOverRequest(audio_url=URL, prompt="soul", lyrics="la").form_fields() == {
        "audio_url": URL,
        "prompt": "soul",
        "lyrics": "la",
    }


@pytest.mark.parametrize(("value", "text"), [(12.5, "12.5"), (20.0, "20"), (0, "0"), (1.23456, "1.235"), (-0.0, "0")])
def test_seconds_are_formatted_like_the_docs(value: float, text: str) -> None:
    assert format_number(value) == text


def test_either_a_file_or_a_url_not_both_not_neither(song: Path) -> None:
    assert "audio" in fields_of(RemixRequest(prompt="x"))
    assert "audio" in fields_of(RemixRequest(audio_file=song, audio_url=URL, prompt="x"))
    assert fields_of(RemixRequest(audio_file=song, prompt="x")) == set()
    assert fields_of(RemixRequest(audio_url=URL, prompt="x")) == set()


def test_missing_file_and_bad_urls_are_named(tmp_path: Path) -> None:
    assert "audio_file" in fields_of(RemixRequest(audio_file=tmp_path / "gone.wav", prompt="x"))
    assert "audio_url" in fields_of(RemixRequest(audio_url="ftp://host/a.mp3", prompt="x"))
    assert "webhook_url" in fields_of(RemixRequest(audio_url=URL, prompt="x", webhook_url="not a url"))


@pytest.mark.parametrize("prompt", ["", "   \n"])
def test_prompt_is_required(prompt: str) -> None:
    for request in (
        RemixRequest(audio_url=URL, prompt=prompt),
        SingOverRequest(audio_url=URL, prompt=prompt, lyrics="la"),
        InpaintRequest(audio_url=URL, prompt=prompt, replace_start_at=1, replace_end_at=2),
        AddVocalsRequest(audio_url=URL, prompt=prompt, title="t", style="s", negative_tags="n"),
    ):
        assert "prompt" in fields_of(request)


def test_lyrics_limit_is_2000_characters() -> None:
    assert fields_of(RemixRequest(audio_url=URL, prompt="x", lyrics="a" * 2000)) == set()
    request = RemixRequest(audio_url=URL, prompt="x", lyrics="a" * 2001)
    with pytest.raises(InvalidRequestError, match="2001 characters"):
        request.check()
    assert "lyrics_section_to_replace" in fields_of(
        InpaintRequest(
            audio_url=URL, prompt="x", replace_start_at=0, replace_end_at=1, lyrics_section_to_replace="b" * 2001
        )
    )


def test_sing_over_needs_lyrics() -> None:
    assert "lyrics" in fields_of(SingOverRequest(audio_url=URL, prompt="soul", lyrics=""))


@pytest.mark.parametrize("gender", ["Male", "m", "other", ""])
def test_gender_is_male_female_or_neutral(gender: str) -> None:
    assert "gender" in fields_of(RemixRequest(audio_url=URL, prompt="x", gender=gender))


@pytest.mark.parametrize(
    ("start", "end", "duration", "field"),
    [
        (5.0, 5.0, 30.0, "region"),
        (6.0, 5.0, 30.0, "region"),
        (-1.0, 5.0, 30.0, "replace_start_at"),
        (10.0, 31.0, 30.0, "replace_end_at"),
        (float("nan"), 5.0, 30.0, "region"),
        (0.0, float("inf"), None, "region"),
    ],
)
def test_region_must_lie_inside_the_track(start, end, duration, field) -> None:
    request = InpaintRequest(audio_url=URL, prompt="x", replace_start_at=start, replace_end_at=end)
    assert field in fields_of(request, duration)


def test_region_to_the_very_end_is_fine() -> None:
    request = InpaintRequest(audio_url=URL, prompt="x", replace_start_at=0.0, replace_end_at=30.0)
    assert fields_of(request, 30.0) == set()


@pytest.mark.parametrize("pitch", [-13, 13, 1.5, True, "3"])
def test_cover_pitch_is_an_integer_in_range(pitch) -> None:
    assert "pitch" in fields_of(CoverRequest(audio_url=URL, voice_id="Drake", pitch=pitch))


@pytest.mark.parametrize("pitch", [-12, 0, 12])
def test_cover_pitch_limits_are_inclusive(pitch: int) -> None:
    assert fields_of(CoverRequest(audio_url=URL, voice_id="Drake", pitch=pitch)) == set()


def test_cover_needs_a_voice() -> None:
    assert "voice_id" in fields_of(CoverRequest(audio_url=URL, voice_id=" "))


def add_vocals(**kw) -> AddVocalsRequest:
    base = {"audio_url": URL, "prompt": "soothing", "title": "Relaxing", "style": "Jazz", "negative_tags": "Metal"}
    return AddVocalsRequest(**{**base, **kw})


def test_add_vocals_json_body_is_exact() -> None:
    request = add_vocals(vocal_gender="m", style_weight=0.61, weirdness_constraint=0.72, audio_weight=0.65,
                         model="V4_5PLUS")  # fmt: skip
    request.check()
    assert request.json_body("https://example.com/instrumental.mp3") == {
        "uploadUrl": "https://example.com/instrumental.mp3",
        "prompt": "soothing",
        "title": "Relaxing",
        "style": "Jazz",
        "negativeTags": "Metal",
        "callBackUrl": NO_CALLBACK_URL,
        "vocalGender": "m",
        "styleWeight": 0.61,
        "weirdnessConstraint": 0.72,
        "audioWeight": 0.65,
        "model": "V4_5PLUS",
    }


def test_add_vocals_passes_the_webhook_as_callback() -> None:
    body = add_vocals(webhook_url="https://api.example.com/callback").json_body("https://x/y.mp3")
    assert body["callBackUrl"] == "https://api.example.com/callback"
    assert "vocalGender" not in body and "styleWeight" not in body


@pytest.mark.parametrize("name", ["style_weight", "weirdness_constraint", "audio_weight"])
@pytest.mark.parametrize("value", [-0.01, 1.01, 0.615, float("nan"), True])
def test_weights_are_0_to_1_in_steps_of_a_hundredth(name: str, value) -> None:
    assert name in fields_of(add_vocals(**{name: value}))


@pytest.mark.parametrize("value", [0, 0.0, 0.07, 0.29, 0.57, 1, 1.0])
def test_valid_weights_pass(value) -> None:
    assert fields_of(add_vocals(style_weight=value, weirdness_constraint=value, audio_weight=value)) == set()


def test_add_vocals_text_rules() -> None:
    assert "title" in fields_of(add_vocals(title="t" * 81))
    assert fields_of(add_vocals(title="t" * 80)) == set()
    assert "style" in fields_of(add_vocals(style="s" * 1001))
    assert "negative_tags" in fields_of(add_vocals(negative_tags="n" * 201))
    for name in ("title", "style", "negative_tags"):
        assert name in fields_of(add_vocals(**{name: ""}))
    assert "vocal_gender" in fields_of(add_vocals(vocal_gender="male"))
    assert "vocal_gender" in fields_of(add_vocals(vocal_gender="d"))
    assert "model" in fields_of(add_vocals(model="V3"))


def test_every_problem_is_reported_at_once() -> None:
    request = InpaintRequest(prompt="", replace_start_at=5, replace_end_at=1, lyrics="x" * 3000, gender="robot")
    with pytest.raises(InvalidRequestError) as info:
        request.check()
    assert {p.field for p in info.value.problems} == {"audio", "prompt", "region", "lyrics", "gender"}
    assert "Lyrics are 3000 characters" in str(info.value)


@pytest.mark.parametrize(
    "request_",
    [
        InpaintRequest(audio_url=URL, prompt="p", replace_start_at=1.5, replace_end_at=3, gender="female"),
        RemixRequest(audio_file=Path("/music/a.wav"), prompt="p", lyrics="l"),
        SingOverRequest(audio_url=URL, prompt="p", lyrics="l"),
        CoverRequest(audio_url=URL, voice_id="v", pitch=-3),
        add_vocals(style_weight=0.5, vocal_gender="f"),
    ],
)
def test_requests_round_trip_through_params(request_) -> None:
    import json

    params = json.loads(json.dumps(request_.to_params()))
    assert request_from_params(request_.operation.value, params) == request_
