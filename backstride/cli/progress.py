"""`backstride progress`: the pain diary against weekly running, as a table or a chart."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from backstride.cli.options import Db

if TYPE_CHECKING:
    from backstride.reports.progress import Progress

Until = Annotated[
    dt.datetime | None,
    typer.Option(
        "--until",
        formats=["%Y-%m-%d"],
        help="Show the weeks up to this date (YYYY-MM-DD); default: today.",
        show_default=False,
    ),
]


def progress(
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            metavar="FILE.png",
            help="Draw morning and session pain against weekly distance, stage changes "
            "marked, to this PNG file.",
        ),
    ] = None,
    weeks: Annotated[int, typer.Option("--weeks", "-w", help="How many weeks to show.")] = 8,
    until: Until = None,
    db: Db = None,
) -> None:
    """Your progress: morning pain, session pain, weekly distance and return-to-run stage."""
    from backstride.services.progress import runner_progress
    from backstride.services.record import open_record
    from backstride.services.return_to_run import runner_today

    with open_record(db) as record:
        day = until.date() if until else runner_today(record)
        result = runner_progress(record, until=day, weeks=weeks)
    if plot is not None:
        from backstride.reports.progress import plot_progress

        plot_progress(result, plot)
    _print_weeks(result, plot)


def _print_weeks(result: Progress, plot: Path | None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if result.is_empty:
        message = result.empty_message()
        console.print(f"{message[0].upper()}{message[1:]}.")
        return
    table = Table(
        title=f"Your last {len(result.weeks)} weeks (morning pain: weekly average, 0-10)",
        title_justify="left",
    )
    table.add_column("Week of")
    table.add_column("Check-ins", justify="right")
    table.add_column("Morning pain", justify="right")
    table.add_column("Sessions", justify="right")
    table.add_column("Run km", justify="right")
    table.add_column("Stage", justify="right")
    for week in result.weeks:
        pain = "-" if week.morning_pain_avg is None else f"{week.morning_pain_avg:.1f}"
        stage = "active" if week.in_programme else "-"
        if week.stage is not None:
            stage = f"{week.stage} of {result.stages}"
        table.add_row(
            f"{week.week_start.day} {week.week_start:%b %Y}",
            str(week.check_ins),
            pain,
            str(week.sessions),
            f"{week.distance_km:.1f}",
            stage,
        )
    console.print(table)
    if any(w.in_programme and w.stage is None for w in result.weeks):
        console.print("  active: in the programme (only the latest stage change is kept)")
    for mark in result.stage_marks:
        console.print(f"  {mark.day.day} {mark.day:%b}: {mark.label}")
    if plot is not None:
        console.print(f"Chart written to {plot}")
