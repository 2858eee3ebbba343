"""`backstride rtr`: the graded return-to-run programme (start it, see where you stand)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import typer

from backstride.cli.options import Db, Format, OutputFormat, print_json

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer(
    help="Return to run: a graded walk-run programme steered by your daily check-ins.",
    no_args_is_help=True,
)

DECISION_STYLE = {
    "start": "bold",
    "progress": "bold green",
    "hold": "bold yellow",
    "regress": "bold red",
    "stop": "bold white on red",
}


@app.command("start")
def start(db: Db = None) -> None:
    """Start the programme at stage 1, a 30-minute brisk walk (after a safety check)."""
    from rich.console import Console

    from backstride.services.record import open_record
    from backstride.services.return_to_run import start_programme, status_document

    with open_record(db) as record:
        started = start_programme(record)
    console = Console()
    document = status_document(started.programme)
    if started.already_active:
        console.print(
            f"You already have a return-to-run programme, started {_day(document['started_on'])}."
        )
    else:
        console.print("Your return-to-run programme has started.")
    print_programme(document, console)


@app.command("status")
def status(format: Format = OutputFormat.text, db: Db = None) -> None:
    """Show your stage, the last decision and why, and your next session."""
    from backstride.services.record import open_record
    from backstride.services.return_to_run import programme_status, status_document

    with open_record(db) as record:
        document = status_document(programme_status(record))
    if format is OutputFormat.json:
        print_json(document)
        return
    print_programme(document)


def print_programme(document: dict[str, Any], console: Console | None = None) -> None:
    """Print a programme status document in plain words."""
    from rich.console import Console
    from rich.text import Text

    console = console or Console()
    session = document["next_session"]
    heading = Text("\nReturn to run: ", style="bold")
    heading.append(f"stage {document['stage']} of {document['stages']}")
    if session is not None:
        heading.append(f", {session['name'].lower()}")
    if document["status"] != "active":
        heading.append(f"  ({document['status'].upper()})", style="bold")
    console.print(heading)
    decision = Text("Last decision: ", style="bold")
    decision.append(document["decision"].upper(), style=DECISION_STYLE[document["decision"]])
    if document["decided_on"]:
        decision.append(f" on {_day(document['decided_on'])}")
    console.print(decision)
    for line in document["why"]:
        print_bullet(console, line)
    _next_session(console, document)


def print_bullet(console: Console, line: str, marker: str = "•") -> None:
    """A bullet with a hanging indent, so wrapped lines stay under the text."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, justify="right", no_wrap=True)
    grid.add_column()
    grid.add_row(marker, Text(line))
    console.print(grid)


def _next_session(console: Console, document: dict[str, Any]) -> None:
    from rich.text import Text

    session = document["next_session"]
    if session is None:
        console.print(
            Text(
                "Next session: none until a clinician has seen you. Then run `backstride assess` "
                "again, and `backstride rtr start` when it finds no warning signs.",
                style="bold",
            )
        )
        return
    label = "Keep going with" if document["status"] == "completed" else "Next session"
    console.print(Text.assemble((f"{label}: ", "bold"), session["text"]))
    if session["not_before"]:
        print_bullet(
            console,
            f"Not before {_day(session['not_before'])}: run sessions go on non-consecutive "
            "days, with cross-training or strength work on the days between.",
            marker="-",
        )
    for waiting in document["waiting"]:
        day = dt.date.fromisoformat(waiting)
        print_bullet(
            console,
            f"Your session of {_day(waiting)} is judged once you log the morning of "
            f"{_day(day + dt.timedelta(days=1))} with `backstride checkin`.",
            marker="-",
        )


def _day(iso: str | dt.date) -> str:
    day = dt.date.fromisoformat(iso) if isinstance(iso, str) else iso
    return f"{day:%A} {day.day} {day:%B %Y}"
