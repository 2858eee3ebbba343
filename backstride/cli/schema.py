"""`backstride schema`: the JSON Schemas of Backstride's contracts."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from backstride.cli.options import print_json

app = typer.Typer(help="Print the JSON Schema of a contract.", no_args_is_help=True)


class Contract(StrEnum):
    """The documents Backstride reads or writes."""

    intake = "intake"
    assessment = "assessment"
    checkin = "checkin"


@app.callback(invoke_without_command=True)
def schema(
    contract: Annotated[
        Contract,
        typer.Argument(help="intake (what assess reads), assessment (what it writes) or checkin."),
    ],
) -> None:
    """Print the JSON Schema of CONTRACT, e.g. `backstride schema intake`."""
    from pydantic import BaseModel

    from backstride.contracts.assessment import AssessmentOut
    from backstride.contracts.checkin import CheckIn
    from backstride.contracts.intake import Intake

    models: dict[Contract, type[BaseModel]] = {
        Contract.intake: Intake,
        Contract.assessment: AssessmentOut,
        Contract.checkin: CheckIn,
    }
    document = models[contract].model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    print_json(document)
