"""`backstride serve`: uvicorn runs the app factory, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
import uvicorn

from backstride.cli import main


@pytest.fixture
def started(monkeypatch) -> list[dict[str, Any]]:
    """What uvicorn.run was called with, instead of serving."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        uvicorn, "run", lambda app, **options: calls.append({"app": app, **options})
    )
    # serve passes the database on to its workers through the environment; undo it afterwards.
    monkeypatch.delenv("BACKSTRIDE_DATABASE_URL", raising=False)
    return calls


def run_serve(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["backstride", "serve", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    return code, capsys.readouterr().err


def test_serve_runs_the_factory_on_loopback_by_default(started, monkeypatch, capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'serve.db'}"

    code, err = run_serve(monkeypatch, capsys, "--db", url)

    assert code == 0, err
    assert err == "backstride: serving http://127.0.0.1:8000/ (Ctrl+C stops it)\n"
    [call] = started
    assert call["app"] == "backstride.web.app:app_from_environment"
    assert call["factory"] is True
    assert (call["host"], call["port"], call["workers"]) == ("127.0.0.1", 8000, 1)
    # The store was opened (and migrated) before any worker started; workers get the URL.
    assert (tmp_path / "serve.db").is_file()
    assert os.environ["BACKSTRIDE_DATABASE_URL"] == url


def test_serve_on_another_address_warns_that_there_is_no_login(
    started, monkeypatch, capsys, tmp_path
):
    args = ("--host", "0.0.0.0", "--port", "8123", "--workers", "2")

    code, err = run_serve(monkeypatch, capsys, *args, "--db", f"sqlite:///{tmp_path / 'x.db'}")

    assert code == 0
    assert "no login" in err
    assert (started[0]["host"], started[0]["port"], started[0]["workers"]) == ("0.0.0.0", 8123, 2)


def test_serve_in_team_mode_needs_a_secret_key_first(started, monkeypatch, capsys):
    # Team mode's other checks are tested in tests/web/team/test_serve_team.py.
    monkeypatch.setenv("BACKSTRIDE_MODE", "team")
    monkeypatch.delenv("BACKSTRIDE_SECRET_KEY", raising=False)

    code, err = run_serve(monkeypatch, capsys)

    assert code == 1
    assert err.startswith("backstride: error: team mode needs a secret key")
    assert started == []


def test_serve_with_a_database_it_cannot_open_fails_before_serving(started, monkeypatch, capsys):
    code, err = run_serve(monkeypatch, capsys, "--db", "nosuchdriver://x")

    assert code == 1
    assert err.startswith("backstride: error: ")
    assert "Traceback" not in err
    assert started == []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_over_http(tmp_path):
    port = _free_port()
    command = [sys.executable, "-m", "backstride", "serve", "--port", str(port)]
    command += ["--db", f"sqlite:///{tmp_path / 'live.db'}"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        document, headers = _get_when_up(f"http://127.0.0.1:{port}/api/v1/openapi.json", server)
    finally:
        server.terminate()
        try:
            _, err = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()  # never leave the server running past its test
            server.communicate()
            raise
    assert "/api/v1/assess" in document["paths"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "server" not in {name.lower() for name in headers}
    assert b"Traceback" not in err


def _get_when_up(url: str, server: subprocess.Popen[bytes]) -> tuple[Any, Any]:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.load(response), response.headers
        except (urllib.error.URLError, ConnectionError):
            if server.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)
