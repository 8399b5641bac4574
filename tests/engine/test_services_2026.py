"""What the services offer in 2026, served by the local engine: extend, history, credits, overwriting
uploads, the add-vocals model enum and the output count."""

from __future__ import annotations

import httpx
import numpy as np
import pytest

from desktop_app.audio import load
from tests.engine.doc_client import ADD_VOCALS_EXAMPLE, INPAINT_EXAMPLE, MusicGPT, SunoApi


@pytest.fixture
def client(engine) -> MusicGPT:
    return MusicGPT(engine.musicgpt_base, engine.api_key)


@pytest.fixture
def suno(engine) -> SunoApi:
    return SunoApi(engine.sunoapi_base, engine.sunoapi_upload_base, engine.api_key)


def test_extend_keeps_the_song_before_the_point_and_goes_on(client, short_song, tmp_path):
    body = client.submit("extend", {"extend_after": "20.25", "prompt": "a last chorus", "num_outputs": "2",
                                    "lyrics_section_to_extend": "one more time"}, short_song).json()  # fmt: skip
    assert body["message"] == "Extend request submitted successfully"
    conversion = client.wait("EXTEND", body["task_id"])
    assert conversion["status"] == "COMPLETED" and conversion["extend_after"] == "20.25"
    source = load(short_song)
    after = round(20.25 * source.sample_rate)
    for n in (1, 2):
        path = tmp_path / f"take{n}.wav"
        path.write_bytes(client.download(conversion[f"conversion_path_wav_{n}"]))
        take = load(path).samples
        assert np.array_equal(take[:after], source.samples[:after]) and take.shape[0] > after
        assert conversion[f"lyrics_{n}"] == "one more time"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"prompt": "x"}, "extend_after"),
        ({"extend_after": "abc"}, "extend_after"),
        ({"extend_after": "99"}, "extend_after"),
        ({"extend_after": "3", "lyrics_section_to_extend": "a" * 3001}, "lyrics_section_to_extend"),
        ({"extend_after": "3", "num_outputs": "3"}, "num_outputs"),
    ],
)
def test_extend_refuses_what_the_docs_forbid(client, short_song, fields, field):
    answer = client.submit("extend", fields, short_song)
    assert answer.status_code == 422 and field in answer.text


def test_history_lists_the_accounts_conversions_with_a_cursor(client, short_song):
    bodies = [client.submit("inpaint", {**INPAINT_EXAMPLE, "prompt": f"history {n}"}, short_song).json()
              for n in range(2)]  # fmt: skip
    seen, cursor = [], None
    while True:
        params = {"conversionType": "INPAINT", "limit": "1", **({"LastEvaluatedKey": cursor} if cursor else {})}
        page = client.http.get(f"{client.base}/byUser", params=params).json()
        assert page["success"] is True and len(page["conversions"]) <= 1
        seen += page["conversions"]
        cursor = page["LastEvaluatedKey"]
        if not cursor:
            break
    tasks = [item["task_id"] for item in seen]
    assert {b["task_id"] for b in bodies} <= set(tasks)
    assert tasks.index(bodies[1]["task_id"]) < tasks.index(bodies[0]["task_id"])  # newest first
    item = next(i for i in seen if i["task_id"] == bodies[0]["task_id"])
    assert item["conversionType"] == "INPAINT" and item["prompt"] == "history 0" and item["createdAt"].endswith("Z")
    assert client.http.get(f"{client.base}/byUser", params={"conversionType": "NOPE"}).status_code == 422


def test_credit_is_an_integer_balance(suno):
    reply = suno.http.get(f"{suno.base}/api/v1/generate/credit").json()
    assert reply["code"] == 200 and isinstance(reply["data"], int)


def test_an_upload_of_the_same_name_replaces_the_first(suno, short_song, tmp_path):
    other = tmp_path / short_song.name
    other.write_bytes(short_song.read_bytes()[:-4000])
    first, second = suno.upload(short_song, "same"), suno.upload(other, "same")
    assert first["data"]["downloadUrl"] == second["data"]["downloadUrl"]
    assert suno.http.get(first["data"]["downloadUrl"]).content == other.read_bytes()


def test_add_vocals_takes_only_the_openapi_models(suno, short_song):
    url = suno.upload(short_song)["data"]["downloadUrl"]
    refused = suno.add_vocals({**ADD_VOCALS_EXAMPLE, "uploadUrl": url, "model": "V5_5"})
    assert refused["code"] == 400 and "V4_5PLUS, V5" in refused["msg"]
    assert suno.add_vocals({**ADD_VOCALS_EXAMPLE, "uploadUrl": url, "model": "V5"})["code"] == 200


def test_an_expired_upload_cannot_be_fetched(engine, suno, short_song):
    engine.set_faults("upload:expired")
    url = suno.upload(short_song, "gone")["data"]["downloadUrl"]
    assert suno.add_vocals({**ADD_VOCALS_EXAMPLE, "uploadUrl": url})["code"] == 451


def test_an_expired_wav_link_answers_403_and_the_mp3_still_comes(engine, client, short_song):
    body = client.submit("inpaint", INPAINT_EXAMPLE, short_song).json()
    conversion = client.wait("INPAINT", body["task_id"])
    engine.set_faults("files:expired=wavx*")
    assert httpx.get(conversion["conversion_path_wav_1"]).status_code == 403
    assert httpx.get(conversion["conversion_path_1"]).status_code == 200
