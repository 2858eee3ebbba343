"""`backstride activities` and `backstride load`: the runner's activities and training load."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from backstride.cli.options import Db, Format, OutputFormat, print_json

Until = Annotated[
    dt.datetime | None,
    typer.Option(
        "--until",
        formats=["%Y-%m-%d"],
        metavar="YYYY-MM-DD",
        help="Show the weeks up to this date; default: today.",
        show_default=False,
    ),
]


def activities(
    sport: Annotated[
        str | None, typer.Option("--sport", help="Only this sport, e.g. running.")
    ] = None,
    format: Format = OutputFormat.text,
    db: Db = None,
) -> None:
    """List the activities you have imported, oldest first."""
    from backstride.services.activities import activity_document, list_runner_activities
    from backstride.services.record import open_record

    with open_record(db) as record:
        stored = list_runner_activities(record, sport=sport)
    rows = [activity_document(s) for s in stored]
    if format is OutputFormat.json:
        print_json(rows)
        return
    from backstride.cli.tables import print_activities

    print_activities(rows)


def load(
    weeks: Annotated[int, typer.Option("--weeks", "-w", help="How many weeks to show.")] = 12,
    until: Until = None,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Also draw weekly distance, flags marked, to this PNG file."),
    ] = None,
    format: Format = OutputFormat.text,
    db: Db = None,
) -> None:
    """Weekly running load, with warnings when it rises too fast."""
    from backstride.services.load import load_document, runner_load
    from backstride.services.record import open_record
    from backstride.services.return_to_run import runner_today

    with open_record(db) as record:
        day = until.date() if until else runner_today(record)
        report = runner_load(record, weeks=weeks, until=day)
    document: dict[str, Any] = load_document(report)
    if plot is not None:
        from backstride.reports.charts import plot_weekly_load

        plot_weekly_load(report, plot)
    if format is OutputFormat.json:
        print_json(document)
        return
    from backstride.cli.tables import print_load

    print_load(document, plot)
