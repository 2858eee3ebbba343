"""`backstride form`: running-form analysis of a side-view video, on this machine."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from backstride.cli.options import Db, Format, OutputFormat, print_json

UNUSABLE_EXIT = 1


def form(
    video: Annotated[
        Path,
        typer.Argument(
            metavar="VIDEO",
            help="A side-view video of you running (.mp4, .mov): treadmill or track, the whole "
            "body in the picture, 10-30 s.",
            dir_okay=False,
        ),
    ],
    slow_motion: Annotated[
        float | None,
        typer.Option(
            "--slow-motion",
            metavar="X",
            help="How many times slower than real time the clip plays (e.g. 4 for a 120 fps clip "
            "saved at 30 fps); needed for cadence when the file does not say.",
            show_default=False,
        ),
    ] = None,
    format: Format = OutputFormat.text,
    overlay: Annotated[
        Path | None,
        typer.Option(
            "--overlay",
            metavar="OUT.mp4",
            help="Also write the clip with the skeleton, the landings and the measures drawn.",
            dir_okay=False,
        ),
    ] = None,
    keep_video: Annotated[
        bool,
        typer.Option(
            "--keep-video", help="Keep the video itself in your record, not only the result."
        ),
    ] = False,
    save: Annotated[
        bool, typer.Option("--save/--no-save", help="Keep the result in your record.")
    ] = True,
    db: Db = None,
) -> None:
    """Analyse your running form from a side-view video: cadence, overstride, trunk lean."""
    from backstride.services.form import analyse_video, check_slow_motion

    check_slow_motion(slow_motion)
    show = format is OutputFormat.text and sys.stderr.isatty()
    result = (
        _with_progress(video, slow_motion)
        if show
        else analyse_video(video, slow_motion=slow_motion)
    )
    if overlay is not None:
        _write_overlay(video, result, overlay, show)
    if format is OutputFormat.json:
        print_json(result.document)
    else:
        print_form(result.document)
    if not result.usable:
        raise typer.Exit(UNUSABLE_EXIT)
    if save:
        from backstride.services.form import save_form_result
        from backstride.services.record import open_record

        with open_record(db) as record:
            save_form_result(record, result, video=video.read_bytes() if keep_video else None)
        if format is OutputFormat.text:
            sys.stderr.write(
                "backstride: kept in your record (the video "
                + ("too" if keep_video else "was not kept")
                + "); your next `backstride assess` uses these findings\n"
            )


def _with_progress(video: Path, slow_motion: float | None) -> Any:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from backstride.services.form import analyse_video

    with Progress(
        TextColumn("[bold]Analysing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("frames"),
        TimeRemainingColumn(),
        transient=True,
    ) as progress:
        task = progress.add_task("frames", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return analyse_video(video, slow_motion=slow_motion, progress=advance)


def _write_overlay(video: Path, result: Any, out: Path, show: bool) -> None:
    from backstride.errors import InputInvalid
    from backstride.form.drawing import write_overlay
    from backstride.form.video import probe

    if out.resolve() == video.resolve():
        raise InputInvalid(f"--overlay {out}: that is the video being analysed; name another file")
    if out.suffix.lower() != ".mp4":
        raise InputInvalid(f"--overlay {out}: the overlay is written as .mp4; name a .mp4 file")
    try:
        write_overlay(video, probe(video), result.analysis, out)
    except OSError as exc:
        raise InputInvalid(f"--overlay {out}: cannot be written ({exc.strerror or exc})") from exc
    if show:
        sys.stderr.write(f"backstride: overlay written to {out}\n")


def print_form(document: dict[str, Any], console: Any = None) -> None:
    """The analysis as a short report: quality first, then the measures and the findings."""
    from rich.console import Console

    console = console or Console()
    video, quality, metrics = document["video"], document["quality"], document["metrics"]
    console.print(
        f"[bold]Running form[/bold]: {video['file']} ({video['seconds']:g} s, "
        f"{video['fps']:g} fps, {video['width']}x{video['height']})",
        highlight=False,
    )
    if not quality["usable"]:
        console.print("[bold red]This clip cannot be analysed reliably.[/bold red]")
    for problem in quality["problems"]:
        console.print(f"  ! {problem}", highlight=False)
    if metrics is not None:
        _print_metrics(console, document, metrics)
    if quality["usable"]:
        _print_findings(console, document["findings"])
    console.print(f"[dim]{document['disclaimer']}[/dim]")


def _print_metrics(console: Any, document: dict[str, Any], m: dict[str, Any]) -> None:
    rows = []
    if m["cadence_spm"] is not None:
        rows.append(("Cadence", f"{m['cadence_spm']:.0f} steps/min"))
    over = m["overstride"]
    if over["shank_angle_deg"] is not None:
        rows.append(("Shin at landing", f"{over['shank_angle_deg']:.0f}° past vertical"))
    if over["heel_ahead_leg_lengths"] is not None:
        rows.append(("Heel ahead of hips", f"{over['heel_ahead_leg_lengths']:.2f} leg lengths"))
    if m["trunk_lean_deg"] is not None:
        lean = m["trunk_lean"]
        trend = {
            "steady": "steady",
            "more_lean": "leaning more by the end",
            "less_lean": "leaning less by the end",
        }
        category = lean["category"].replace("_", " ")
        how = f"{m['trunk_lean_deg']:.0f}° forward, {category}, {trend[lean['trend']]}"
        rows.append(("Trunk lean", how))
    if m["head_forward"] is not None:
        rows.append(
            ("Head", f"{m['head_forward']} ({m['head_forward_deg']:.0f}° ahead of the trunk line)")
        )
    if m["elbow_angle_deg"] is not None:
        rows.append(("Elbow (near arm)", f"{m['elbow_angle_deg']:.0f}°"))
    if m["vertical_oscillation_leg_lengths"] is not None:
        rows.append(
            ("Bounce (approximate)", f"{m['vertical_oscillation_leg_lengths']:.2f} leg lengths")
        )
    steps = document["quality"]["steps"]
    console.print(f"[bold]Measured[/bold] over {steps} steps, facing {document['facing']}:")
    for name, value in rows:
        console.print(f"  {name}: {value}", highlight=False)


def _print_findings(console: Any, findings: list[dict[str, Any]]) -> None:
    if not findings:
        console.print("[bold]Findings[/bold]: nothing in this clip passes Backstride's thresholds.")
        return
    console.print("[bold]Findings[/bold]:")
    for finding in findings:
        console.print(f"  * [bold]{finding['name']}[/bold]: {finding['evidence']}", highlight=False)
        console.print(f"    Try: {finding['advice']}", highlight=False)
        console.print(
            f"    Cues: {', '.join(finding['cues'])}; sources: {', '.join(finding['sources'])}",
            highlight=False,
        )
