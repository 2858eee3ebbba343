"""`backstride import`: bring activity files and bulk exports into your record."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from backstride.cli.options import Db, Format, OutputFormat, print_json


def import_files(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH...",
            help="Files (.fit, .gpx, .tcx, optionally .gz), folders, or a Strava or Garmin "
            "Connect export zip.",
        ),
    ],
    format: Format = OutputFormat.text,
    db: Db = None,
) -> None:
    """Import activity files; re-importing the same files adds nothing."""
    from backstride.services.importing import find_sources, import_sources
    from backstride.services.record import open_record

    sources = find_sources(paths)
    with open_record(db) as record:
        if format is OutputFormat.json or not sys.stderr.isatty():
            summary = import_sources(record, sources)
        else:
            summary = _with_progress(record, sources)
    if format is OutputFormat.json:
        print_json(summary.document())
    else:
        _print_summary(summary.document())
    raise typer.Exit(summary.exit_code)


def _with_progress(record: Any, sources: list[Any]) -> Any:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from backstride.services.importing import import_sources

    total_mb = sum(s.size for s in sources) / 1e6
    started = time.perf_counter()
    counts = {"activities": 0, "mb": 0.0}
    progress = Progress(
        TextColumn("[bold]Importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files  {task.fields[mb]:.1f}/{task.fields[total_mb]:.1f} MB"),
        TextColumn("{task.fields[rate]:.0f} activities/s"),
        TimeRemainingColumn(),
        transient=False,
    )
    with progress:
        task = progress.add_task("import", total=len(sources), mb=0.0, total_mb=total_mb, rate=0.0)

        def advance(outcome: Any) -> None:
            counts["activities"] += len(outcome.activities)
            counts["mb"] += outcome.source.size / 1e6
            elapsed = max(time.perf_counter() - started, 1e-6)
            progress.update(task, advance=1, mb=counts["mb"], rate=counts["activities"] / elapsed)

        return import_sources(record, sources, on_outcome=advance)


def _print_summary(document: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title="Import summary", show_header=False)
    table.add_row("activities added", str(document["imported"]))
    table.add_row("already in your record", str(document["duplicates"]))
    table.add_row("files skipped (not activities)", str(len(document["skipped"])))
    table.add_row("files that failed", str(len(document["failed"])))
    console.print(table)
    if document["skipped"] or document["failed"]:
        problems = Table("", "file", "why", title="Files not imported", title_justify="left")
        for item in document["skipped"]:
            problems.add_row("skipped", item["file"], item["reason"])
        for item in document["failed"]:
            problems.add_row("[red]failed[/red]", item["file"], item["error"])
        console.print(problems, highlight=False)
    if document["imported"]:
        console.print(
            "See them with `backstride activities` and your weekly load with `backstride load`."
        )
