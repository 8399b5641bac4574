"""The fault grammar parses what the README documents, refuses the rest, and every fault is observable."""

from __future__ import annotations

import time

import httpx
import pytest

from desktop_app.engine import FAULTS_ENV, FaultSpecError, LocalEngine
from desktop_app.engine.faults import parse
from tests.engine.doc_client import REMIX_EXAMPLE, MusicGPT, SunoApi


@pytest.mark.parametrize(
    ("spec", "kind", "routes", "remaining"),
    [
        ("inpaint:429@5x2", "status", ("inpaint",), 2),
        ("byId:slow=1.5x*", "slow", ("byid",), None),
        ("add-vocals:455", "status", ("add-vocals",), 1),
        ("cover:fail", "job", ("cover",), 1),
        ("musicgpt:error", "job", ("inpaint", "remix", "sing_over_instrumental", "cover", "extend"), 1),
        ("files:cut=0.5", "cut", ("files",), 1),
        ("files:short=0.25x3", "short", ("files",), 3),
        ("add-vocals:fail=SENSITIVE_WORD_ERROR", "job", ("add-vocals",), 1),
        ("files:expired=wavx*", "expired", ("files",), None),
        ("upload:expired", "expired", ("upload",), 1),
        ("inpaint:lost", "lost", ("inpaint",), 1),
        ("musicgpt:lost", "lost", ("inpaint", "remix", "sing_over_instrumental", "cover", "extend"), 1),
        ("add-vocals:late-audio=2", "late", ("add-vocals",), 1),
    ],
)
def test_grammar_accepts_documented_rules(spec, kind, routes, remaining):
    (fault,) = parse(spec)
    assert (fault.kind, fault.routes, fault.remaining) == (kind, routes, remaining)


def test_several_rules_separated_by_semicolons_commas_or_spaces():
    assert len(parse("inpaint:500; remix:402,byid:slow=1 files:cut=0.1")) == 4


@pytest.mark.parametrize(
    "spec",
    ["inpaint", "nowhere:500", "inpaint:999", "inpaint:slow=-1", "inpaint:cut=0.5", "byid:fail", "inpaint:fail=NOPE",
     "files:cut=1.5", "inpaint:500x0", "inpaint:explode"],
)  # fmt: skip
def test_grammar_refuses_malformed_rules(spec):
    with pytest.raises(FaultSpecError):
        parse(spec)


def test_a_bad_spec_at_run_time_keeps_the_old_plan(engine):
    engine.set_faults("credit:455x*")
    with pytest.raises(FaultSpecError):
        engine.set_faults("credit:")
    suno = SunoApi(engine.sunoapi_base, engine.sunoapi_upload_base, engine.api_key)
    assert suno.http.get(f"{suno.base}/api/v1/generate/credit").json()["code"] == 455


@pytest.mark.parametrize("status", [401, 402, 422, 429, 500, 455])
def test_status_faults_hit_the_next_n_calls(engine, status):
    client = MusicGPT(engine.musicgpt_base, engine.api_key)
    engine.set_faults(f"getAllVoices:{status}x2")
    answers = [client.http.get(f"{client.base}/getAllVoices") for _ in range(3)]
    assert [a.status_code for a in answers] == [status, status, 200]
    assert answers[0].json()["success"] is False
    if status == 429:
        assert answers[0].headers["Retry-After"] == "2"


def test_retry_after_is_configurable(engine, short_song):
    engine.set_faults("remix:429@7")
    response = MusicGPT(engine.musicgpt_base, engine.api_key).submit("Remix", REMIX_EXAMPLE, short_song)
    assert response.status_code == 429 and response.headers["Retry-After"] == "7"


@pytest.mark.parametrize("code", [401, 405, 413, 429, 430, 455, 500])
def test_sunoapi_faults_travel_in_the_envelope(engine, code):
    suno = SunoApi(engine.sunoapi_base, engine.sunoapi_upload_base, engine.api_key)
    engine.set_faults(f"sunoapi:{code}")
    reply = suno.http.get(f"{suno.base}/api/v1/generate/credit")
    assert reply.status_code == 200 and reply.json()["code"] == code and reply.json()["data"] is None
    assert suno.http.get(f"{suno.base}/api/v1/generate/credit").json()["code"] == 200


def test_slow_answers_are_slow(engine):
    client = MusicGPT(engine.musicgpt_base, engine.api_key)
    engine.set_faults("getallvoices:slow=0.4")
    began = time.monotonic()
    assert client.http.get(f"{client.base}/getAllVoices").status_code == 200
    assert time.monotonic() - began >= 0.4


def test_slow_answers_do_not_block_other_requests(engine):
    client = MusicGPT(engine.musicgpt_base, engine.api_key)
    engine.set_faults("getallvoices:slow=30")
    impatient = httpx.Client(timeout=0.5, headers={"Authorization": engine.api_key})
    with pytest.raises(httpx.ReadTimeout):
        impatient.get(f"{client.base}/getAllVoices")
    impatient.close()
    assert client.http.get(f"{client.base}/searchVoices", params={"query": "choir"}).status_code == 200


@pytest.mark.parametrize(("spec", "status"), [("remix:fail", "FAILED"), ("remix:error", "ERROR")])
def test_jobs_that_fail(engine, short_song, spec, status):
    client = MusicGPT(engine.musicgpt_base, engine.api_key)
    engine.set_faults(spec)
    body = client.submit("Remix", REMIX_EXAMPLE, short_song).json()
    conversion = client.wait("REMIX", body["task_id"])
    assert conversion["status"] == status and conversion["status_msg"]
    assert conversion["conversion_path_1"] == ""


def test_a_job_fault_waits_for_a_job_that_is_really_created(engine, short_song):
    client = MusicGPT(engine.musicgpt_base, engine.api_key)
    engine.set_faults("remix:fail")
    assert client.submit("Remix", {"lyrics": "no prompt"}, short_song).status_code == 422
    body = client.submit("Remix", REMIX_EXAMPLE, short_song).json()
    assert client.wait("REMIX", body["task_id"])["status"] == "FAILED"


def test_sunoapi_job_failures(engine, short_song):
    suno = SunoApi(engine.sunoapi_base, engine.sunoapi_upload_base, engine.api_key)
    url = suno.upload(short_song)["data"]["downloadUrl"]
    body = {"uploadUrl": url, "prompt": "la la", "title": "t", "style": "Pop", "negativeTags": "", "callBackUrl": "x"}
    body["negativeTags"] = "metal"
    for spec, status in (("add-vocals:fail", "GENERATE_AUDIO_FAILED"), ("add-vocals:error", "CREATE_TASK_FAILED"),
                         ("add-vocals:fail=SENSITIVE_WORD_ERROR", "SENSITIVE_WORD_ERROR")):  # fmt: skip
        engine.set_faults(spec)
        record = suno.wait(suno.add_vocals(body)["data"]["taskId"])
        assert record["status"] == status and record["errorMessage"] and record["errorCode"]


def test_a_stuck_job_never_finishes(engine, short_song):
    client = MusicGPT(engine.musicgpt_base, engine.api_key)
    engine.set_faults("remix:stuck")
    stuck = client.submit("Remix", REMIX_EXAMPLE, short_song).json()
    normal = client.submit("Remix", REMIX_EXAMPLE, short_song).json()
    assert client.wait("REMIX", normal["task_id"])["status"] == "COMPLETED"  # submitted after it, finished first
    assert client.by_id("REMIX", task_id=stuck["task_id"]).json()["conversion"]["status"] == "PROCESSING"


def _finished_take_url(engine, short_song) -> str:
    client = MusicGPT(engine.musicgpt_base, engine.api_key)
    body = client.submit("Remix", REMIX_EXAMPLE, short_song).json()
    return client.wait("REMIX", body["task_id"])["conversion_path_wav_1"]


def test_a_cut_download_drops_the_connection(engine, short_song):
    url = _finished_take_url(engine, short_song)
    full = httpx.get(url).content
    engine.set_faults("files:cut=0.5")
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(url)
    assert httpx.get(url).content == full  # the fault was used up


def test_a_short_download_looks_complete_but_is_truncated(engine, short_song):
    url = _finished_take_url(engine, short_song)
    full = httpx.get(url).content
    engine.set_faults("files:short=0.25")
    short = httpx.get(url)
    assert short.status_code == 200 and short.content == full[: len(full) // 4]


def test_the_environment_variable_sets_faults(tmp_path, monkeypatch):
    monkeypatch.setenv(FAULTS_ENV, "credit:430")
    with LocalEngine(data_dir=tmp_path) as engine:
        suno = SunoApi(engine.sunoapi_base, engine.sunoapi_upload_base, engine.api_key)
        assert suno.http.get(f"{suno.base}/api/v1/generate/credit").json()["code"] == 430
