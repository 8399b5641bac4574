"""Bad input everywhere a user or a service can put it: one table per place, each row a short id.

Every row checks the same promise: a typed error whose message is a plain sentence (no library
names, no traceback), and nothing changed — the user's file, the job store, the output folder.
Files and requests that are odd but legal (one sample, a wrong extension, exactly 2000 characters)
are rows too: for them the promise is that they work. ``conftest.py`` prints the count per table.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from desktop_app import cli
from desktop_app.api.errors import InvalidRequestError
from desktop_app.api.models import (
    AddVocalsRequest,
    CoverRequest,
    InpaintRequest,
    RemixRequest,
    SingOverRequest,
)
from desktop_app.audio import errors as audio_errors
from desktop_app.audio import load_with_peaks
from desktop_app.jobs.clients import ClientFactory
from desktop_app.jobs.poll_scheduler import PollBudget
from desktop_app.jobs.runner import JobRunner
from desktop_app.jobs.states import JobState
from desktop_app.jobs.store import JobStore
from tests.reliability.bad_audio import EXTRA_FILES
from tests.reliability.tamper import Tamper, patch, patch_conversion, patch_suno_data, patch_suno_tracks, replace_with
from tests.support.audio_files import BAD_FILE_ERRORS as SUPPORT_EXPECTED
from tests.support.audio_files import bad_files, tone, write
from tests.support.files import fingerprint
from tests.support.jobs_world import World

# A library's, the OS's or Python's words leaking into a message meant for a producer.
JARGON = re.compile(
    r"errno|libsndfile|sndfile|ffmpeg|mpg123|traceback|exception|0x[0-9a-f]+|lost sync|keyerror|typeerror|"
    r"valueerror|nonetype|attribute|unexpected problem|(?-i:\bnan\b|\binf\b)|_weight|_constraint|_at\b",
    re.I,
)


def assert_plain_sentence(message: str) -> None:
    assert message and message.strip() == message, repr(message)
    assert message.rstrip("”\"'").endswith((".", ")", "?")), message
    own_words = re.sub(r"“[^”]*”", "", message)  # file names and the service's own words are quoted
    assert not JARGON.search(own_words), message


# ============================================================================================ audio files

AUDIO_ROWS = [(kind, cls.__name__) for kind, cls in SUPPORT_EXPECTED.items()] + [
    (kind, expected) for kind, (_maker, expected) in EXTRA_FILES.items()
]


@pytest.fixture(scope="module")
def audio_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bad_audio")
    files = bad_files(folder / "support")
    for kind, (maker, _expected) in EXTRA_FILES.items():
        sub = folder / re.sub(r"\W+", "_", kind)
        sub.mkdir()
        files[kind] = maker(sub)
    return files


@pytest.mark.parametrize(("kind", "expected"), AUDIO_ROWS, ids=[row[0] for row in AUDIO_ROWS])
def test_bad_audio_file(audio_files, kind: str, expected, capsys) -> None:
    """Opened as the app opens it, and through ``retake info``: typed error or a working clip; file untouched."""
    path = audio_files[kind]
    before = fingerprint(path)
    if isinstance(expected, int):
        clip, peaks = load_with_peaks(path)
        assert clip.frames == expected and math.isfinite(clip.duration)
        assert peaks is not None
    else:
        with pytest.raises(audio_errors.AudioError) as caught:
            load_with_peaks(path)
        assert type(caught.value).__name__ == expected, f"{kind}: {caught.value!r}"
        assert str(caught.value).startswith(f"“{path.name}”: ")
        assert_plain_sentence(str(caught.value))
    capsys.readouterr()
    code = cli.main(["info", str(path)])
    out, err = capsys.readouterr()
    answer = json.loads(out.strip().splitlines()[-1])
    if isinstance(expected, int):
        assert code == 0 and answer["frames"] == expected, (out, err)
    else:
        assert code == 1 and answer["error"] == str(caught.value)
        assert err.strip() == f"error: {caught.value}"
    assert "Traceback" not in err
    assert fingerprint(path) == before, "the user's file changed"


# ================================================================================== form and request fields

DURATION = 4.0  # the request rows' song
NAN, INF = float("nan"), float("inf")
LYRICS_2000, LYRICS_2001 = "la " * 666 + "la", "la " * 666 + "la!"
EMOJI = "🎸 warmer 🎹 — Sängerin «ça va» 音楽 🔥"


def _valid(kind: str, song: Path):
    return {
        "inpaint": InpaintRequest(audio_file=song, prompt="bright synth lead", replace_start_at=1.0,
                                  replace_end_at=2.5),
        "remix": RemixRequest(audio_file=song, prompt="lo-fi"),
        "sing_over": SingOverRequest(audio_file=song, prompt="soulful", lyrics="hold the line"),
        "cover": CoverRequest(audio_file=song, voice_id="voice-1", pitch=0),
        "add_vocals": AddVocalsRequest(audio_file=song, prompt="calm vocals", title="Night", style="Jazz",
                                       negative_tags="metal"),
    }[kind]  # fmt: skip


# (id, operation, changed fields, fields that must be reported: () means the value is accepted)
REQUEST_ROWS: list[tuple[str, str, dict, tuple[str, ...]]] = [
    ("lyrics 2000 characters", "remix", {"lyrics": LYRICS_2000}, ()),
    ("lyrics 2001 characters", "remix", {"lyrics": LYRICS_2001}, ("lyrics",)),
    ("lyrics 2000 emoji", "remix", {"lyrics": "🎤" * 2000}, ()),
    ("lyrics 2001 emoji", "remix", {"lyrics": "🎤" * 2001}, ("lyrics",)),
    ("inpaint lyrics 2001", "inpaint", {"lyrics": LYRICS_2001}, ("lyrics",)),
    ("inpaint section lyrics 2001", "inpaint", {"lyrics_section_to_replace": LYRICS_2001},
     ("lyrics_section_to_replace",)),
    ("sing-over lyrics 2000", "sing_over", {"lyrics": LYRICS_2000}, ()),
    ("sing-over lyrics 2001", "sing_over", {"lyrics": LYRICS_2001}, ("lyrics",)),
    ("sing-over without lyrics", "sing_over", {"lyrics": ""}, ("lyrics",)),
    ("sing-over lyrics only spaces", "sing_over", {"lyrics": " \n\t "}, ("lyrics",)),
    ("pitch +12", "cover", {"pitch": 12}, ()),
    ("pitch -12", "cover", {"pitch": -12}, ()),
    ("pitch +13", "cover", {"pitch": 13}, ("pitch",)),
    ("pitch -13", "cover", {"pitch": -13}, ("pitch",)),
    ("pitch 1.5", "cover", {"pitch": 1.5}, ("pitch",)),
    ("pitch NaN", "cover", {"pitch": NAN}, ("pitch",)),
    ("pitch True", "cover", {"pitch": True}, ("pitch",)),
    ("pitch as text", "cover", {"pitch": "3"}, ("pitch",)),
    ("no voice", "cover", {"voice_id": ""}, ("voice_id",)),
    ("voice only spaces", "cover", {"voice_id": "   "}, ("voice_id",)),
    ("style weight 0", "add_vocals", {"style_weight": 0.0}, ()),
    ("style weight 1", "add_vocals", {"style_weight": 1.0}, ()),
    ("style weight -0.01", "add_vocals", {"style_weight": -0.01}, ("style_weight",)),
    ("style weight 1.01", "add_vocals", {"style_weight": 1.01}, ("style_weight",)),
    ("style weight 0.005", "add_vocals", {"style_weight": 0.005}, ("style_weight",)),
    ("style weight NaN", "add_vocals", {"style_weight": NAN}, ("style_weight",)),
    ("weirdness -0.01", "add_vocals", {"weirdness_constraint": -0.01}, ("weirdness_constraint",)),
    ("weirdness 1.01", "add_vocals", {"weirdness_constraint": 1.01}, ("weirdness_constraint",)),
    ("weirdness infinity", "add_vocals", {"weirdness_constraint": INF}, ("weirdness_constraint",)),
    ("audio weight -0.01", "add_vocals", {"audio_weight": -0.01}, ("audio_weight",)),
    ("audio weight 1.01", "add_vocals", {"audio_weight": 1.01}, ("audio_weight",)),
    ("audio weight as text", "add_vocals", {"audio_weight": "0.5"}, ("audio_weight",)),
    ("all three weights 1.01", "add_vocals",
     {"style_weight": 1.01, "weirdness_constraint": 1.01, "audio_weight": 1.01},
     ("style_weight", "weirdness_constraint", "audio_weight")),
    ("title 80 characters", "add_vocals", {"title": "t" * 80}, ()),
    ("title 81 characters", "add_vocals", {"title": "t" * 81}, ("title",)),
    ("style 1001 characters", "add_vocals", {"style": "s" * 1001}, ("style",)),
    ("negative tags 201 characters", "add_vocals", {"negative_tags": "n" * 201}, ("negative_tags",)),
    ("add-vocals prompt 3001 characters", "add_vocals", {"prompt": "p" * 3001}, ("prompt",)),
    ("vocal gender x", "add_vocals", {"vocal_gender": "x"}, ("vocal_gender",)),
    ("model V9", "add_vocals", {"model": "V9"}, ("model",)),
    ("region outside the track", "inpaint", {"replace_start_at": 5.0, "replace_end_at": 6.0},
     ("replace_end_at",)),
    ("region ends after the track", "inpaint", {"replace_end_at": DURATION + 0.01}, ("replace_end_at",)),
    ("region up to the very end", "inpaint", {"replace_end_at": DURATION}, ()),
    ("region from the very start", "inpaint", {"replace_start_at": 0.0}, ()),
    ("region starts before the track", "inpaint", {"replace_start_at": -0.01}, ("replace_start_at",)),
    ("start = end", "inpaint", {"replace_start_at": 2.0, "replace_end_at": 2.0}, ("region",)),
    ("start after end", "inpaint", {"replace_start_at": 3.0, "replace_end_at": 2.0}, ("region",)),
    ("start NaN", "inpaint", {"replace_start_at": NAN}, ("region",)),
    ("end NaN", "inpaint", {"replace_end_at": NAN}, ("region",)),
    ("end infinity", "inpaint", {"replace_end_at": INF}, ("region",)),
    ("start minus infinity", "inpaint", {"replace_start_at": -INF}, ("region",)),
    ("region as text", "inpaint", {"replace_start_at": "1", "replace_end_at": "2"}, ("region",)),
    ("prompt empty", "inpaint", {"prompt": ""}, ("prompt",)),
    ("prompt only spaces", "remix", {"prompt": "  \n "}, ("prompt",)),
    ("prompt with emoji and accents", "remix", {"prompt": EMOJI}, ()),
    ("prompt right-to-left and combining marks", "remix", {"prompt": "غناء هادئ e\u0301 \u200f"}, ()),
    ("lyrics with emoji", "sing_over", {"lyrics": "🎶 la la 🎶\n" * 20}, ()),
    ("gender robot", "remix", {"gender": "robot"}, ("gender",)),
    ("gender capitalised", "remix", {"gender": "Female"}, ("gender",)),
    ("both file and URL", "remix", {"audio_url": "https://example.com/a.mp3"}, ("audio",)),
    ("neither file nor URL", "remix", {"audio_file": None}, ("audio",)),
    ("URL ftp://", "remix", {"audio_file": None, "audio_url": "ftp://example.com/a.mp3"}, ("audio_url",)),
    ("URL javascript:", "remix", {"audio_file": None, "audio_url": "javascript:alert(1)"}, ("audio_url",)),
    ("URL without host", "remix", {"audio_file": None, "audio_url": "https://"}, ("audio_url",)),
    ("webhook not a URL", "remix", {"webhook_url": "my server"}, ("webhook_url",)),
    ("file that does not exist", "remix", {"audio_file": Path("/nonexistent/song.wav")}, ("audio_file",)),
]  # fmt: skip


@pytest.fixture(scope="module")
def request_song(tmp_path_factory) -> Path:
    return write(tmp_path_factory.mktemp("request_song") / "song.wav", tone(int(44100 * DURATION)), 44100, "WAV")


@pytest.mark.parametrize(("kind", "changes", "fields"), [r[1:] for r in REQUEST_ROWS], ids=[r[0] for r in REQUEST_ROWS])
def test_bad_request_field(request_song: Path, tmp_path: Path, kind: str, changes: dict, fields: tuple) -> None:
    """Each rule is reported on the field that broke it, in a sentence; nothing is stored or sent."""
    request = replace(_valid(kind, request_song), **changes)
    problems = request.problems(duration=DURATION)
    assert {p.field for p in problems} == set(fields), problems
    for problem in problems:
        assert_plain_sentence(problem.message)
    before = fingerprint(request_song)
    with JobStore(tmp_path / "jobs.sqlite3") as store:
        runner = JobRunner(store, client_factory=_no_clients)
        if fields:
            with pytest.raises(InvalidRequestError) as caught:
                runner.create(request, "local", out_dir=tmp_path / "out", duration=DURATION)
            assert_plain_sentence(str(caught.value))
            assert store.list_jobs() == []
        else:  # accepted: what is sent keeps every character
            job = runner.create(request, "local", out_dir=tmp_path / "out", duration=DURATION)
            sent = request.json_body("https://x/y.mp3") if kind == "add_vocals" else request.form_fields()
            for name, value in changes.items():
                if isinstance(value, str) and name in sent:
                    assert sent[name] == value.strip() or sent[name] == value
            assert store.get(job.id).params == request.to_params()
    assert fingerprint(request_song) == before
    assert not (tmp_path / "out").exists()


def _no_clients(engine: str):
    raise AssertionError("a bad request must not reach an engine")


# ================================================================================== command-line arguments

ADD_VOCALS = ["add-vocals", "{song}", "--prompt", "calm", "--style", "Jazz", "--title", "Night", "--negative-tags", "x"]
# (id, arguments with {song}/{folder} placeholders, words the message must contain)
CLI_ROWS: list[tuple[str, list[str], str]] = [
    ("start = end", ["inpaint", "{song}", "--start", "2", "--end", "2", "--prompt", "p"], "must end after it starts"),
    ("start NaN", ["inpaint", "{song}", "--start", "nan", "--end", "2", "--prompt", "p"], "numbers of seconds"),
    ("end infinity", ["inpaint", "{song}", "--start", "1", "--end", "inf", "--prompt", "p"], "numbers of seconds"),
    ("end after the track", ["inpaint", "{song}", "--start", "1", "--end", "99", "--prompt", "p"], "after the track"),
    ("negative start", ["inpaint", "{song}", "--start", "-1", "--end", "2", "--prompt", "p"], "before the track"),
    ("lyrics 2001", ["remix", "{song}", "--prompt", "p", "--lyrics", LYRICS_2001], "2001 characters"),
    ("lyrics file of 2001", ["remix", "{song}", "--prompt", "p", "--lyrics-file", "{folder}/long.txt"], "2001"),
    ("lyrics file not UTF-8", ["remix", "{song}", "--prompt", "p", "--lyrics-file", "{folder}/latin1.txt"],
     "not UTF-8"),
    ("lyrics file missing", ["remix", "{song}", "--prompt", "p", "--lyrics-file", "{folder}/nope.txt"],
     "“nope.txt” does not exist"),
    ("lyrics file is a folder", ["remix", "{song}", "--prompt", "p", "--lyrics-file", "{folder}"], "is a folder"),
    ("pitch 13", ["cover", "{song}", "--voice", "v", "--pitch", "13"], "between -12 and 12"),
    ("pitch -13", ["cover", "{song}", "--voice", "v", "--pitch", "-13"], "between -12 and 12"),
    ("pitch 1.5", ["cover", "{song}", "--voice", "v", "--pitch", "1.5"], "invalid int value"),
    ("empty voice", ["cover", "{song}", "--voice", " ", "--pitch", "0"], "Pick a voice"),
    ("style weight 1.01", [*ADD_VOCALS, "--style-weight", "1.01"], "Style weight must be between 0 and 1"),
    ("weirdness -0.01", [*ADD_VOCALS, "--weirdness", "-0.01"], "Weirdness must be between 0 and 1"),
    ("audio weight NaN", [*ADD_VOCALS, "--audio-weight", "nan"], "Audio weight must be a number"),
    ("title 81", [*ADD_VOCALS[:6], "--title", "t" * 81, *ADD_VOCALS[8:]], "at most 80"),
    ("add vocals on MusicGPT", [*ADD_VOCALS, "--engine", "musicgpt"], "offered by sunoapi.org"),
    ("engine over http", ["remix", "{song}", "--prompt", "p", "--engine", "http://example.com"], "Refusing plain"),
    ("engine ftp://", ["remix", "{song}", "--prompt", "p", "--engine", "ftp://example.com"], "web address"),
    ("engine name unknown", ["remix", "{song}", "--prompt", "p", "--engine", "sunoo"], "is not an engine"),
    ("engine with a password", ["remix", "{song}", "--prompt", "p", "--engine", "https://u:p@example.com"],
     "user name or password"),
    ("text file as the song", ["remix", "{folder}/notes.wav", "--prompt", "p"], "text file"),
    ("missing song", ["remix", "{folder}/gone.wav", "--prompt", "p"], "gone.wav"),
    ("folder as the song", ["remix", "{folder}", "--prompt", "p"], "is a folder, not an audio file"),
    ("empty prompt", ["remix", "{song}", "--prompt", ""], "prompt is required"),
    ("gender robot", ["remix", "{song}", "--prompt", "p", "--gender", "robot"], "male, female, neutral"),
]  # fmt: skip


@pytest.fixture
def cli_folder(tmp_path: Path, request_song: Path, monkeypatch) -> Path:
    monkeypatch.setenv("RETAKE_DATA_DIR", str(tmp_path / "data"))
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "long.txt").write_text(LYRICS_2001, encoding="utf-8")
    (folder / "latin1.txt").write_bytes("Für Élise, ça me plaît".encode("latin-1"))
    (folder / "notes.wav").write_text("Verse 1: fix the chorus\n" * 20)
    return folder


@pytest.mark.parametrize(("argv", "words"), [r[1:] for r in CLI_ROWS], ids=[r[0] for r in CLI_ROWS])
def test_bad_cli_argument(cli_folder: Path, request_song: Path, argv: list[str], words: str, capsys) -> None:
    """Exit code 2 and one ``error:`` line naming the problem; no job, no engine, no file written."""
    args = [a.replace("{song}", str(request_song)).replace("{folder}", str(cli_folder)) for a in argv]
    inputs = {p: fingerprint(p) for p in [request_song, *cli_folder.iterdir()]}
    from_argparse = False
    try:
        code = cli.main(args)
    except SystemExit as exit_:  # argparse's own refusal of a malformed number, with its usage line
        code, from_argparse = exit_.code, True
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert words in err, err
    assert "Traceback" not in err and out == ""
    if not from_argparse:
        assert err.startswith("error: ") and err.count("\n") == 1, err
        assert_plain_sentence(err.strip().removeprefix("error: "))
    assert not (cli_folder.parent / "data" / "jobs.sqlite3").exists() or _no_jobs(cli_folder.parent / "data")
    assert {p: fingerprint(p) for p in inputs} == inputs


def _no_jobs(data_dir: Path) -> bool:
    with JobStore(data_dir / "jobs.sqlite3") as store:
        return store.list_jobs() == []


# ========================================================================================== service answers

FILES = "https://lalals.s3.amazonaws.com/conversions"
PAGE = FILES + "/page.html"
HTML_PAGE = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
HUGE = 10**400  # a legal JSON number that no float can hold
BOTH_PATHS = ("conversion_path_1", "conversion_path_wav_1", "conversion_path_2", "conversion_path_wav_2")


def _paths(url: str) -> dict[str, str]:
    return dict.fromkeys(BOTH_PATHS, url)


# (id, operation, [(path suffix, edit, times)], expected: "done" or the error kind the job fails with)
ANSWER_ROWS: list[tuple[str, str, list, str]] = [
    # -- MusicGPT submit
    ("submit: empty object", "remix", [("/Remix", replace_with(200, {}), 1)], "malformed"),
    ("submit: 200 with success false", "remix",
     [("/Remix", replace_with(200, {"success": False, "message": "Queue is full"}), 1)], "validation"),
    ("submit: a list", "remix", [("/Remix", replace_with(200, []), 1)], "malformed"),
    ("submit: a bare string", "remix", [("/Remix", replace_with(200, "OK"), 1)], "malformed"),
    ("submit: null", "remix", [("/Remix", replace_with(200, None), 1)], "malformed"),
    ("submit: HTML instead of JSON", "remix", [("/Remix", replace_with(200, HTML_PAGE), 1)], "malformed"),
    ("submit: empty body", "remix", [("/Remix", replace_with(200, b""), 1)], "malformed"),
    ("submit: bytes that are not UTF-8", "remix", [("/Remix", replace_with(200, b"\xff\xfe{\x00"), 1)], "malformed"),
    ("submit: ids of the wrong type", "remix",
     [("/Remix", replace_with(200, {"task_id": {"id": 1}, "conversion_id_1": ["a"]}), 1)], "malformed"),
    ("submit: eta too big for a float", "remix", [("/Remix", patch(eta=HUGE, credit_estimate=HUGE), 1)], "done"),
    ("submit: eta and credits as words", "remix", [("/Remix", patch(eta="soon", credit_estimate="lots"), 1)], "done"),
    ("submit: 502 HTML page once", "remix", [("/Remix", replace_with(502, HTML_PAGE), 1)], "done"),
    ("submit: 500 every time", "remix", [("/Remix", replace_with(500, {"detail": "boom"}), 9)], "server"),
    # -- MusicGPT byId
    ("status: empty object", "remix", [("/byId", replace_with(200, {}), 1)], "malformed"),
    ("status: no conversion", "remix", [("/byId", replace_with(200, {"success": True}), 1)], "malformed"),
    ("status: conversion is a list", "remix",
     [("/byId", replace_with(200, {"success": True, "conversion": []}), 1)], "malformed"),
    ("status: 200 with success false", "remix",
     [("/byId", replace_with(200, {"success": False, "message": "Conversion not found"}), 1)], "malformed"),
    ("status: missing status", "remix", [("/byId", patch_conversion(status=None), 1)], "malformed"),
    ("status: status is a list", "remix", [("/byId", patch_conversion(status=["COMPLETED"]), 1)], "malformed"),
    ("status: status is a number", "remix", [("/byId", patch_conversion(status=7), 1)], "done"),
    ("status: unknown status word", "remix", [("/byId", patch_conversion(status="RENDERING_ON_MARS"), 2)], "done"),
    ("status: HTML instead of JSON", "remix", [("/byId", replace_with(200, HTML_PAGE), 1)], "malformed"),
    ("status: empty body", "remix", [("/byId", replace_with(200, b""), 1)], "malformed"),
    ("status: 502 HTML page every time", "remix", [("/byId", replace_with(502, HTML_PAGE), 9)], "server"),
    ("status: 429 with a nonsense Retry-After", "remix",
     [("/byId", replace_with(429, {"detail": "slow down"}, {"Retry-After": "soon"}), 1)], "done"),
    ("status: completed without URLs", "remix",
     [("/byId", patch_conversion(status="COMPLETED", **_paths("")), 1)], "done"),
    ("status: completed with file:// URLs", "remix",
     [("/byId", patch_conversion(status="COMPLETED", **_paths("file:///etc/passwd")), 1)], "done"),
    ("status: cost too big for a float", "remix", [("/byId", patch_conversion(conversion_cost=HUGE), 9)], "done"),
    ("status: durations NaN and infinite", "remix",
     [("/byId", patch_conversion(conversion_duration_1="NaN", conversion_duration_2="inf"), 9)], "done"),
    ("status: timestamped lyrics not JSON", "remix",
     [("/byId", patch_conversion(lyrics_timestamped_1="{oops", lyrics_timestamped_2=[{"start": "x"}]), 9)], "done"),
    ("status: titles with paths and control characters", "remix",
     [("/byId", patch_conversion(title_1="../../../../etc/passwd", title_2="a\x00b\r\nc/..\\..\\x"), 9)], "done"),
    # -- downloads the answer points to
    ("download: HTML page", "remix",
     [("/byId", patch_conversion(**_paths(PAGE)), 9), ("page.html", replace_with(200, HTML_PAGE), 9)], "not_audio"),
    ("download: plain text", "remix",
     [("/byId", patch_conversion(**_paths(PAGE)), 9), ("page.html", replace_with(200, "hello"), 9)], "not_audio"),
    ("download: a PNG", "remix", [("/byId", patch_conversion(**_paths(PAGE)), 9),
                                  ("page.html", replace_with(200, b"\x89PNG\r\n\x1a\n" + bytes(500)), 9)], "not_audio"),
    ("download: empty body", "remix",
     [("/byId", patch_conversion(**_paths(PAGE)), 9), ("page.html", replace_with(200, b""), 9)], "not_audio"),
    ("download: declares 2 GB", "remix",
     [("conv-1-a.wav", replace_with(200, b"RIFF", {"Content-Length": str(2 * 1024**3)}), 1)], "download_too_large"),
    ("download: 404", "remix", [("conv-1-a.wav", replace_with(404, "gone"), 1)], "done"),  # the MP3 link instead
    ("download: plain http off this machine", "remix",
     [("/byId", patch_conversion(**_paths("http://cdn.example.com/take.wav")), 9)], "not_audio"),
    ("download: path traversal in the URL", "remix",
     [("/byId", patch_conversion(**_paths(FILES + "/..%2F..%2F..%2Fevil.wav")), 9)], "done"),
    ("download: file name from the server escapes", "remix",
     [("conv-1-a.wav", lambda real: httpx.Response(200, content=real.content, headers={
         "content-type": "audio/wav", "content-disposition": 'attachment; filename="../../evil.wav"'}), 1)], "done"),
    # -- sunoapi.org
    ("upload: code is not a number", "add_vocals",
     [("/file-stream-upload", replace_with(200, {"code": "abc", "msg": "ok"}), 1)], "malformed"),
    ("upload: code in superscript digits", "add_vocals",
     [("/file-stream-upload", replace_with(200, {"code": "²⁰⁰", "msg": "ok"}), 1)], "malformed"),
    ("upload: file:// download URL", "add_vocals",
     [("/file-stream-upload", patch_suno_data(downloadUrl="file:///etc/passwd"), 1)], "malformed"),
    ("upload: data null", "add_vocals",
     [("/file-stream-upload", replace_with(200, {"code": 200, "msg": "ok", "data": None}), 1)], "malformed"),
    ("add-vocals: no taskId", "add_vocals",
     [("/add-vocals", replace_with(200, {"code": 200, "msg": "success", "data": {}}), 1)], "malformed"),
    ("add-vocals: data is a string", "add_vocals",
     [("/add-vocals", replace_with(200, {"code": 200, "msg": "success", "data": "suno-1"}), 1)], "malformed"),
    ("add-vocals: HTML instead of JSON", "add_vocals", [("/add-vocals", replace_with(200, HTML_PAGE), 1)],
     "malformed"),
    ("record-info: unknown status word", "add_vocals",
     [("/record-info", patch_suno_data(status="MIXING_ON_MARS"), 1)], "done"),
    ("record-info: no status", "add_vocals", [("/record-info", patch_suno_data(status=None), 1)], "malformed"),
    # A finished record without its audio yet is asked again (bounded), not failed.
    ("record-info: success without tracks", "add_vocals",
     [("/record-info", patch_suno_data(status="SUCCESS", response={"sunoData": []}), 1)], "done"),
    ("record-info: response is a string", "add_vocals",
     [("/record-info", patch_suno_data(status="SUCCESS", response="oops"), 1)], "done"),
    ("record-info: data null", "add_vocals",
     [("/record-info", replace_with(200, {"code": 200, "msg": "success", "data": None}), 1)], "malformed"),
    ("record-info: unknown envelope code", "add_vocals",
     [("/record-info", replace_with(200, {"code": 999, "msg": "?", "data": None}), 9)], "server"),
    ("record-info: envelope code 1", "add_vocals",
     [("/record-info", replace_with(200, {"code": 1, "msg": "?", "data": None}), 1)], "service"),
    ("record-info: audio over plain http", "add_vocals",
     [("/record-info", patch_suno_tracks(audioUrl="http://cdn.example.com/a.mp3"), 9)], "not_audio"),
    ("record-info: duration too big", "add_vocals", [("/record-info", patch_suno_tracks(duration=HUGE), 9)], "done"),
]  # fmt: skip


class AnswerWorld(World):
    """The runner's in-memory world with the answers passing through :class:`Tamper`."""

    def new_runner(self, store: JobStore | None = None) -> JobRunner:
        if not hasattr(self, "tamper"):
            self.tamper = Tamper(self.fake)
        factory = ClientFactory(api_keys={"musicgpt": self.fake.key, "sunoapi": self.fake.key},
                                transport=self.tamper, wait=lambda s: False)  # fmt: skip
        return JobRunner(store or self.store, factory, settings=self.settings, budget=PollBudget(clock=self.clock),
                         clock=self.clock, wait=self.clock.wait)  # fmt: skip


def _tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.mark.parametrize(("operation", "edits", "expected"), [r[1:] for r in ANSWER_ROWS],
                         ids=[r[0] for r in ANSWER_ROWS])  # fmt: skip
def test_bad_service_answer(tmp_path: Path, operation: str, edits: list, expected: str) -> None:
    """A whole job meets the odd answer: it finishes, or fails with a typed sentence and keeps nothing half-done;
    a failed job that the service has is polled again on Retry, never sent twice, and finishes."""
    world = AnswerWorld(tmp_path)
    try:
        for suffix, edit, times in edits:
            world.tamper.add(suffix, edit, times)
        if operation == "remix":
            job = world.create(RemixRequest(audio_file=world.song, prompt="lo-fi"))
        else:
            job = world.create(AddVocalsRequest(audio_file=world.song, prompt="calm", title="Night", style="Jazz",
                                                negative_tags="metal"), engine="sunoapi")  # fmt: skip
        source = fingerprint(world.song)
        outside = _tree(tmp_path) - _tree(tmp_path / "out") if (tmp_path / "out").exists() else _tree(tmp_path)
        job = world.run(job.id)
        out = tmp_path / "out"
        if expected == "done":
            assert job.state is JobState.DONE, job.error_message
            assert len(world.store.takes(job.id)) == 2
        else:
            assert job.state is JobState.FAILED
            assert job.error_kind == expected, job.error_message
            assert_plain_sentence(job.error_message)
            assert not [p for p in out.rglob("*")] if out.exists() else True, "a failed job left files behind"
            if job.has_ids:
                world.tamper.rules.clear()
                job = world.run(job.id)
                assert job.state is JobState.DONE, job.error_message
        assert world.fake.submit_count <= 1, "a job was sent twice"
        assert not list(tmp_path.rglob("*.part")), "a partial file was left"
        assert fingerprint(world.song) == source
        for take in world.store.takes(job.id):
            assert take.path.parent == out and take.path.name.startswith("take-")
        new_outside = {p for p in _tree(tmp_path) if not p.startswith(("out", "work", "jobs.sqlite3"))} - outside
        assert not new_outside, f"written outside the output folder: {new_outside}"
        assert not [p for p in tmp_path.parent.glob("evil*")] and not (tmp_path / "evil.wav").exists()
    finally:
        world.store.close()


VOICES = "/getAllVoices"
# (id, edit of the voice list answer, expected: number of voices offered, or the error kind)
CLIENT_ROWS: list[tuple[str, object, int | str]] = [
    ("voices: empty object", replace_with(200, {}), "malformed"),
    ("voices: list is a string", replace_with(200, {"voices": "all of them"}), "malformed"),
    ("voices: HTML instead of JSON", replace_with(200, HTML_PAGE), "malformed"),
    ("voices: 401 with HTML", replace_with(401, HTML_PAGE), "auth"),
    ("voices: items of every wrong type", replace_with(200, {"voices": [1, None, "v", [], {"voice_id": ""},
                                                                       {"voice_id": {"x": 1}}], "total": "many"}), 0),
    ("voices: ids as numbers", replace_with(200, {"voices": [{"voice_id": 7, "voice_name": None}], "total": True}), 1),
]  # fmt: skip


@pytest.mark.parametrize(("edit", "expected"), [r[1:] for r in CLIENT_ROWS], ids=[r[0] for r in CLIENT_ROWS])
def test_bad_client_answer(edit, expected) -> None:
    """The voice picker's call: a list it can show (skipping unusable items) or a typed error."""
    from desktop_app.api.errors import ServiceError
    from desktop_app.api.musicgpt import MusicGPTClient, clear_voice_cache
    from desktop_app.api.retry import RetryPolicy
    from tests.support.fake_services import MUSICGPT, FakeServices

    clear_voice_cache()
    fake = FakeServices()
    with httpx.Client(transport=Tamper(fake).add(VOICES, edit)) as http:
        client = MusicGPTClient(http, MUSICGPT, fake.key, policy=RetryPolicy(max_attempts=1))
        if isinstance(expected, int):
            page = client.voices()
            assert len(page.voices) == expected
            assert all(isinstance(v["voice_id"], str) and v["voice_name"] for v in page.voices)
        else:
            with pytest.raises(ServiceError) as caught:
                client.voices()
            assert caught.value.kind == expected
            assert_plain_sentence(str(caught.value))
    clear_voice_cache()


# ====================================================================================== in the real window


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory, jobs_song):
    """One shown main window for the window rows (each row puts back what it changed)."""
    from desktop_app.api.keys import KeyStore
    from desktop_app.services.jobs_service import JobsService
    from desktop_app.services.settings import Settings
    from desktop_app.ui.main_window import MainWindow

    folder = tmp_path_factory.mktemp("window")
    service = JobsService(store=JobStore(folder / "jobs.sqlite3"), key_store=KeyStore())
    win = MainWindow(settings=Settings(str(folder / "retake.ini")), jobs_service=service)
    win.resize(1400, 900)
    win.show()
    _open(win, jobs_song)
    yield win
    win.close()
    service.shutdown()
    service.store.close()


def _open(win, path: Path) -> tuple[str, str] | None:
    """Open ``path`` and wait for the outcome: None when it opened, else (path, message)."""
    import time

    from PySide6.QtTest import QTest

    outcome: dict[str, object] = {}

    def opened() -> None:
        outcome.setdefault("opened", True)

    def failed(where: str, message: str) -> None:
        outcome.setdefault("failed", (where, message))

    win.document.clip_changed.connect(opened)
    win.document.load_failed.connect(failed)
    try:
        win.open_file(path)
        deadline = time.monotonic() + 60
        while not outcome and time.monotonic() < deadline:  # polling with a deadline, events keep flowing
            QTest.qWait(10)
    finally:
        win.document.clip_changed.disconnect(opened)
        win.document.load_failed.disconnect(failed)
    assert outcome, f"opening {path.name} neither finished nor failed"
    return outcome.get("failed")  # type: ignore[return-value]


WINDOW_FILES = ["wav header claims an hour", "mp3 frame headers with no frame data", "ID3 tag longer than the file",
                "zero bytes", "html error page saved as .wav", "truncated flac", "one sample wav",
                "real one-hour 8 kHz wav"]  # fmt: skip


@pytest.mark.parametrize("kind", WINDOW_FILES)
def test_bad_audio_file_in_the_window(window, audio_files, jobs_song: Path, kind: str) -> None:
    """A bad file says why in the status bar and the open song stays; an odd but legal one opens."""
    path, expected = audio_files[kind], dict(AUDIO_ROWS)[kind]
    song_before, samples_before = window.document.path, window.document.clip.samples
    failure = _open(window, path)
    if isinstance(expected, int):
        assert failure is None and window.document.clip.frames == expected
        assert _open(window, jobs_song) is None  # and the next song opens after it
    else:
        assert failure is not None, f"{kind} opened"
        assert failure[1] == window.statusBar().currentMessage() and path.name in failure[1]
        assert_plain_sentence(failure[1])
        assert window.document.path == song_before and window.document.clip.samples is samples_before


# (field object name, text typed, words of the explanation); the selection is 4.0–8.0 s of a 24 s song
TYPED_SELECTION_ROWS = [
    ("seconds_start", "nan", "is not a time"),
    ("seconds_start", "inf", "is not a time"),
    ("seconds_start", "1e400", "is not a time"),
    ("seconds_start", "🎵", "is not a time"),
    ("seconds_start", "", "Type a time"),
    ("seconds_start", "-0.5", "cannot start before"),
    ("seconds_start", "8", "must come after its start"),
    ("seconds_end", "99:00", "cannot end after the song ends"),
    ("seconds_end", "1:2:3:4", "is not a time"),
    ("seconds_end", "-1", "must come after its start"),
    ("seconds_end", "1:-5", "only the first part may be negative"),
    ("seconds_length", "0", "must come after its start"),
    ("seconds_length", "0.05", "at least 0.1 s"),
    ("seconds_length", "30", "cannot end after the song ends"),
    ("bars_length", "-1", "cannot be negative"),
    ("bars_start", "99.1", "must come after its start"),
    ("bars_end", "5.9x", "is not a bar.beat"),
]


@pytest.mark.parametrize(("field", "text", "words"), TYPED_SELECTION_ROWS,
                         ids=[f"{f} {t!r}" for f, t, _w in TYPED_SELECTION_ROWS])  # fmt: skip
def test_bad_typed_selection(window, jobs_song: Path, field: str, text: str, words: str) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QLineEdit

    before = fingerprint(jobs_song)
    region, panel = window.document.region, window.region_panel
    region.set_range(4.0, 8.0)
    edit = panel.findChild(QLineEdit, field)
    edit.setFocus()
    edit.selectAll()
    QTest.keyClick(edit, Qt.Key.Key_Delete)
    if text.isascii():
        QTest.keyClicks(edit, text)
    else:  # QTest cannot synthesise keys outside Latin-1 (it aborts); an input method inserts text like this
        edit.insert(text)
    edit.setModified(True)  # typing nothing into an emptied field still counts as an entry
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert words in panel.message.text(), panel.message.text()
    assert_plain_sentence(panel.message.text())
    assert edit.property("invalid") is True
    assert region.bounds() == (4.0, 8.0)
    assert fingerprint(jobs_song) == before


FORM_BASE = {
    "inpaint": {"prompt": "brighter"},
    "sing_over": {"prompt": "soulful", "lyrics": "hold the line"},
    "remix": {"prompt": "lo-fi"},
    "add_vocals": {"prompt": "calm", "title": "Night", "style": "Jazz", "negative_tags": "metal"},
}
# (id, operation, field, value, words of the field's error or None when it is accepted, value the field holds)
FORM_ROWS = [
    ("inpaint section lyrics 2001", "inpaint", "lyrics_section_to_replace", LYRICS_2001, "2001 characters", None),
    ("inpaint lyrics 2001 emoji", "inpaint", "lyrics", "🎤" * 2001, "2001 characters", None),
    ("inpaint lyrics 2000 emoji", "inpaint", "lyrics", "🎤" * 2000, None, None),
    ("sing-over lyrics only spaces", "sing_over", "lyrics", "   \n  ", "required", None),
    ("add-vocals style 1001", "add_vocals", "style", "s" * 1001, "at most 1000", None),
    ("add-vocals negative tags 201", "add_vocals", "negative_tags", "n" * 201, "at most 200", None),
    ("add-vocals prompt 3001", "add_vocals", "prompt", "p" * 3001, "at most 3000", None),
    ("add-vocals title only spaces", "add_vocals", "title", "   ", "required", None),
    ("remix prompt emoji and accents", "remix", "prompt", EMOJI, None, None),
    ("style weight 1.01 is held at 1", "add_vocals", "style_weight", 1.01, None, 1.0),
    ("audio weight -0.01 is held at 0", "add_vocals", "audio_weight", -0.01, None, 0.0),
    ("weirdness 0.555 is held at 0.56", "add_vocals", "weirdness_constraint", 0.555, None, 0.56),
]


@pytest.mark.parametrize(("operation", "field", "value", "words", "held"), [r[1:] for r in FORM_ROWS],
                         ids=[r[0] for r in FORM_ROWS])  # fmt: skip
def test_bad_form_field_in_the_window(window, operation: str, field: str, value, words, held) -> None:
    """The form refuses, next to the field, what the service would refuse; spin boxes hold their range."""
    from desktop_app.api.operations import Operation

    op = Operation(operation)
    panel = window.jobs.panel
    window.document.region.set_range(4.0, 8.0)
    panel.set_operation(op)
    form = panel.forms[op]
    for name, field_widget in form.fields.items():
        field_widget.set_value(FORM_BASE[operation].get(name))
    assert panel.submit_button.isEnabled(), panel.problem_label.text()
    widget = form.fields[field]
    widget.set_value(value)
    if words is None:
        assert panel.submit_button.isEnabled(), panel.problem_label.text()
        request = panel.request()
        assert getattr(request, field) == (held if held is not None else value)
        assert request.problems(window.document.duration) == []
    else:
        assert not panel.submit_button.isEnabled()
        shown = widget.error.text() if widget.error.isVisibleTo(panel) else panel.problem_label.text()
        assert words in shown, shown
        assert_plain_sentence(shown)
    assert window.jobs.service.store.list_jobs() == []


def test_the_tables_try_at_least_100_bad_inputs() -> None:
    tables = [AUDIO_ROWS, REQUEST_ROWS, CLI_ROWS, ANSWER_ROWS, CLIENT_ROWS, FORM_ROWS,
              [(f"{f} {t}",) for f, t, _w in TYPED_SELECTION_ROWS], [(k,) for k in WINDOW_FILES]]  # fmt: skip
    ids = [row[0] for table in tables for row in table]
    assert len(ids) >= 100
    for table in tables:
        assert len({row[0] for row in table}) == len(table), "duplicate row id"
