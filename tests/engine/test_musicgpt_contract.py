"""A client built only from MusicGPT's documentation pages drives every operation against the local engine."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
import soundfile as sf

from desktop_app.audio import load
from tests.engine.doc_client import COVER_EXAMPLE, INPAINT_EXAMPLE, REMIX_EXAMPLE, SING_OVER_EXAMPLE, MusicGPT


@pytest.fixture
def client(engine) -> MusicGPT:
    return MusicGPT(engine.musicgpt_base, engine.api_key)


def _decode(data: bytes, suffix: str, tmp_path) -> np.ndarray:
    path = tmp_path / f"take{suffix}"
    path.write_bytes(data)
    return load(path).samples


def _check_two_takes(client, conversion, source, tmp_path, same_length=True) -> list[np.ndarray]:
    reference = load(source)
    assert conversion["status"] == "COMPLETED"
    assert conversion["engine"] == "local" and "local engine" in conversion["status_msg"].lower()
    assert conversion["conversion_cost"] == 0
    takes = []
    for n in (1, 2):
        wav = client.download(conversion[f"conversion_path_wav_{n}"])
        with sf.SoundFile(io.BytesIO(wav)) as handle:
            assert handle.samplerate == reference.sample_rate and handle.channels == reference.channels
        samples = _decode(wav, ".wav", tmp_path)
        mp3 = _decode(client.download(conversion[f"conversion_path_{n}"]), ".mp3", tmp_path)
        assert abs(mp3.shape[0] - samples.shape[0]) < 0.1 * reference.sample_rate  # the same audio, as MP3
        assert conversion[f"conversion_duration_{n}"] == pytest.approx(
            samples.shape[0] / reference.sample_rate, abs=1e-3
        )
        if same_length:
            assert samples.shape == reference.samples.shape
        assert np.isfinite(samples).all() and np.abs(samples).max() > 0.05
        assert "local engine" in conversion[f"title_{n}"].lower()
        assert isinstance(json.loads(conversion[f"lyrics_timestamped_{n}"]), list)
        takes.append(samples)
    assert not np.array_equal(takes[0], takes[1]), "the two takes must differ"
    return takes


def test_inpaint_with_the_documented_example_makes_one_take_by_default(client, short_song, tmp_path):
    submitted = client.submit("inpaint", INPAINT_EXAMPLE, short_song)
    assert submitted.status_code == 200
    body = submitted.json()
    assert body["success"] is True and body["message"] == "Inpaint request submitted successfully"
    assert {"task_id", "conversion_id_1", "conversion_id_2", "eta", "credit_estimate"} <= set(body)
    assert isinstance(body["eta"], int) and body["eta"] >= 1 and body["credit_estimate"] == 0
    # num_outputs defaults to 1 (the service's changelog): the second id is the documented placeholder.
    assert body["conversion_id_2"] == "single_song_generation_request"
    conversion = client.wait("INPAINT", body["task_id"])
    assert conversion["conversion_id_1"] == body["conversion_id_1"] and "conversion_id_2" not in conversion
    assert conversion["conversion_path_wav_1"].startswith("http")


def test_inpaint_with_two_outputs(client, short_song, tmp_path):
    submitted = client.submit("inpaint", {**INPAINT_EXAMPLE, "num_outputs": 2}, short_song)
    body = submitted.json()
    assert body["conversion_id_2"] != "single_song_generation_request"
    conversion = client.wait("INPAINT", body["task_id"])
    assert conversion["conversion_id_1"] == body["conversion_id_1"]
    assert conversion["prompt"] == INPAINT_EXAMPLE["prompt"] and conversion["gender"] == "male"
    assert conversion["lyrics"] == INPAINT_EXAMPLE["lyrics"]
    _check_two_takes(client, conversion, short_song, tmp_path)
    sources = [take["source_start"] for take in conversion["local_engine"]["takes"]]
    assert sources[0] != sources[1], "the two takes borrow from distinct places"


def test_by_id_answers_the_same_object_for_either_conversion_id(client, short_song):
    body = client.submit("Remix", REMIX_EXAMPLE, short_song).json()
    by_task = client.wait("REMIX", body["task_id"])
    for key in ("conversion_id_1", "conversion_id_2"):
        by_conversion = client.by_id("REMIX", conversion_id=body[key]).json()["conversion"]
        assert by_conversion["task_id"] == body["task_id"]
        assert by_conversion["conversion_path_1"] == by_task["conversion_path_1"]
        assert by_conversion["conversion_path_2"] == by_task["conversion_path_2"]


def test_remix_with_the_documented_example(client, short_song, tmp_path):
    body = client.submit("Remix", REMIX_EXAMPLE, short_song).json()
    assert body["message"] == "Remix request submitted successfully"
    conversion = client.wait("REMIX", body["task_id"])
    _check_two_takes(client, conversion, short_song, tmp_path)
    assert conversion["local_engine"]["takes"][0]["styles"] == ["lo-fi"]


def test_sing_over_instrumental_with_the_documented_example(client, short_song, tmp_path):
    body = client.submit("sing_over_instrumental", SING_OVER_EXAMPLE, short_song).json()
    assert body["message"] == "Sing Over Instrumental request submitted successfully"
    conversion = client.wait("SING_OVER_INSTRUMENTAL", body["task_id"])
    _check_two_takes(client, conversion, short_song, tmp_path)
    lines = json.loads(conversion["lyrics_timestamped_1"])
    assert lines[0]["text"] == SING_OVER_EXAMPLE["lyrics"]
    assert 0 <= lines[0]["start"] < lines[0]["end"] <= 32_000  # milliseconds inside the song
    assert conversion["lyrics_1"] == SING_OVER_EXAMPLE["lyrics"]


def test_cover_with_a_voice_from_get_all_voices(client, short_song, tmp_path):
    voices = client.http.get(f"{client.base}/getAllVoices", params={"limit": 20, "page": 0}).json()
    assert {"success", "voices", "limit", "page", "total"} <= set(voices)
    payload = {**COVER_EXAMPLE, "voice_id": voices["voices"][0]["voice_id"], "pitch": 2}
    submitted = client.submit("Cover", payload, short_song)
    body = submitted.json()
    assert submitted.status_code == 200
    assert {"success", "task_id", "conversion_id", "eta"} <= set(body) and body["status"] == "IN_QUEUE"
    conversion = client.wait("COVER", body["task_id"])
    assert conversion["status"] == "COMPLETED" and conversion["engine"] == "local"
    assert conversion["conversion_path"] == conversion["audio_url"]
    take = _decode(client.download(conversion["audio_url"]), ".mp3", tmp_path)
    wav = _decode(client.download(conversion["conversion_path_wav"]), ".wav", tmp_path)
    assert wav.shape == load(short_song).samples.shape
    assert abs(take.shape[0] - wav.shape[0]) < 4410
    assert conversion["local_engine"]["pitch"] == 2


def test_audio_url_on_this_machine_is_fetched(client, engine, short_song):
    """A form-only submit (the docs' "Option 1") with an audio_url served from loopback."""
    uploaded = client.submit("Remix", REMIX_EXAMPLE, short_song).json()
    first = client.wait("REMIX", uploaded["task_id"])
    body = client.submit("Remix", {**REMIX_EXAMPLE, "audio_url": first["conversion_path_wav_1"]}).json()
    assert body["success"] is True
    assert client.wait("REMIX", body["task_id"])["status"] == "COMPLETED"


def test_num_outputs_one_gives_a_single_take(client, short_song):
    body = client.submit("inpaint", {**INPAINT_EXAMPLE, "num_outputs": 1}, short_song).json()
    assert body["conversion_id_2"] == "single_song_generation_request"
    conversion = client.wait("INPAINT", body["task_id"])
    assert conversion["conversion_path_1"] and "conversion_path_2" not in conversion


def test_search_voices_filters_by_name(client):
    found = client.http.get(f"{client.base}/searchVoices", params={"query": "tenor"}).json()
    assert found["success"] and found["total"] >= 1
    assert all("tenor" in v["voice_name"].lower() for v in found["voices"])
    page = client.http.get(f"{client.base}/getAllVoices", params={"limit": 1, "page": 1}).json()
    assert len(page["voices"]) == 1 and page["page"] == 1 and page["total"] > 1
