"""Security: a known API key is used for real jobs and then looked for everywhere it must not be.

The key is a canary: after CLI and GUI runs that really send it (the engine refuses requests
without it), every file the app wrote — settings INI, log files, crash-hook output, the SQLite
job store (all rows of all tables), ``job.json`` summaries, export sidecars — and everything
the CLI printed is searched for it. Also: plain http:// off this machine is refused, the local
engine wants its key and listens on loopback only, names and paths from a service are sanitised,
and the user's source file keeps its bytes and modification time through every operation.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.api.engines import EngineKind, EngineSpec, parse_engine
from desktop_app.api.errors import InsecureEngineError
from desktop_app.api.keys import KeyStore
from desktop_app.api.models import RemixRequest
from desktop_app.api.operations import Operation
from desktop_app.api.upload import safe_file_name
from desktop_app.engine import LocalEngine
from desktop_app.jobs.clients import ClientFactory
from desktop_app.jobs.states import JobState
from desktop_app.jobs.store import JobStore
from tests.support import WAIT_MS
from tests.support.audio_files import tone, write
from tests.support.files import fingerprint
from tests.support.fixtures import FAST
from tests.support.sending import send_and_wait

KEY = "sk-retake-CANARY-5f0c9e27d1b84a6a93e0"
CUSTOM = "https://engine.example"  # a custom engine over https, answered by the local engine behind a proxy
REPO = Path(__file__).resolve().parents[2]


def key_leaks(*places: Path) -> list[str]:
    """Every file under ``places`` whose bytes hold the key (SQLite files are also dumped row by row)."""
    found = []
    for place in places:
        files = [place] if place.is_file() else [p for p in place.rglob("*") if p.is_file()] if place.exists() else []
        for path in files:
            if KEY.encode() in path.read_bytes():
                found.append(str(path))
            if path.suffix == ".sqlite3" and KEY in dump_sqlite(path):
                found.append(f"{path} (rows)")
    return found


def dump_sqlite(path: Path) -> str:
    """All rows of all tables, as text (the WAL is read too, since it is an ordinary connection)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return "\n".join(repr(row) for table in tables for row in db.execute(f'SELECT * FROM "{table}"'))


def test_the_search_finds_a_planted_key(tmp_path: Path) -> None:
    """The search itself works, in plain files and in database rows."""
    (tmp_path / "a.txt").write_text(f"x {KEY} y")
    with sqlite3.connect(tmp_path / "j.sqlite3") as db:
        db.execute("CREATE TABLE t (v TEXT)")
        db.execute("INSERT INTO t VALUES (?)", (KEY,))
    assert set(key_leaks(tmp_path)) >= {str(tmp_path / "a.txt"), f"{tmp_path / 'j.sqlite3'} (rows)"}


@pytest.fixture(scope="module")
def key_engine(tmp_path_factory):
    with LocalEngine(data_dir=tmp_path_factory.mktemp("key_engine"), api_key=KEY) as engine:
        yield engine


@pytest.fixture(scope="module")
def song(tmp_path_factory) -> Path:
    return write(tmp_path_factory.mktemp("secure_song") / "my song.wav", tone(44100 * 6, 2, fade_frames=441), 44100,
                 "WAV", "PCM_16")  # fmt: skip


# ------------------------------------------------------------------------------------------------ CLI


def _cli(home: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("RETAKE_")}
    environ.update({"RETAKE_HOME": str(home), "RETAKE_AUDIO_OUTPUT": "silent", **(env or {})})
    return subprocess.run([sys.executable, "-m", "desktop_app", *args], cwd=REPO, env=environ, capture_output=True,
                          text=True, timeout=180)  # fmt: skip


def test_cli_jobs_with_a_known_key_leave_it_nowhere(key_engine: LocalEngine, song: Path, tmp_path: Path) -> None:
    home, engine = tmp_path / "home", key_engine.base_url  # a custom engine: loopback http is allowed
    before = fingerprint(song)
    key_engine.set_faults("byid:500x1")  # one failed poll: the retry path prints and logs the error too
    runs = [
        _cli(home, "remix", str(song), "--prompt", "lo-fi", "--engine", engine, "--api-key", KEY, "--out",
             str(tmp_path / "out1")),
        _cli(home, "inpaint", str(song), "--start", "1", "--end", "2.5", "--prompt", "brighter", "--engine", engine,
             "--out", str(tmp_path / "out2"), env={"RETAKE_ENGINE_API_KEY": KEY}),
        _cli(home, "voices", "--engine", engine, "--api-key", KEY),
        _cli(home, "jobs", "list"),
    ]  # fmt: skip
    key_engine.set_faults(None)
    wrong = _cli(home, "remix", str(song), "--prompt", "x", "--engine", engine, "--api-key", "sk-wrong-key-000")
    for run in runs:
        assert run.returncode == 0, run.stderr
    # The key matters (a wrong one is refused), so the runs above really carried it.
    assert wrong.returncode == 1 and "did not accept the API key" in wrong.stderr
    assert (tmp_path / "out1" / "job.json").is_file() and (tmp_path / "out2" / "job.json").is_file()
    assert list((home / "logs").glob("retake.log*")) or list(home.rglob("retake.log*")), "the CLI wrote no log"
    printed = "".join(run.stdout + run.stderr for run in [*runs, wrong])
    assert KEY not in printed
    assert key_leaks(home, tmp_path / "out1", tmp_path / "out2") == []
    assert fingerprint(song) == before


# ------------------------------------------------------------------------------------------------ GUI


class ForwardToEngine(httpx.MockTransport):
    """``https://engine.example`` is the local engine (over loopback); everything else passes as is."""

    def __init__(self, engine: LocalEngine) -> None:
        super().__init__(self._forward)
        self._engine = engine
        self._client = httpx.Client()
        self.authorizations: list[str] = []

    def _forward(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.host == "engine.example":
            self.authorizations.append(request.headers.get("authorization", ""))
            port = int(self._engine.base_url.rsplit(":", 1)[1])
            url = url.copy_with(scheme="http", host="127.0.0.1", port=port)
        headers = [(k, v) for k, v in request.headers.multi_items() if k.lower() != "host"]
        answer = self._client.send(httpx.Request(request.method, url, headers=headers, content=request.read()))
        drop = {"content-encoding", "transfer-encoding", "content-length", "connection"}
        kept = [(k, v) for k, v in answer.headers.multi_items() if k.lower() not in drop]
        return httpx.Response(answer.status_code, content=answer.content, headers=kept)


@pytest.fixture
def secure_window(qtbot, tmp_path: Path, key_engine: LocalEngine, song: Path, monkeypatch):
    from desktop_app.services.jobs_service import JobsService
    from desktop_app.services.settings import Options, Settings
    from desktop_app.ui.main_window import MainWindow

    monkeypatch.setenv("RETAKE_DATA_DIR", str(tmp_path / "data"))
    keys = KeyStore()
    keys.set(EngineSpec(EngineKind.CUSTOM, CUSTOM).keyring_name, KEY)
    proxy = ForwardToEngine(key_engine)
    factory = ClientFactory(key_store=keys, transport=proxy)
    service = JobsService(store=JobStore(tmp_path / "data" / "jobs.sqlite3"), factory=factory, settings=FAST,
                          key_store=keys)  # fmt: skip
    settings = Settings(str(tmp_path / "retake.ini"))
    settings.set(Options.engine, CUSTOM)
    win = MainWindow(settings=settings, jobs_service=service)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    with qtbot.waitSignal(win.document.clip_changed, timeout=WAIT_MS):
        win.open_file(song)
    win.proxy = proxy
    yield win
    win.close()
    service.shutdown()
    service.store.close()


def test_a_gui_job_with_a_known_key_leaves_it_nowhere(secure_window, qtbot, song: Path, tmp_path: Path,
                                                      monkeypatch) -> None:  # fmt: skip
    import logging

    from desktop_app.api.redact import install_log_redaction
    from desktop_app.logging_setup import log_file, setup_logging
    from desktop_app.ui import crash

    win, before = secure_window, fingerprint(song)
    setup_logging()
    install_log_redaction()
    panel, service = win.jobs.panel, win.jobs.service
    panel.set_operation(Operation.REMIX)
    panel.refresh_engine()
    panel.forms[Operation.REMIX].fields["prompt"].set_value("warmer, with tape hiss")
    job = send_and_wait(win, qtbot)
    job_id = job.id
    assert job.state is JobState.DONE, job.error_message
    assert job.engine == CUSTOM and KEY in win.proxy.authorizations  # the key really went to the engine
    assert fingerprint(song) == before

    # Keep the whole take, then export it with its sidecar.
    comparison = win.results.comparison
    qtbot.waitUntil(
        lambda: len(comparison.lanes) == 3 and all(lane.samples is not None for lane in comparison.lanes), timeout=30000
    )
    win.results.use_whole_take(comparison.lanes[1].key)
    qtbot.waitUntil(lambda: win.document.working.edited, timeout=30000)  # saved off the GUI thread
    (tmp_path / "export").mkdir()
    monkeypatch.setattr("desktop_app.ui.results.keeping.QMessageBox.warning", _fail_instead_of_a_dialog)
    exported = win.results.export_to("working", tmp_path / "export" / "my song-retake", "wav16").result(timeout=30)
    assert exported is not None and (exported.parent / (exported.name + ".json")).is_file()
    assert fingerprint(song) == before

    # A bug whose exception carries the key, through the crash hooks (dialog text captured, not shown).
    shown: list[str] = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setattr(crash, "_show_dialog", shown.append)
    crash.install_exception_hooks(show_dialog=True)
    for hook in (sys.excepthook, lambda *exc: threading.excepthook(threading.ExceptHookArgs((*exc, None)))):
        try:
            raise RuntimeError(f"request failed with headers {{'Authorization': '{KEY}'}}")
        except RuntimeError as error:
            hook(type(error), error, error.__traceback__)
    logging.getLogger("retake.test").warning("sending %s", {"Authorization": KEY})
    for handler in logging.getLogger().handlers:
        handler.flush()
    win.settings.sync()

    assert shown and all(KEY not in text and "RuntimeError" in text for text in shown)
    log_text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in log_file().parent.glob("retake.log*"))
    assert "RuntimeError: request failed" in log_text  # the crash was logged ...
    assert KEY not in log_text  # ... without the key
    takes = service.store.takes(job_id)
    places = [tmp_path / "retake.ini", log_file().parent, tmp_path / "data", tmp_path / "export", takes[0].path.parent]
    assert (takes[0].path.parent / "job.json").is_file()
    assert key_leaks(*places) == []
    assert fingerprint(song) == before


def _fail_instead_of_a_dialog(_parent, title: str, text: str) -> None:
    raise AssertionError(f"{title}: {text}")  # a modal box would wait forever offscreen


# ---------------------------------------------------------------------------------------- http:// refused

REFUSED = ["http://example.com", "http://192.168.1.20:8000", "http://[2001:db8::1]:80", "http://0.0.0.0:8000",
           "http://localhost.example.com", "http://127.0.0.1.nip.io"]  # fmt: skip
ALLOWED = ["http://127.0.0.1:9", "http://localhost:9", "http://[::1]:9", "https://engine.example"]


@pytest.mark.parametrize("url", REFUSED)
def test_plain_http_off_this_machine_is_refused_before_any_request(url: str, tmp_path: Path, song: Path) -> None:
    """Typed (CLI, settings) or already in the job store: refused with a sentence, and nothing is sent."""
    with pytest.raises(InsecureEngineError, match=r"Refusing plain http|not a web address"):
        parse_engine(url)
    sent: list[httpx.Request] = []
    factory = ClientFactory(api_keys={"*": KEY}, transport=httpx.MockTransport(lambda r: sent.append(r)))
    with JobStore(tmp_path / "jobs.sqlite3") as store:
        job = store.create_job("remix", url, RemixRequest(audio_file=song, prompt="x").to_params(),
                               out_dir=tmp_path / "out", input_path=song)  # fmt: skip
        from desktop_app.jobs.runner import JobRunner

        job = JobRunner(store, factory).run(job.id)
        assert job.state is JobState.FAILED and job.error_kind == "insecure_engine"
    assert sent == [] and not (tmp_path / "out").exists()


@pytest.mark.parametrize("url", ALLOWED)
def test_https_and_loopback_engines_are_allowed(url: str) -> None:
    assert parse_engine(url).url == url


def test_an_http_engine_in_the_settings_file_is_refused_in_the_window(qtbot, tmp_path: Path, song: Path) -> None:
    from desktop_app.services.jobs_service import JobsService
    from desktop_app.services.settings import Options, Settings
    from desktop_app.ui.main_window import MainWindow

    settings = Settings(str(tmp_path / "retake.ini"))
    settings.set(Options.engine, "http://203.0.113.5:8000")  # as a hand-edited or copied INI file can say
    service = JobsService(store=JobStore(tmp_path / "jobs.sqlite3"), key_store=KeyStore())
    win = MainWindow(settings=settings, jobs_service=service)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.document.clip_changed, timeout=WAIT_MS):
        win.open_file(song)
    panel = win.jobs.panel
    panel.set_operation(Operation.REMIX)
    panel.forms[Operation.REMIX].fields["prompt"].set_value("lo-fi")
    assert not panel.submit_button.isEnabled()
    assert "Refusing plain http://" in panel.problem_label.text()
    win.close()
    service.shutdown()
    service.store.close()


# -------------------------------------------------------------------------------------------- local engine

ROUTES = [("POST", "/api/public/v1/Remix"), ("POST", "/api/public/v1/inpaint"), ("GET", "/api/public/v1/byId"),
          ("GET", "/api/public/v1/getAllVoices"), ("POST", "/api/file-stream-upload"),
          ("POST", "/api/v1/generate/add-vocals"), ("GET", "/api/v1/generate/record-info")]  # fmt: skip


@pytest.mark.parametrize("authorization", [None, "", "sk-wrong", f"Bearer {KEY}x", KEY[:-1], f"{KEY}0", KEY.upper()])
@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[p for _m, p in ROUTES])
def test_the_local_engine_refuses_requests_without_its_key(key_engine, authorization, method, path) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    answer = httpx.request(method, key_engine.base_url + path, headers=headers, timeout=10)
    # MusicGPT answers with HTTP 401; sunoapi.org with HTTP 200 and code 401 in the envelope.
    code = answer.status_code if "/public/" in path else answer.json()["code"]
    assert code == 401, answer.text
    assert KEY not in answer.text


def test_the_local_engine_listens_on_loopback_only(key_engine) -> None:
    assert key_engine.base_url.startswith("http://127.0.0.1:")
    port = int(key_engine.base_url.rsplit(":", 1)[1])
    tcp = Path("/proc/net/tcp")
    if not tcp.exists():
        pytest.skip("no /proc/net/tcp on this system")
    listening = [line.split() for line in tcp.read_text().splitlines()[1:] if line.split()[3] == "0A"]  # LISTEN
    ours = [fields[1] for fields in listening if int(fields[1].split(":")[1], 16) == port]
    assert ours == [f"0100007F:{port:04X}"], ours  # 127.0.0.1, not 0.0.0.0
    tcp6 = Path("/proc/net/tcp6")
    if tcp6.exists():
        lines = [line.split() for line in tcp6.read_text().splitlines()[1:]]
        assert not [f for f in lines if f[3] == "0A" and int(f[1].split(":")[1], 16) == port]


@pytest.mark.parametrize("path", ["/files/conversions/../../jobs.sqlite3", "/files/uploads/%2e%2e/%2e%2e/x",
                                  "/files/conversions/..%2F..%2Fengine.json", "/files/../api/public/v1/byId",
                                  "/files/conversions//etc/passwd", "/files/secrets/x"])  # fmt: skip
def test_the_engine_serves_no_file_outside_its_folders(key_engine, path: str) -> None:
    answer = httpx.get(key_engine.base_url + path, timeout=10)
    assert answer.status_code in (401, 404)  # a "../" the client resolves lands on a keyed route
    assert b"root:" not in answer.content and b"SQLite" not in answer.content


# ------------------------------------------------------------------------------- names and the source file


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=300)
    | st.sampled_from(
        [
            "..",
            ".",
            "../../etc/passwd",
            "..\\..\\boot.ini",
            "CON",
            "a/../../b.wav",
            "\x00.wav",
            " . ",
            "/",
            "~/.ssh/id_rsa",
        ]
    )
)
def test_names_from_outside_become_plain_file_names(name: str) -> None:
    safe = safe_file_name(name)
    assert safe and len(safe) <= 100 and safe not in (".", "..")
    assert not set(safe) & set('/\\\x00:*?"<>|\r\n') and safe.isascii()
    out = Path("/tmp/retake-out")
    assert (out / safe).resolve().parent == out.resolve()


def test_an_odd_source_name_is_sanitised_in_the_upload(tmp_path: Path) -> None:
    """The multipart file name comes from the user's file name: quotes and line breaks cannot forge fields."""
    from tests.support.fake_services import parse_multipart
    from tests.support.jobs_world import World

    world = World(tmp_path)
    odd = world.song.with_name('take "1"; name=evil\r\nX-Injected: 1 ..wav')
    world.song.rename(odd)
    before = fingerprint(odd)
    job = world.create(RemixRequest(audio_file=odd, prompt="lo-fi"))
    assert world.run(job.id).state is JobState.DONE
    _fields, files = parse_multipart(world.fake.calls("/Remix")[0])
    assert set(files) == {"audio_file"}
    name = files["audio_file"][0]
    assert name == safe_file_name(odd.name) and '"' not in name and "\r" not in name
    assert fingerprint(odd) == before
    world.store.close()


def test_export_never_overwrites_the_source(song: Path) -> None:
    from desktop_app.audio.export import Provenance, export

    before = fingerprint(song)
    with pytest.raises(FileExistsError):
        export(tone(4410, 2), 44100, song, "wav16", Provenance(title="x"))
    assert fingerprint(song) == before
