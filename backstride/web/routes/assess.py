"""POST /api/v1/assess: the safety triage, the running decision and the plan."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from backstride.contracts.assessment import AssessmentOut
from backstride.contracts.intake import Intake
from backstride.errors import StoreError
from backstride.services.assess import (
    assess_intake,
    assessment_document,
    fill_from_history,
    intake_document,
    parse_intake,
)
from backstride.services.form import FormEvidence, latest_form_evidence
from backstride.services.load import runner_history
from backstride.services.record import Record
from backstride.services.return_to_run import runner_today
from backstride.web.deps import KnowledgeDep, RecordDep
from backstride.web.inputs import inputs

router = APIRouter(tags=["assessment"])


class AssessQuery(BaseModel):
    """Options of an assessment, as `backstride assess` has them."""

    model_config = ConfigDict(extra="forbid")

    history: bool = Field(
        False,
        description="Fill in weekly distance, runs per week and downhill running from the "
        "imported activities.",
    )
    save: bool = Field(True, description="Keep the assessment in the runner's record.")


class AssessmentResponse(AssessmentOut):
    """The assessment document, and whether it was kept in the record."""

    saved: bool = Field(description="False when `save` was false or the record was not written.")
    save_error: str | None = Field(None, description="Why the record was not written, if so.")


_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"description": "The intake breaks the contract; `error` names the field."}
}


@router.post(
    "/assess",
    summary="Assess back pain: triage first, then running today, likely causes and a plan",
    response_model=None,
    responses={200: {"model": AssessmentResponse}, **_ERRORS},
)
@inputs(
    body=Intake,
    parse_body=partial(parse_intake, origin="request body"),
    what="the intake",
    query=AssessQuery,
)
def assess(
    intake: Intake,
    options: Annotated[AssessQuery, Query()],
    record: RecordDep,
    knowledge: KnowledgeDep,
) -> JSONResponse:
    """Assess an intake (the intake contract) and keep it, as `backstride assess` does.

    The answer is the assessment document even when the record cannot be written: the runner
    must see the triage whatever happens to the store (`saved` is then false).
    """
    assessed = intake
    if options.history:
        assessed = fill_from_history(intake, runner_history(record, today=runner_today(record)))
    evidence = _form_evidence(record)
    document: dict[str, Any] = assessment_document(
        assess_intake(assessed, knowledge, evidence), knowledge
    )
    saved = False
    if options.save:
        try:
            record.save_assessment(intake_document(intake), document)
            saved = True
        except StoreError as exc:
            document["save_error"] = str(exc)
    return JSONResponse({**document, "saved": saved})


def _form_evidence(record: Record) -> FormEvidence | None:
    """The latest form findings, or none when the record cannot be read: the triage is shown
    whatever happens to the store."""
    try:
        return latest_form_evidence(record)
    except StoreError:
        return None
