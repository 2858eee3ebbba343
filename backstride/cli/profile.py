"""`backstride profile`: your name for reports and the time zone your days are counted in."""

from __future__ import annotations

from typing import Annotated

import typer

from backstride.cli.options import Db, Format, OutputFormat, print_json


def profile(
    name: Annotated[
        str | None, typer.Option("--name", help="Your name as reports show it.")
    ] = None,
    time_zone: Annotated[
        str | None,
        typer.Option(
            "--time-zone",
            metavar="ZONE",
            help="Where your days and weeks are counted, e.g. Europe/Paris (default: this "
            "computer's).",
        ),
    ] = None,
    format: Format = OutputFormat.text,
    db: Db = None,
) -> None:
    """Show your profile, or change your name or time zone."""
    from backstride.services.profile import profile_document, update_profile
    from backstride.services.record import open_record

    with open_record(db) as record:
        runner = record.runner
        if name is not None or time_zone is not None:
            runner = update_profile(record, name=name, time_zone=time_zone)
    document = profile_document(runner)
    if format is OutputFormat.json:
        print_json(document)
        return
    typer.echo(f"Name:      {document['name'] or '(not given)'}")
    typer.echo(f"Time zone: {document['time_zone']}")
    typer.echo(f"Run days:  {document['run_days'] or '(not given yet: see backstride plan)'}")
