"""The pages of personal mode: the onboarding assessment (GET /) and its result (POST /assess).

Server-rendered, no JavaScript: the form posts to /assess, which answers with the result page,
or with the form again (status 422) when an answer is wrong, every answer kept.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from backstride.errors import StoreError
from backstride.services.assess import assess_intake, assessment_document, intake_document
from backstride.services.form import FormEvidence, latest_form_evidence
from backstride.services.record import Record
from backstride.web.deps import KnowledgeDep, RecordDep
from backstride.web.forms import (
    AssessmentForm,
    blank_form,
    read_assessment_form,
    unplaced_errors,
)
from backstride.web.templating import templates

router = APIRouter(include_in_schema=False)

#: Triage levels whose page says only what to do now: no exercise plan.
ACT_NOW_LEVELS = frozenset({"emergency", "urgent"})


async def posted_form(request: Request) -> dict[str, list[str]]:
    """The form's fields, each with every value sent for it (checkbox groups send several)."""
    async with request.form() as form:  # closed at the end: no file is left spooled
        return {name: [v for v in form.getlist(name) if isinstance(v, str)] for name in form}


PostedForm = Annotated[dict[str, list[str]], Depends(posted_form)]


@router.get("/", response_class=HTMLResponse)
def assessment_form(request: Request, knowledge: KnowledgeDep) -> HTMLResponse:
    """The onboarding assessment: the questions, a step for each section."""
    return _form_page(request, blank_form(knowledge))


@router.post("/assess", response_class=HTMLResponse)
def assessment_result(
    request: Request, posted: PostedForm, record: RecordDep, knowledge: KnowledgeDep
) -> HTMLResponse:
    """Assess the answers, keep the assessment and show it: the triage first."""
    form = read_assessment_form(posted, knowledge)
    if form.intake is None:
        return _form_page(request, form, status_code=422)
    evidence = _form_evidence(record)
    assessed = assess_intake(form.intake, knowledge, evidence)
    document: dict[str, Any] = assessment_document(assessed, knowledge)
    save_error = None
    try:
        record.save_assessment(intake_document(form.intake), document)
    except StoreError as exc:
        save_error = str(exc)
    return templates.TemplateResponse(
        request,
        "assessment.html",
        {
            "assessment": document,
            "act_now": document["triage"]["level"] in ACT_NOW_LEVELS,
            "save_error": save_error,
            "red_flag_questions": {flag.id: flag.question for flag in knowledge.red_flags},
        },
    )


def _form_page(request: Request, form: AssessmentForm, status_code: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "assess_form.html",
        {"form": form, "general_errors": unplaced_errors(form)},
        status_code=status_code,
    )


def _form_evidence(record: Record) -> FormEvidence | None:
    """The latest form findings, or none when the record cannot be read: the triage is shown
    whatever happens to the store."""
    try:
        return latest_form_evidence(record)
    except StoreError:
        return None
