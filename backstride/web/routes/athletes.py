"""Team mode's clinician pages: the linked athletes, and each one's record, read-only.

/athletes lists the runners who linked this clinician and takes a new invite code. Each
athlete has three views: the overview (latest assessment's triage and running decision,
return-to-run stage, latest running-form analysis with its key frame), the pain diary
(check-ins of the last four weeks) and the training load (weekly running and its warnings),
and a FHIR R4 export to download into the clinic's system.
Each view and download is written to the runner's audit log before it is given. An athlete id
that is not linked to this clinician, now, is "no such athlete" (404), whether or not it
exists.
"""

from __future__ import annotations

import datetime as dt
from statistics import fmean
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from backstride.errors import BackstrideError, InputInvalid, StoreError
from backstride.services.assess import triage_document
from backstride.services.audit import record_view
from backstride.services.checkin import list_checkin_documents
from backstride.services.fhir import fhir_file_name, runner_bundle
from backstride.services.form import form_key_frame, latest_form_analysis
from backstride.services.load import load_document, runner_load
from backstride.services.record import Record
from backstride.services.return_to_run import (
    assessment_triage,
    programme_status,
    runner_today,
    status_document,
    warning_sign_since_assessment,
)
from backstride.services.sharing import NotFound, athlete_record, link_athlete, linked_athletes
from backstride.web.auth import ClinicianDep, refused_page, team_config, team_store
from backstride.web.deps import KnowledgeDep
from backstride.web.routes.account import Posted
from backstride.web.routes.export import fhir_response
from backstride.web.routes.form_page import analysis_view, key_frame_response
from backstride.web.templating import templates

router = APIRouter(include_in_schema=False)

#: How far back the pain diary view goes.
DIARY_DAYS = 28
#: Weeks of running the training-load view shows.
LOAD_WEEKS = 12


@router.get("/athletes", response_class=HTMLResponse)
def athletes_page(request: Request, clinician: ClinicianDep) -> HTMLResponse:
    """The athletes linked to this clinician, and the form that takes an invite code."""
    return _list_page(request, clinician)


@router.post("/athletes/link", response_class=HTMLResponse, response_model=None)
def link(request: Request, posted: Posted, clinician: ClinicianDep) -> Response:
    """Link the athlete whose invite code was entered, then show their overview."""
    store, config = team_store(request), team_config(request)
    try:
        made = link_athlete(store, clinician, posted.get("code", ""), now=config.clock())
    except InputInvalid as exc:
        message = str(exc).removeprefix("code: ")
        return _list_page(request, clinician, error=message, code=posted.get("code", ""))
    return RedirectResponse(f"/athletes/{made.runner_id}?linked=1", status_code=303)


@router.get("/athletes/{runner_id}", response_class=HTMLResponse, response_model=None)
def athlete_overview(
    request: Request, runner_id: int, clinician: ClinicianDep, knowledge: KnowledgeDep
) -> Response:
    """The athlete's latest triage and running decision, and their return-to-run stage."""
    record = _viewed(request, clinician, runner_id, "overview")
    if isinstance(record, Response):
        return record
    today = runner_today(record)
    latest = record.latest_assessment()
    warning = warning_sign_since_assessment(
        record.checkins_since(today - dt.timedelta(days=13)),
        latest,
        today=today,
        knowledge=knowledge,
    )
    triage = None
    if latest is not None:
        triage = triage_document(assessment_triage(latest, knowledge))
    context = {
        "view": "overview",
        "assessment": latest.output if latest is not None else None,
        "assessed_on": latest.created_at.date().isoformat() if latest is not None else None,
        "triage": triage,
        "warning": None
        if warning is None
        else {
            "date": warning[0].date.isoformat(),
            "triage": triage_document(warning[1]),
        },
        "programme": _programme(record, knowledge),
        "form": _form(record, knowledge),
        "linked": bool(request.query_params.get("linked")),
    }
    return _athlete_page(request, record, context)


@router.get("/athletes/{runner_id}/checkins", response_class=HTMLResponse, response_model=None)
def athlete_checkins(request: Request, runner_id: int, clinician: ClinicianDep) -> Response:
    """The athlete's check-ins of the last four weeks, newest first, with weekly averages."""
    record = _viewed(request, clinician, runner_id, "checkins")
    if isinstance(record, Response):
        return record
    today = runner_today(record)
    since = today - dt.timedelta(days=DIARY_DAYS - 1)
    checkins = list_checkin_documents(record, since=since, until=today)
    context = {
        "view": "checkins",
        "since": since.isoformat(),
        "checkins": list(reversed(checkins)),
        "weeks": _weekly_morning_pain(checkins, today),
    }
    return _athlete_page(request, record, context)


@router.get("/athletes/{runner_id}/load", response_class=HTMLResponse, response_model=None)
def athlete_load(
    request: Request, runner_id: int, clinician: ClinicianDep, knowledge: KnowledgeDep
) -> Response:
    """The athlete's weekly running and the warnings when it rose too fast."""
    record = _viewed(request, clinician, runner_id, "load")
    if isinstance(record, Response):
        return record
    report = runner_load(record, weeks=LOAD_WEEKS, until=runner_today(record))
    context = {"view": "load", "load": load_document(report, knowledge)}
    return _athlete_page(request, record, context)


@router.get("/athletes/{runner_id}/export.fhir.json", response_model=None)
def athlete_fhir(
    request: Request, runner_id: int, clinician: ClinicianDep, knowledge: KnowledgeDep
) -> Response:
    """The athlete's pain diary and questionnaires as a FHIR R4 Bundle, for the clinic."""
    record = _viewed(request, clinician, runner_id, "fhir")
    if isinstance(record, Response):
        return record
    name = fhir_file_name(runner_today(record)).replace("fhir", f"fhir-athlete-{runner_id}", 1)
    return fhir_response(runner_bundle(record, knowledge=knowledge), name)


@router.get("/athletes/{runner_id}/form/{analysis_id}/key-frame.jpg", response_model=None)
def athlete_key_frame(
    request: Request, runner_id: int, analysis_id: int, clinician: ClinicianDep
) -> Response:
    """The key-frame picture of one of the athlete's form analyses."""
    record = _viewed(request, clinician, runner_id, "form")
    if isinstance(record, Response):
        return record
    picture = form_key_frame(record, analysis_id)
    if picture is None:
        return refused_page(request, 404, "No such picture", "no such picture; see /athletes")
    return key_frame_response(picture)


def _form(record: Record, knowledge: Any) -> dict[str, Any] | None:
    """The athlete's latest form analysis as the overview shows it, or None."""
    latest = latest_form_analysis(record)
    if latest is None:
        return None
    url = f"/athletes/{record.runner.id}/form/{latest.id}/key-frame.jpg"
    return analysis_view(latest, knowledge, key_frame_url=url)


def _viewed(request: Request, clinician: Any, runner_id: int, view: str) -> Record | Response:
    """The linked athlete's record, the view written to their audit log; else a 404 page."""
    store, config = team_store(request), team_config(request)
    try:
        record = athlete_record(store, clinician, runner_id)
    except NotFound as exc:
        return refused_page(request, 404, "No such athlete", f"{exc}; see /athletes")
    record_view(store, clinician=clinician, runner_id=runner_id, view=view, now=config.clock())
    return record


def _athlete_page(request: Request, record: Record, context: dict[str, Any]) -> HTMLResponse:
    context = {"runner": record.runner, **context}
    return templates.TemplateResponse(request, "athletes_record.html", context)


def _list_page(
    request: Request, clinician: Any, *, error: str | None = None, code: str = ""
) -> HTMLResponse:
    athletes = linked_athletes(team_store(request), clinician)
    return templates.TemplateResponse(
        request,
        "athletes.html",
        {"athletes": athletes, "error": error, "code": code},
        status_code=422 if error else 200,
    )


def _programme(record: Record, knowledge: Any) -> dict[str, Any] | None:
    try:
        return status_document(programme_status(record, knowledge=knowledge), knowledge)
    except StoreError:
        raise
    except BackstrideError:
        return None  # no programme started


def _weekly_morning_pain(checkins: list[dict[str, Any]], today: dt.date) -> list[dict[str, Any]]:
    """The average morning pain of each of the last four 7-day spans, the latest first."""
    spans = []
    for back in range(DIARY_DAYS // 7):
        end = today - dt.timedelta(days=7 * back)
        start = end - dt.timedelta(days=6)
        pains = [
            c["morning_pain"]
            for c in checkins
            if start.isoformat() <= c["date"] <= end.isoformat()
            and isinstance(c.get("morning_pain"), int)
        ]
        spans.append(
            {
                "start": start.isoformat(),
                "end": end.isoformat(),
                "days": len(pains),
                "average": round(fmean(pains), 1) if pains else None,
            }
        )
    return spans
