"""/api/v1/checkins: the pain diary, one check-in a day (the check-in contract)."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from backstride.contracts.checkin import CheckIn
from backstride.errors import InputInvalid
from backstride.services.checkin import (
    checkin_document,
    list_checkin_documents,
    parse_checkin,
    save_checkin,
    saved_document,
)
from backstride.web.deps import KnowledgeDep, RecordDep
from backstride.web.inputs import QueryDate, inputs

router = APIRouter(tags=["check-ins"])


class CheckInsQuery(BaseModel):
    """Which days of the diary to list; both ends included."""

    model_config = ConfigDict(extra="forbid")

    since: QueryDate | None = Field(None, description="The first day, YYYY-MM-DD.")
    until: QueryDate | None = Field(None, description="The last day, YYYY-MM-DD.")


_CHECKIN_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"description": "The check-in breaks the contract, or its date is in the future."}
}


@router.post(
    "/checkins",
    summary="Log a day of the pain diary; a second one for the same date replaces the first",
    status_code=201,
    response_model=None,
    responses={
        200: {"description": "The check-in replaced the one already kept for its date."},
        201: {"description": "The check-in was kept; the programme was judged again."},
        **_CHECKIN_ERRORS,
    },
)
@inputs(
    body=CheckIn,
    parse_body=partial(parse_checkin, origin="request body"),
    what="the check-in",
)
def log_checkin(checkin: CheckIn, record: RecordDep, knowledge: KnowledgeDep) -> JSONResponse:
    """Keep a check-in and judge the return-to-run programme again, as `backstride checkin`."""
    # The service's parser also checks the exercise ids against the knowledge base.
    checked = parse_checkin(checkin_document(checkin), origin="request body", knowledge=knowledge)
    saved = save_checkin(record, checked, knowledge=knowledge)
    return JSONResponse(saved_document(saved, knowledge), status_code=200 if saved.updated else 201)


@router.get(
    "/checkins",
    summary="The check-ins kept, oldest first",
    response_model=None,
    responses={200: {"model": list[CheckIn], "description": "Each check-in as it was kept."}},
)
@inputs(query=CheckInsQuery)
def list_checkins(days: Annotated[CheckInsQuery, Query()], record: RecordDep) -> JSONResponse:
    """Every check-in from `since` to `until`, each as it was kept."""
    if days.since and days.until and days.since > days.until:
        raise InputInvalid(
            f"since: {days.since.isoformat()} is after until ({days.until.isoformat()}); "
            "give the first day first"
        )
    return JSONResponse(list_checkin_documents(record, since=days.since, until=days.until))
