"""`backstride export`, `restore` and `forget`: the runner's data is theirs to take or delete."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from backstride.cli.options import Db

_WORDS = {
    "assessments": ("assessment", "assessments"),
    "check_ins": ("check-in", "check-ins"),
    "return_to_run": ("return-to-run programme", "return-to-run programmes"),
    "activities": ("activity", "activities"),
    "activity_files": ("original activity file", "original activity files"),
    "outcomes": ("outcome questionnaire", "outcome questionnaires"),
    "form_analyses": ("form analysis", "form analyses"),
}


class ExportFormat(StrEnum):
    """What `backstride export` writes."""

    zip = "zip"
    fhir = "fhir"


def export(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="The file to write, e.g. backstride-export.zip, or backstride-fhir.json with "
            "--format fhir (replaced if it exists).",
            dir_okay=False,
        ),
    ],
    format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help="zip: everything, as JSON plus your original files (restore reads it); fhir: "
            "a FHIR R4 Bundle for a clinic's system (your pain diary and questionnaires).",
        ),
    ] = ExportFormat.zip,
    db: Db = None,
) -> None:
    """Save everything Backstride keeps about you to a zip, or a FHIR R4 Bundle for a clinic."""
    from backstride.services.record import open_record

    if format is ExportFormat.fhir:
        from backstride.services.fhir import write_fhir

        with open_record(db) as record:
            written = write_fhir(record, out)
        typer.echo(
            f"Exported a FHIR R4 Bundle ({_resources(written.counts)}) to {out} "
            f"({_megabytes(written.size_bytes)}). Keep it safe: it holds your health data."
        )
        return
    from backstride.services.data import export_record

    with open_record(db) as record:
        summary = export_record(record, out)
    typer.echo(
        f"Exported {_counted(summary.counts)} to {out} ({_megabytes(summary.size_bytes)}). "
        "Keep it safe: it holds your health data."
    )


_RESOURCES = {
    "Patient": ("patient", "patients"),
    "Observation": ("pain observation", "pain observations"),
    "Questionnaire": ("questionnaire", "questionnaires"),
    "QuestionnaireResponse": ("questionnaire response", "questionnaire responses"),
}


def _resources(counts: dict[str, int]) -> str:
    parts = [
        f"{counts.get(kind, 0)} {one if counts.get(kind, 0) == 1 else many}"
        for kind, (one, many) in _RESOURCES.items()
    ]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def restore(
    archive: Annotated[
        Path,
        typer.Argument(help="A zip written by `backstride export`.", show_default=False),
    ],
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Delete what your record holds now and put the export in its place.",
        ),
    ] = False,
    db: Db = None,
) -> None:
    """Bring back an export into an empty record (all of it or, if anything is wrong, none)."""
    from backstride.services.data import restore_record
    from backstride.services.record import open_record

    with open_record(db) as record:
        summary = restore_record(record, archive, replace=replace)
    typer.echo(f"Restored {_counted(summary.counts)} from {archive}.")


def forget(
    yes: Annotated[
        bool,
        typer.Option("--yes", "-y", help="Do not ask for confirmation (for scripts)."),
    ] = False,
    db: Db = None,
) -> None:
    """Delete everything Backstride keeps about you. It cannot be undone."""
    from backstride.errors import InputInvalid
    from backstride.services.data import forget_everything, record_counts
    from backstride.services.record import open_record

    with open_record(db) as record:
        if not yes:
            if not sys.stdin.isatty():
                raise InputInvalid(
                    "forget deletes everything Backstride keeps about you and cannot be undone; "
                    "standard input is not a terminal, so Backstride cannot ask you to confirm; "
                    "pass --yes"
                )
            counts = record_counts(record)
            typer.echo(
                f"This deletes your profile, {_counted(counts)}, and cannot be undone. "
                "To keep a copy first: backstride export --out backstride-export.zip"
            )
            if not typer.confirm("Delete everything?", default=False):
                typer.echo("Nothing was deleted.", err=True)
                raise typer.Exit(1)
        deleted = forget_everything(record)
    typer.echo(f"Deleted your profile, {_counted(deleted)}.")


def _counted(counts: dict[str, int]) -> str:
    """The counts in words, e.g. "2 assessments, 1 check-in and 0 activities"."""
    parts = [
        f"{counts.get(key, 0)} {one if counts.get(key, 0) == 1 else many}"
        for key, (one, many) in _WORDS.items()
        if counts.get(key, 0) or key in ("assessments", "activities")
    ]
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _megabytes(size: int) -> str:
    if size < 1_000_000:
        return f"{max(size // 1000, 1)} kB"
    return f"{size / 1_000_000:,.1f} MB"
