"""Every documented error, produced by its cause, the way a user's client meets it."""

from __future__ import annotations

import httpx
import pytest

from tests.engine.doc_client import ADD_VOCALS_EXAMPLE, INPAINT_EXAMPLE, REMIX_EXAMPLE, MusicGPT, SunoApi


@pytest.fixture
def client(engine) -> MusicGPT:
    return MusicGPT(engine.musicgpt_base, engine.api_key)


@pytest.fixture
def suno(engine) -> SunoApi:
    return SunoApi(engine.sunoapi_base, engine.sunoapi_upload_base, engine.api_key)


def _fields(response: httpx.Response) -> set[str]:
    return {issue["loc"][-1] for issue in response.json()["detail"]}


@pytest.mark.parametrize("header", [None, "wrong-key", "Bearer {key}"])
def test_musicgpt_refuses_a_missing_or_wrong_key(engine, short_song, header):
    headers = {"Authorization": header.format(key=engine.api_key)} if header else {}
    with short_song.open("rb") as f:
        response = httpx.post(f"{engine.musicgpt_base}/Remix", headers=headers, data=REMIX_EXAMPLE,
                              files={"audio_file": f})  # fmt: skip
    assert response.status_code == 401 and response.json()["success"] is False
    assert httpx.get(f"{engine.musicgpt_base}/getAllVoices", headers=headers).status_code == 401


@pytest.mark.parametrize(
    ("path", "data", "missing"),
    [
        ("inpaint", {"replace_start_at": 1, "replace_end_at": 2}, {"prompt"}),
        ("inpaint", {"prompt": "x"}, {"replace_start_at", "replace_end_at"}),
        ("Remix", {"lyrics": "la"}, {"prompt"}),
        ("sing_over_instrumental", {"prompt": "soul"}, {"lyrics"}),
        ("Cover", {"pitch": 0}, {"voice_id"}),
    ],
)
def test_missing_required_fields_are_422(client, short_song, path, data, missing):
    response = client.submit(path, data, short_song)
    assert response.status_code == 422
    assert missing <= _fields(response)


@pytest.mark.parametrize("path", ["inpaint", "Remix", "sing_over_instrumental", "Cover"])
def test_no_audio_file_or_url_is_422(client, path):
    data = {"prompt": "x", "lyrics": "la", "replace_start_at": 1, "replace_end_at": 2, "voice_id": "local-choir",
            "audio_url": ""}  # fmt: skip
    response = client.submit(path, data)
    assert response.status_code == 422 and "audio_file" in _fields(response)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lyrics": "x" * 2001}, "lyrics"),
        ({"gender": "robot"}, "gender"),
        ({"replace_start_at": "soon"}, "replace_start_at"),
        ({"replace_end_at": 40.0}, "replace_end_at"),  # the song is 32 s long
        ({"replace_start_at": 20.0, "replace_end_at": 12.5}, "replace_end_at"),
        ({"replace_start_at": -1}, "replace_start_at"),
    ],
)
def test_inpaint_limits_are_422(client, short_song, change, field):
    response = client.submit("inpaint", {**INPAINT_EXAMPLE, **change}, short_song)
    assert response.status_code == 422 and field in _fields(response)


def test_lyrics_of_exactly_2000_characters_are_accepted(client, short_song):
    assert client.submit("Remix", {**REMIX_EXAMPLE, "lyrics": "x" * 2000}, short_song).status_code == 200


@pytest.mark.parametrize(("change", "field"), [({"voice_id": "Drake"}, "voice_id"), ({"pitch": 13}, "pitch"),
                                               ({"pitch": "1.5"}, "pitch")])  # fmt: skip
def test_cover_voice_and_pitch_are_checked(client, short_song, change, field):
    response = client.submit("Cover", {"voice_id": "local-choir", **change}, short_song)
    assert response.status_code == 422 and field in _fields(response)


def test_an_audio_url_off_this_machine_is_400(client):
    response = client.submit("Remix", {**REMIX_EXAMPLE, "audio_url": "https://mybucket.s3.amazonaws.com/song.mp3"})
    assert response.status_code == 400 and "could not be downloaded" in response.json()["message"]


def test_an_audio_url_that_is_missing_is_400(client, engine):
    response = client.submit("Remix", {**REMIX_EXAMPLE, "audio_url": f"{engine.base_url}/files/uploads/none/x.mp3"})
    assert response.status_code == 400


def test_a_file_that_is_not_audio_is_422(client, tmp_path):
    notes = tmp_path / "notes.mp3"
    notes.write_text("Verse 1: remember to fix the chorus\n" * 20)
    response = client.submit("Remix", REMIX_EXAMPLE, notes)
    assert response.status_code == 422 and "could not be read" in response.json()["message"]


def test_by_id_errors(client):
    assert client.http.get(f"{client.base}/byId", params={"task_id": "x"}).status_code == 422
    assert client.by_id("NOT_A_TYPE", task_id="x").status_code == 422
    assert client.by_id("REMIX").status_code == 422
    assert client.by_id("REMIX", task_id="no-such-task").status_code == 404


def test_by_id_with_the_wrong_conversion_type_is_404(client, short_song):
    body = client.submit("Remix", REMIX_EXAMPLE, short_song).json()
    assert client.by_id("INPAINT", task_id=body["task_id"]).status_code == 404


def test_voice_paging_is_validated(client):
    assert client.http.get(f"{client.base}/getAllVoices", params={"limit": 0}).status_code == 422
    assert client.http.get(f"{client.base}/getAllVoices", params={"limit": 101}).status_code == 422
    assert client.http.get(f"{client.base}/searchVoices").status_code == 422


def test_unknown_paths_answer_in_each_api_style(engine):
    musicgpt = httpx.get(f"{engine.musicgpt_base}/NoSuchThing", headers={"Authorization": engine.api_key})
    assert musicgpt.status_code == 404 and musicgpt.json()["success"] is False
    suno = httpx.get(f"{engine.sunoapi_base}/api/v1/nothing", headers={"Authorization": f"Bearer {engine.api_key}"})
    assert suno.json()["code"] == 404


# -- sunoapi.org -----------------------------------------------------------------------------------


def test_sunoapi_refuses_a_raw_key_and_a_wrong_key(engine):
    for header in (engine.api_key, "Bearer nope"):
        reply = httpx.get(f"{engine.sunoapi_base}/api/v1/generate/credit", headers={"Authorization": header})
        assert reply.json()["code"] == 401


def test_sunoapi_credit_is_an_integer(suno):
    reply = suno.http.get(f"{suno.base}/api/v1/generate/credit").json()
    assert reply["code"] == 200 and isinstance(reply["data"], int)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"title": ""}, 400),
        ({"callBackUrl": None}, 400),
        ({"title": "t" * 81}, 413),
        ({"vocalGender": "x"}, 400),
        ({"styleWeight": 1.5}, 400),
        ({"audioWeight": 0.655}, 400),
        ({"model": "V1"}, 400),
        ({}, 451),  # the example's uploadUrl is on example.com: not reachable offline
    ],
)
def test_add_vocals_body_codes(suno, change, code):
    body = {k: v for k, v in {**ADD_VOCALS_EXAMPLE, **change}.items() if v is not None}
    reply = suno.add_vocals(body)
    assert reply["code"] == code and reply["data"] is None and reply["msg"]


def test_add_vocals_needs_a_json_body(suno):
    reply = suno.http.post(f"{suno.base}/api/v1/generate/add-vocals", content=b"prompt=x")
    assert reply.json()["code"] == 400


def test_upload_needs_a_file_and_an_upload_path(suno, short_song):
    reply = suno.http.post(f"{suno.upload_base}/api/file-stream-upload", data={"uploadPath": "x"})
    assert reply.json()["code"] == 400
    with short_song.open("rb") as f:
        reply = suno.http.post(f"{suno.upload_base}/api/file-stream-upload", files={"file": f})
    assert reply.json()["code"] == 400


def test_record_info_for_an_unknown_task(suno):
    assert suno.record_info("0000")["code"] == 400
    assert suno.http.get(f"{suno.base}/api/v1/generate/record-info").json()["code"] == 400
