"""Run the command line in-process, as a user would from a shell, on a terminal of a set width."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest

from backstride.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str


#: The width Rich lays text out in, whatever the terminal the tests run in.
COLUMNS = 80


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """Call `backstride ARGS...` on a terminal `columns` wide; returns the exit code and what it
    printed."""

    def run(*args: str, stdin_tty: bool = False, columns: int = COLUMNS) -> Result:
        monkeypatch.setenv("COLUMNS", str(columns))
        monkeypatch.setattr(sys, "argv", ["backstride", *args])
        monkeypatch.setattr(sys.stdin, "isatty", lambda: stdin_tty, raising=False)
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
