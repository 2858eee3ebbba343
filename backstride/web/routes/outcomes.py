"""/api/v1/outcomes: the outcome questionnaires (RMDQ, PSFS) and every measure's timeline."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse

from backstride.services.outcomes import (
    outcomes_document,
    parse_outcome,
    runner_outcomes,
    save_outcome,
    score_text,
    verdict_text,
)
from backstride.services.return_to_run import runner_today
from backstride.web.deps import KnowledgeDep, RecordDep

router = APIRouter(tags=["outcome measures"])

_EXAMPLE = {
    "date": "2026-03-02",
    "instrument": "psfs",
    "activities": [{"name": "run 5 km", "score": 4}],
}


@router.post(
    "/outcomes",
    summary="Keep an RMDQ or PSFS questionnaire; a second one for the same date replaces it",
    status_code=201,
    response_model=None,
    responses={
        200: {"description": "It replaced the questionnaire kept for its date."},
        201: {"description": "It was kept; the answer gives its score and the change so far."},
        422: {"description": "It breaks the outcome contract; `error` names the field."},
    },
)
def add_outcome(
    document: Annotated[
        dict[str, Any],
        Body(
            description="The outcome contract (`backstride schema outcome`).", examples=[_EXAMPLE]
        ),
    ],
    record: RecordDep,
    knowledge: KnowledgeDep,
) -> JSONResponse:
    """Keep a questionnaire, as `backstride outcomes add --input FILE` does."""
    answers = parse_outcome(document, origin="request body")
    saved = save_outcome(record, answers, today=runner_today(record), knowledge=knowledge)
    summary = runner_outcomes(record, knowledge=knowledge).measure(answers.instrument)
    body = {
        "date": answers.date.isoformat(),
        "instrument": answers.instrument,
        "updated": saved.updated,
        "score": float(score_text(saved.score.value)),
        "detail": saved.score.detail,
        "verdict_text": verdict_text(summary) if summary is not None else None,
    }
    return JSONResponse(body, status_code=200 if saved.updated else 201)


@router.get(
    "/outcomes",
    summary="Every outcome measure: its timeline, the change and whether it counts",
    response_model=None,
    responses={
        200: {"description": "The outcomes document (`backstride outcomes --format json`)."}
    },
)
def list_outcomes(record: RecordDep, knowledge: KnowledgeDep) -> JSONResponse:
    """RMDQ, PSFS, pain and STarT Back, each against its minimal important change."""
    return JSONResponse(outcomes_document(runner_outcomes(record, knowledge=knowledge), knowledge))
