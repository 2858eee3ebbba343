"""Tables for the terminal: activities and weekly load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table


def print_activities(rows: list[dict[str, Any]]) -> None:
    """A table of activities; a hint when there are none yet."""
    console = Console()
    if not rows:
        console.print("No activities yet: bring them in with `backstride import PATH`.")
        return
    table = Table("start (UTC)", "sport", "km", "time", "ascent m", "device", "file")
    for row in rows:
        sport = row["sport"] + (f" ({row['sub_sport']})" if row.get("sub_sport") else "")
        table.add_row(
            row["start"].replace("T", " ").removesuffix("Z"),
            sport,
            _number(row["distance_m"], 1000, 2),
            _duration(row["timer_s"] or row["elapsed_s"]),
            _number(row["ascent_m"], 1, 0),
            row.get("device") or "",
            row["file"],
        )
    console.print(table)
    console.print(f"{len(rows)} activities")


def print_load(document: dict[str, Any], plot: Path | None) -> None:
    """The weekly table with flagged weeks marked, then each flag explained with its sources."""
    console = Console()
    flagged_weeks = {f["week_start"] for f in document["flags"] if "week_start" in f}
    spike_weeks = {_monday(f["date"]) for f in document["flags"] if "date" in f}
    table = Table("week of", "runs", "km", "minutes", "descent m", "longest km", "")
    for week in document["weeks"]:
        marks = []
        if week["week_start"] in flagged_weeks:
            marks.append("[bold red]rise > 30%[/]")
        if week["week_start"] in spike_weeks:
            marks.append("[bold yellow]long-run spike[/]")
        table.add_row(
            week["week_start"],
            str(week["runs"]),
            f"{week['distance_km']:.1f}",
            f"{week['duration_min']:.0f}",
            f"{week['descent_m']:.0f}",
            f"{week['longest_run_km']:.1f}",
            ", ".join(marks),
        )
    console.print(table)
    numbers = {s["id"]: n for n, s in enumerate(document["sources"], start=1)}
    if document["flags"]:
        console.print("\n[bold]Warnings[/bold]")
        for flag in document["flags"]:
            refs = ", ".join(str(numbers[s]) for s in flag["sources"])
            console.print(f"  • {flag['text']} [{refs}]", highlight=False)
    else:
        console.print("\nNo warnings: your running has not risen too fast in these weeks.")
    acwr = document["acwr"]
    if acwr["value"] is not None:
        refs = ", ".join(str(numbers[s]) for s in acwr["sources"])
        console.print(
            f"\nAcute:chronic ratio (EWMA, 7 and 28 days): {acwr['value']:.2f}. "
            f"{acwr['note']} [{refs}]",
            highlight=False,
        )
    console.print("\n[bold]Sources[/bold]")
    for source in document["sources"]:
        console.print(f"  [{numbers[source['id']]}] {source['citation']}", highlight=False)
    if plot is not None:
        console.print(f"\nChart written to {plot}")


def _monday(day: str) -> str:
    import datetime as dt

    date = dt.date.fromisoformat(day)
    return (date - dt.timedelta(days=date.weekday())).isoformat()


def _number(value: float | None, divide: float, digits: int) -> str:
    return "" if value is None else f"{value / divide:.{digits}f}"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"
