"""`backstride serve` in team mode: checks first (one plain line each), then every address."""

from __future__ import annotations

import os
import socket
import sys

import pytest
import uvicorn

from backstride.cli import main

KEY = "k" * 48


@pytest.fixture
def started(monkeypatch) -> list[dict]:
    """What uvicorn.run was called with, instead of serving; team mode's environment."""
    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append(options))
    monkeypatch.delenv("BACKSTRIDE_DATABASE_URL", raising=False)
    monkeypatch.setenv("BACKSTRIDE_MODE", "team")
    monkeypatch.setenv("BACKSTRIDE_SECRET_KEY", KEY)
    monkeypatch.setenv("BACKSTRIDE_REDIS_URL", f"redis://127.0.0.1:{_closed_port()}/0")
    return calls


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["backstride", "serve", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    return code, capsys.readouterr().err


def test_a_short_secret_key_is_refused_in_one_line(started, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("BACKSTRIDE_SECRET_KEY", "short")

    code, err = _serve(monkeypatch, capsys, "--db", f"sqlite:///{tmp_path / 't.db'}")

    assert code == 1
    assert err.startswith("backstride: error: BACKSTRIDE_SECRET_KEY is too short")
    assert err.count("\n") == 1
    assert started == []


def test_an_unreachable_redis_is_refused_in_one_line(started, monkeypatch, capsys, tmp_path):
    code, err = _serve(monkeypatch, capsys, "--db", f"sqlite:///{tmp_path / 't.db'}")

    assert code == 1
    assert err.startswith("backstride: error: ")
    assert "redis" in err.lower()
    assert "Traceback" not in err
    assert started == []


def test_no_redis_url_is_refused_in_one_line(started, monkeypatch, capsys, tmp_path):
    monkeypatch.delenv("BACKSTRIDE_REDIS_URL")

    code, err = _serve(monkeypatch, capsys, "--db", f"sqlite:///{tmp_path / 't.db'}")

    assert code == 1
    assert "BACKSTRIDE_REDIS_URL" in err
    assert started == []


def test_team_mode_binds_where_asked_without_the_personal_warning(
    started, monkeypatch, capsys, tmp_path
):
    monkeypatch.setattr(
        "backstride.services.upload_queue.require_upload_queue",
        lambda settings: type("Ping", (), {"close": lambda self: None})(),
    )
    url = f"sqlite:///{tmp_path / 'team.db'}"

    code, err = _serve(monkeypatch, capsys, "--host", "0.0.0.0", "--workers", "2", "--db", url)

    assert code == 0, err
    assert "no login" not in err
    [options] = started
    assert (options["host"], options["workers"]) == ("0.0.0.0", 2)
    assert options["proxy_headers"] is True
    assert os.environ["BACKSTRIDE_DATABASE_URL"] == url
    assert (tmp_path / "team.db").is_file()


def test_a_database_it_cannot_open_is_refused_before_serving(started, monkeypatch, capsys):
    monkeypatch.setattr(
        "backstride.services.upload_queue.require_upload_queue",
        lambda settings: type("Ping", (), {"close": lambda self: None})(),
    )

    code, err = _serve(monkeypatch, capsys, "--db", "nosuchdriver://x")

    assert code == 1
    assert err.startswith("backstride: error: ")
    assert "Traceback" not in err
    assert started == []
