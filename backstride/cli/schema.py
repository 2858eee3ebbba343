"""`backstride schema`: the JSON Schemas of Backstride's contracts."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, cast

import typer

from backstride.cli.options import print_json

app = typer.Typer(help="Print the JSON Schema of a contract.", no_args_is_help=True)


class Contract(StrEnum):
    """The documents Backstride reads or writes."""

    intake = "intake"
    assessment = "assessment"
    checkin = "checkin"
    outcome = "outcome"


@app.callback(invoke_without_command=True)
def schema(
    contract: Annotated[
        Contract,
        typer.Argument(
            help="intake (what assess reads), assessment (what it writes), checkin or outcome "
            "(an RMDQ or PSFS questionnaire)."
        ),
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
    if contract is Contract.outcome:
        from pydantic import Field, TypeAdapter

        from backstride.contracts.outcomes import PsfsRatings, RmdqAnswers

        union = Annotated[RmdqAnswers | PsfsRatings, Field(discriminator="instrument")]
        document = TypeAdapter(cast("Any", union)).json_schema()
    else:
        document = models[contract].model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    print_json(document)
