"""`backstride assess`: the safety triage, the running decision and the plan."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from backstride.cli.options import OutputFormat, print_json, require_terminal


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
    format: Annotated[
        OutputFormat,
        typer.Option("--format", "-f", help="text: a readable report; json: the contract."),
    ] = OutputFormat.text,
) -> None:
    """Assess your back pain: triage first, then running today, likely causes and a plan."""
    from backstride.services.assess import assess_intake, assessment_document, read_intake

    if input is None:
        require_terminal("--input FILE")
        from backstride.cli.questionnaire import ask_intake

        intake = ask_intake()
    else:
        intake = read_intake(input)
    document = assessment_document(assess_intake(intake))
    if format is OutputFormat.json:
        print_json(document)
    else:
        from backstride.cli.report import print_assessment

        print_assessment(document)
