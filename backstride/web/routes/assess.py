"""POST /api/v1/assess: the safety triage, the running decision and the plan."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from backstride.coach.training_load import TrainingHistory
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
from backstride.web.deps import KnowledgeDep, RecordDep, in_store_thread, read_briefly
from backstride.web.inputs import inputs
from backstride.web.responses import JSONAnswer
from backstride.web.saving import assessments_saved

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
async def assess(
    request: Request,
    intake: Intake,
    options: Annotated[AssessQuery, Query()],
    record: RecordDep,
    knowledge: KnowledgeDep,
) -> JSONAnswer:
    """Assess an intake (the intake contract) and keep it, as `backstride assess` does.

    The answer is the assessment document even when the record cannot be written: the runner
    must see the triage whatever happens to the store (`saved` is then false).
    """
    # The history reads every run of the last weeks; the form findings alone are one row.
    read = in_store_thread if options.history else read_briefly
    history, evidence = await read(request, _what_the_record_adds, record, options.history)
    assessed = intake if history is None else fill_from_history(intake, history)
    document: dict[str, Any] = assessment_document(
        assess_intake(assessed, knowledge, evidence), knowledge
    )
    saved = False
    if options.save:
        try:
            await assessments_saved(request).save(record, intake_document(intake), document)
            saved = True
        except StoreError as exc:
            document["save_error"] = str(exc)
    return JSONAnswer({**document, "saved": saved})


def _what_the_record_adds(
    record: Record, with_history: bool
) -> tuple[TrainingHistory | None, FormEvidence | None]:
    """The training history (when asked for) and the latest form findings, in one visit to the
    store. The findings are left out when the record cannot be read: the triage is shown
    whatever happens to the store."""
    history = runner_history(record, today=runner_today(record)) if with_history else None
    try:
        evidence = latest_form_evidence(record)
    except StoreError:
        evidence = None
    return history, evidence
