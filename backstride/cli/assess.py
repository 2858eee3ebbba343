"""`backstride assess`: the safety triage, the running decision and the plan."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from backstride.cli.options import Db, Format, OutputFormat, print_json, require_terminal


def assess(
    input: Annotated[
        Path | None,
        typer.Option(
            "--input",
            "-i",
            help="An intake JSON file (see `backstride schema intake`). Without it, "
            "Backstride asks its questions one by one.",
            dir_okay=False,
        ),
    ] = None,
    format: Format = OutputFormat.text,
    history: Annotated[
        bool,
        typer.Option(
            "--history",
            help="Fill in your weekly distance, runs per week and downhill running from the "
            "activity files you imported.",
        ),
    ] = False,
    save: Annotated[
        bool, typer.Option("--save/--no-save", help="Keep the assessment in your record.")
    ] = True,
    db: Db = None,
) -> None:
    """Assess your back pain: triage first, then running today, likely causes and a plan."""
    from backstride.services.assess import (
        assess_intake,
        assessment_document,
        intake_document,
        parse_intake,
        read_intake,
    )

    if input is None:
        require_terminal("--input FILE")
        from backstride.cli.questionnaire import ask_intake

        intake = ask_intake()
        given = intake_document(intake)
    else:
        given = read_intake(input)
        intake = parse_intake(given, origin=input.name)
    if history:
        intake = _with_history(intake, db)
    document = assessment_document(assess_intake(intake, form=_latest_form(db)))
    # The report comes first: a runner must see the triage even if the record cannot be written.
    if format is OutputFormat.json:
        print_json(document)
    else:
        from backstride.cli.report import print_assessment

        print_assessment(document)
    if save:
        from backstride.services.record import open_record

        with open_record(db) as record:
            record.save_assessment(given, document)
        if format is OutputFormat.text:
            _offer_return_to_run(document)


def _latest_form(db):
    """The findings of the latest usable form analysis in the record, if any. A record that
    cannot be read gives none: the triage must be shown whatever happens to the store."""
    from backstride.errors import StoreError
    from backstride.services.form import latest_form_evidence
    from backstride.services.record import open_record

    try:
        with open_record(db) as record:
            return latest_form_evidence(record)
    except StoreError:
        return None


def _offer_return_to_run(document):
    import sys

    from backstride.services.return_to_run import offers_return_to_run

    if offers_return_to_run(document):
        # After the save (the programme starts from the saved assessment), on standard error
        # like the other hints, so the report itself stays as documented.
        sys.stderr.write(
            "backstride: a graded return to running, steered by a daily check-in, can help: "
            "start it with `backstride rtr start`\n"
        )


def _with_history(intake, db):
    import sys

    from backstride.services.assess import fill_from_history
    from backstride.services.load import runner_history
    from backstride.services.record import open_record
    from backstride.services.return_to_run import runner_today

    with open_record(db) as record:
        measured = runner_history(record, today=runner_today(record))
    filled = fill_from_history(intake, measured)
    if filled is intake:
        sys.stderr.write(
            "backstride: no runs stored for the last 4 weeks, so your own answers are used; "
            "bring your activity files in with `backstride import PATH`\n"
        )
    return filled
