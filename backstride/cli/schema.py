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


@app.callback(invoke_without_command=True)
def schema(
    contract: Annotated[Contract, typer.Argument(help="intake (what assess reads) or assessment.")],
) -> None:
    """Print the JSON Schema of CONTRACT, e.g. `backstride schema intake`."""
    if contract is Contract.intake:
        from backstride.contracts.intake import Intake as model
    else:
        from backstride.contracts.assessment import AssessmentOut as model  # type: ignore[assignment]
    document = model.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    print_json(document)
