"""upload → add-vocals → record-info → download, with the client the sunoapi.org pages describe."""

from __future__ import annotations

import json

import numpy as np

from desktop_app.audio import load
from tests.engine.doc_client import ADD_VOCALS_EXAMPLE, SunoApi


def test_add_vocals_end_to_end(engine, short_song, tmp_path):
    suno = SunoApi(engine.sunoapi_base, engine.sunoapi_upload_base, engine.api_key)
    uploaded = suno.upload(short_song)
    assert uploaded["success"] is True and uploaded["code"] == 200
    data = uploaded["data"]
    assert data["fileName"] == short_song.name and data["fileSize"] == short_song.stat().st_size
    assert data["filePath"] == f"user-uploads/{short_song.name}"

    reply = suno.add_vocals({**ADD_VOCALS_EXAMPLE, "uploadUrl": data["downloadUrl"]})
    assert reply["code"] == 200 and reply["msg"] == "success"
    task_id = reply["data"]["taskId"]
    first = suno.record_info(task_id)["data"]
    assert first["status"] in ("PENDING", "TEXT_SUCCESS", "FIRST_SUCCESS", "SUCCESS")

    record = suno.wait(task_id)
    assert record["status"] == "SUCCESS" and record["errorCode"] is None and record["engine"] == "local"
    assert json.loads(record["param"])["title"] == ADD_VOCALS_EXAMPLE["title"]
    tracks = record["response"]["sunoData"]
    assert len(tracks) == 2 and tracks[0]["id"] != tracks[1]["id"]
    source = load(short_song)
    takes = []
    for n, track in enumerate(tracks):
        assert track["duration"] > 30 and track["title"]
        path = tmp_path / f"take{n}.mp3"
        path.write_bytes(suno.http.get(track["audioUrl"]).content)
        take = load(path)
        assert take.sample_rate == source.sample_rate and take.channels == source.channels
        takes.append(take.samples[: source.frames])
    assert not np.allclose(takes[0][: len(takes[1])], takes[1][: len(takes[0])], atol=1e-3)


def test_upload_names_are_sanitised(engine, short_song):
    suno = SunoApi(engine.sunoapi_base, engine.sunoapi_upload_base, engine.api_key)
    with short_song.open("rb") as f:
        reply = suno.http.post(f"{suno.upload_base}/api/file-stream-upload", files={"file": f},
                               data={"uploadPath": "../../etc", "fileName": "../../passwd"}).json()  # fmt: skip
    assert reply["code"] == 200
    assert ".." not in reply["data"]["downloadUrl"].split("/files/", 1)[1]
    assert suno.http.get(reply["data"]["downloadUrl"]).content == short_song.read_bytes()
