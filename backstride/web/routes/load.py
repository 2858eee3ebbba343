"""GET /api/v1/load: weekly running load, its flags and the ACWR (the load contract)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from backstride.services.load import MAX_WEEKS, load_document, runner_load
from backstride.services.return_to_run import runner_today
from backstride.web.deps import KnowledgeDep, RecordDep
from backstride.web.inputs import QueryDate, inputs

router = APIRouter(tags=["training load"])

DEFAULT_WEEKS = 12


class LoadQuery(BaseModel):
    """Which weeks to show, as `backstride load` has them."""

    model_config = ConfigDict(extra="forbid")

    weeks: int = Field(DEFAULT_WEEKS, ge=1, le=MAX_WEEKS, description="How many weeks to show.")
    until: QueryDate | None = Field(
        None, description="Show the weeks up to this date, YYYY-MM-DD; default: today."
    )


@router.get(
    "/load",
    summary="Weekly running load, with warnings when it rises too fast",
    response_model=None,
    responses={200: {"description": "The load document: weeks, flags, acwr, sources."}},
)
@inputs(query=LoadQuery)
def load(
    weeks: Annotated[LoadQuery, Query()], record: RecordDep, knowledge: KnowledgeDep
) -> JSONResponse:
    """The N ISO weeks ending with the week of `until`, in the runner's time zone."""
    until = weeks.until or runner_today(record)
    report = runner_load(record, weeks=weeks.weeks, until=until)
    return JSONResponse(load_document(report, knowledge))
