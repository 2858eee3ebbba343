"""/api/v1/return-to-run: the graded walk-run programme (start it, see where you stand)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from backstride.errors import BackstrideError, StoreError
from backstride.services.return_to_run import programme_status, start_programme, status_document
from backstride.web.deps import KnowledgeDep, RecordDep

router = APIRouter(tags=["return to run"])

_STATUS = (
    "The `rtr status --format json` document: stage, stages, decision, why, next_session, triage."
)


@router.get(
    "/return-to-run",
    summary="Where the runner stands: stage, last decision and why, next session",
    response_model=None,
    responses={
        200: {"description": _STATUS},
        404: {"description": "No programme has been started yet."},
    },
)
def show_programme(record: RecordDep, knowledge: KnowledgeDep) -> JSONResponse:
    """The programme judged again over the check-ins, as `backstride rtr status`."""
    try:
        programme = programme_status(record, knowledge=knowledge)
    except StoreError:
        raise
    except BackstrideError as exc:
        # The service's one refusal here: there is no programme yet.
        raise HTTPException(404, str(exc)) from exc
    return JSONResponse(status_document(programme, knowledge))


@router.post(
    "/return-to-run",
    summary="Start the programme at stage 1, after a safety check",
    status_code=201,
    response_model=None,
    responses={
        200: {"description": "A programme was already running; it is kept. " + _STATUS},
        201: {"description": "The programme has started. " + _STATUS},
        409: {"description": "Not safe to start yet: no assessment, or warning signs found."},
    },
)
def start(record: RecordDep, knowledge: KnowledgeDep) -> JSONResponse:
    """Start the programme today, as `backstride rtr start`; one already running is kept."""
    started = start_programme(record, knowledge=knowledge)
    document = status_document(started.programme, knowledge)
    return JSONResponse(document, status_code=200 if started.already_active else 201)
