"""`backstride plan`: the week ahead, as text, JSON or a calendar file for a phone."""

from __future__ import annotations

import os
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from backstride.cli.options import Db

DAYS_EXAMPLE = "--days mon,wed,fri"


class PlanFormat(StrEnum):
    """How `backstride plan` gives the week."""

    text = "text"
    json = "json"
    ics = "ics"


def plan(
    days: Annotated[
        str | None,
        typer.Option(
            "--days",
            metavar="DAYS",
            help="The days you can run, e.g. mon,wed,fri. Kept for next time; without it "
            "Backstride uses the days you gave before, or asks.",
            show_default=False,
        ),
    ] = None,
    format: Annotated[
        PlanFormat,
        typer.Option(
            "--format",
            "-f",
            help="text: readable; json: every item with its dose and steps; ics: a calendar "
            "to import on your phone.",
        ),
    ] = PlanFormat.text,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write the plan to this file instead of the screen (e.g. week.ics).",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    db: Db = None,
) -> None:
    """The next 7 days: return-to-run sessions, strength, cross-training and daily mobility."""
    from backstride.clock import utc_now
    from backstride.services.plan import (
        parse_run_days,
        plan_calendar,
        plan_document,
        run_days_text,
        save_run_days,
        stored_run_days,
        week_ahead,
    )
    from backstride.services.record import open_record
    from backstride.services.return_to_run import runner_today

    chosen = parse_run_days(days) if days is not None else None
    with open_record(db) as record:
        if chosen is None and stored_run_days(record) is None:
            chosen = _ask_run_days()
        if chosen is not None:
            save_run_days(record, chosen)
            sys.stderr.write(
                f"backstride: your run days are now {run_days_text(chosen) or 'none'}; "
                f"change them with --days\n"
            )
        week = week_ahead(record, today=runner_today(record))
    if format is PlanFormat.ics:
        _write(plan_calendar(week, now=utc_now()), out)
    elif format is PlanFormat.json:
        import json

        text = json.dumps(plan_document(week), ensure_ascii=False, indent=2) + "\n"
        _write(text.encode("utf-8"), out)
    else:
        _print_text(plan_document(week), out)
    if out is not None:
        sys.stderr.write(f"backstride: the week ahead is in {out}\n")


def _ask_run_days() -> tuple[int, ...]:
    from backstride.errors import InputInvalid
    from backstride.services.plan import parse_run_days

    if not sys.stdin.isatty():
        raise InputInvalid(
            "Backstride does not know yet which days you can run, and standard input is not a "
            f"terminal to ask you; pass them with {DAYS_EXAMPLE}"
        )
    while True:
        answer = typer.prompt("Which days of the week can you run? (e.g. mon,wed,fri)")
        try:
            return parse_run_days(answer)
        except InputInvalid as exc:
            typer.echo(str(exc).removeprefix("--days: "), err=True)


def _write(data: bytes, out: Path | None) -> None:
    """Write to `out` whole or not at all (a temporary file renamed), or to standard output."""
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    from backstride.errors import InputInvalid

    folder = out.resolve().parent
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=folder)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, out)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InputInvalid(
            f"--out {out}: could not write the file ({exc.strerror or exc}); "
            "choose a folder you can write to"
        ) from exc


_LABELS = {
    "warm_up": "Warm-up",
    "walk": "Walk",
    "run": "Session",
    "cool_down": "Cool-down",
    "strength": "Strength",
    "cross_training": "Cross-train",
    "mobility": "Mobility",
}


def _print_text(document: dict[str, Any], out: Path | None) -> None:
    """Each day's items with their doses; the daily mobility routine is shown once."""
    import io

    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO() if out is not None else None
    console = Console(file=buffer, width=100) if buffer is not None else Console()
    stage = document["stage"]
    console.print(
        f"[bold]The week ahead[/bold]: {document['start']} to {document['end']}, "
        f"return-to-run stage {stage['number']} of {stage['of']} ({stage['name']})",
        highlight=False,
    )
    for line in document["why"]:
        console.print(f"  {line}", highlight=False)
    mobility = [i for i in document["days"][0]["items"] if i["kind"] == "mobility"]
    for day in document["days"]:
        console.print(
            f"\n[bold]{day['weekday'].title()} {day['date']}[/bold] · {day['title']}",
            highlight=False,
        )
        items = [i for i in day["items"] if i["kind"] != "mobility"]
        console.print(_items_table(Table, items + [_DAILY_MOBILITY] * bool(mobility)))
    if mobility:
        console.print("\n[bold]Mobility, every day[/bold]")
        console.print(_items_table(Table, mobility))
    console.print("\n[bold]Every session[/bold]")
    for note in document["notes"]:
        console.print(f"  • {note['name']}: {note['text']}", highlight=False)
    console.print(
        "\nThe steps of each exercise: `backstride kb show ID`, or `--format json`.\n"
        f"{document['disclaimer']}",
        highlight=False,
    )
    if buffer is not None:
        _write(buffer.getvalue().encode("utf-8"), out)


_DAILY_MOBILITY = {
    "kind": "mobility",
    "name": "The mobility routine below",
    "id": "",
    "dose": "Every day.",
}


def _items_table(table_type: Any, items: list[dict[str, Any]]) -> Any:
    table = table_type.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(ratio=1)
    table.add_column(ratio=1)
    for item in items:
        name = item["name"] + (f" [dim]\\[{item['id']}][/dim]" if item["id"] else "")
        table.add_row(f"  {_LABELS[item['kind']]}", name, item["dose"])
    return table
