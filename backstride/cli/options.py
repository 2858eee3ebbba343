"""Options shared by several commands."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from backstride.errors import InputInvalid


class OutputFormat(StrEnum):
    """How a command prints its result."""

    text = "text"
    json = "json"


Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="URL",
        help="Database URL (SQLAlchemy form); default: BACKSTRIDE_DATABASE_URL, or a SQLite "
        "file in your data folder.",
        show_default=False,
    ),
]
Format = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="text: a readable report; json: the contract."),
]


def require_terminal(flag: str) -> None:
    """Refuse to ask questions when nobody can answer them (a script, a pipe, CI)."""
    if not sys.stdin.isatty():
        raise InputInvalid(
            f"standard input is not a terminal, so Backstride cannot ask its questions; pass {flag}"
        )


def print_json(document: object) -> None:
    """Print a JSON document to standard output, UTF-8, keys in the order built."""
    import json

    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
