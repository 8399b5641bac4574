"""Take files: bit-exact outside the inpaint region (WAV), at the input's rate and channels, kept across restarts."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from desktop_app.audio import load
from desktop_app.engine import LocalEngine
from desktop_app.engine.store import PROCESSING, Job, JobStore, Take, new_id
from tests.engine.doc_client import INPAINT_EXAMPLE, REMIX_EXAMPLE, MusicGPT
from tests.support.engine_songs import make_song


@pytest.mark.parametrize("song_fixture", ["short_song", "short_song_mp3"])
def test_inpaint_wav_is_bit_exact_outside_the_region(engine, request, song_fixture, tmp_path):
    song = request.getfixturevalue(song_fixture)
    client = MusicGPT(engine.musicgpt_base, engine.api_key)
    region = {"replace_start_at": 21.37, "replace_end_at": 25.012, "num_outputs": 2}
    body = client.submit("inpaint", {**INPAINT_EXAMPLE, **region}, song).json()
    conversion = client.wait("INPAINT", body["task_id"])
    source = load(song)  # an MP3 input is compared with its decoded samples
    start = round(region["replace_start_at"] * source.sample_rate)
    end = round(region["replace_end_at"] * source.sample_rate)
    for n in (1, 2):
        path = tmp_path / f"take{n}.wav"
        path.write_bytes(client.download(conversion[f"conversion_path_wav_{n}"]))
        take = load(path).samples
        assert take.shape == source.samples.shape
        assert np.array_equal(take[:start], source.samples[:start])
        assert np.array_equal(take[end:], source.samples[end:])
        assert not np.array_equal(take[start:end], source.samples[start:end])


def test_mono_48k_input_gives_mono_48k_takes(engine, tmp_path):
    samples, _ = make_song((("chorus", 4), ("verse", 4), ("chorus", 4)), channels=1)
    path = tmp_path / "mono.flac"
    sf.write(str(path), samples, 48000, subtype="PCM_24")  # the same samples, labelled 48 kHz
    client = MusicGPT(engine.musicgpt_base, engine.api_key)
    conversion = client.wait("REMIX", client.submit("Remix", REMIX_EXAMPLE, path).json()["task_id"])
    out = tmp_path / "take.wav"
    out.write_bytes(client.download(conversion["conversion_path_wav_1"]))
    with sf.SoundFile(str(out)) as handle:
        assert (handle.samplerate, handle.channels, handle.subtype) == (48000, 1, "PCM_24")


def test_results_survive_a_restart(tmp_path, short_song):
    with LocalEngine(data_dir=tmp_path) as engine:
        client = MusicGPT(engine.musicgpt_base, engine.api_key)
        task = client.submit("Remix", REMIX_EXAMPLE, short_song).json()["task_id"]
        before = client.wait("REMIX", task)
        wav = client.download(before["conversion_path_wav_1"])
    with LocalEngine(data_dir=tmp_path) as engine:
        client = MusicGPT(engine.musicgpt_base, engine.api_key)
        after = client.by_id("REMIX", task_id=task).json()["conversion"]
        assert after["status"] == "COMPLETED" and after["conversion_id_2"] == before["conversion_id_2"]
        assert after["conversion_path_wav_1"].startswith(engine.base_url)
        assert client.download(after["conversion_path_wav_1"]) == wav


def test_a_job_cut_off_by_a_shutdown_is_resumed(tmp_path, short_song):
    """A record left in processing (the engine was stopped mid-job) completes after the next start."""
    store = JobStore(tmp_path)
    task_id = new_id()
    (store.input_dir(task_id) / "song.wav").write_bytes(short_song.read_bytes())
    store.add(Job(task_id=task_id, kind="REMIX", api="musicgpt", params={"prompt": "radio"}, input_name="song.wav",
                  input_info={"duration": 32.0, "subtype": "PCM_16"}, takes=[Take(new_id()), Take(new_id())],
                  status=PROCESSING))  # fmt: skip
    with LocalEngine(data_dir=tmp_path) as engine:
        client = MusicGPT(engine.musicgpt_base, engine.api_key)
        conversion = client.wait("REMIX", task_id)
        assert conversion["status"] == "COMPLETED"
        assert conversion["local_engine"]["takes"][0]["styles"] == ["radio"]


def test_a_corrupt_record_is_skipped(tmp_path):
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "broken.json").write_text("{not json")
    with LocalEngine(data_dir=tmp_path) as engine:
        client = MusicGPT(engine.musicgpt_base, engine.api_key)
        assert client.by_id("REMIX", task_id="broken").status_code == 404


def test_file_urls_cannot_leave_the_data_folder(engine):
    import httpx

    for path in ("/files/conversions/../jobs/x.json", "/files/conversions/%2e%2e/%2e%2e/etc/passwd", "/files/jobs/a"):
        assert httpx.get(engine.base_url + path).status_code == 404
