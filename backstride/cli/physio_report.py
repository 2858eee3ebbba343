"""`backstride report`: a report to bring to a physiotherapist, as PDF or HTML."""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from backstride.cli.options import Db
from backstride.errors import InputInvalid


class ReportFormat(StrEnum):
    """The file a report is written as."""

    pdf = "pdf"
    html = "html"


_SUFFIXES = {ReportFormat.pdf: (".pdf",), ReportFormat.html: (".html", ".htm")}


def report(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            metavar="FILE",
            help="Where to write the report: FILE.pdf, or FILE.html with --format html.",
        ),
    ],
    format: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="pdf or html; default: from the file name (.html or .htm gives html, else pdf).",
            show_default=False,
        ),
    ] = None,
    weeks: Annotated[
        int, typer.Option("--weeks", "-w", help="How many weeks the chart and tables show.")
    ] = 8,
    until: Annotated[
        dt.datetime | None,
        typer.Option(
            "--until",
            formats=["%Y-%m-%d"],
            help="Report as of this date (YYYY-MM-DD); default: today.",
            show_default=False,
        ),
    ] = None,
    db: Db = None,
) -> None:
    """Write a report a physio can read in two minutes: triage, pain trend, stage, adherence."""
    from backstride.services.record import open_record
    from backstride.services.report import runner_report
    from backstride.services.return_to_run import runner_today

    chosen, path = _format_and_path(out, format)
    with open_record(db) as record:
        day = until.date() if until else runner_today(record)
        result = runner_report(record, today=day, weeks=weeks)
    if chosen is ReportFormat.html:
        from backstride.reports.physio_html import write_html

        write_html(result, path)
    else:
        from backstride.reports.physio_pdf import write_pdf

        write_pdf(result, path)
    sys.stdout.write(f"Report written to {path} ({chosen.value.upper()}).\n")


def _format_and_path(out: Path, chosen: ReportFormat | None) -> tuple[ReportFormat, Path]:
    """The format (given, or read from the suffix) and the file; a wrong suffix is an error."""
    suffix = out.suffix.lower()
    if chosen is None:
        chosen = ReportFormat.html if suffix in _SUFFIXES[ReportFormat.html] else ReportFormat.pdf
    if not suffix:
        return chosen, out.with_suffix(_SUFFIXES[chosen][0])
    if suffix not in _SUFFIXES[chosen]:
        raise InputInvalid(
            f"--out {out}: a {chosen.value.upper()} report is written to a "
            f"{_SUFFIXES[chosen][0]} file; name it {out.with_suffix(_SUFFIXES[chosen][0])}"
        )
    return chosen, out
