"""``retake engine serve`` runs the engine alone and prints where it listens."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import httpx


def _serve(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "desktop_app", "engine", "serve", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)  # fmt: skip


def test_serve_prints_its_addresses_and_answers(tmp_path):
    process = _serve("--json", "--data", str(tmp_path), "--api-key", "secret-key", "--faults", "credit:455")
    try:
        info = json.loads(process.stdout.readline())
        assert info["base_url"].startswith("http://127.0.0.1:") and info["api_key"] == "secret-key"
        assert info["musicgpt_base"] == info["base_url"] + "/api/public/v1"
        root = httpx.get(info["base_url"] + "/").json()
        assert root["engine"] == "local" and root["faults"] == "credit:455"
        voices = httpx.get(info["musicgpt_base"] + "/getAllVoices", headers={"Authorization": "secret-key"})
        assert voices.status_code == 200
        credit = httpx.get(info["base_url"] + "/api/v1/generate/credit", headers={"Authorization": "Bearer secret-key"})
        assert credit.json()["code"] == 455
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0


def test_serve_prints_the_base_url_first(tmp_path):
    process = _serve("--data", str(tmp_path))
    try:
        first = process.stdout.readline().strip()
        assert first.startswith("http://127.0.0.1:")
        assert httpx.get(first + "/").status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


def test_a_malformed_fault_spec_is_refused(tmp_path):
    process = _serve("--data", str(tmp_path), "--faults", "inpaint:explode")
    assert process.wait(timeout=30) == 2
    assert "unknown effect" in process.stderr.read()


def test_a_generated_key_reads_as_a_value_after_api_key(tmp_path):
    """The local engine's own keys go on command lines (`retake jobs resume --api-key KEY`): none may look like
    an option. Bare random tokens started with "-" one time in 64, which argparse refused."""
    from desktop_app.cli import _subcommand_parser
    from desktop_app.engine import LocalEngine

    parser = _subcommand_parser()
    for _ in range(300):
        key = LocalEngine(data_dir=tmp_path).api_key
        args = parser.parse_args(["jobs", "resume", "--all", "--api-key", key])
        assert args.api_key == key
