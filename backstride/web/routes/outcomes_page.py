"""The questionnaires page (GET /progress/outcomes) and its two forms (POST .../rmdq, .../psfs).

The RMDQ is a list of statements to tick (an unticked one is a no, as the questionnaire is
scored); the PSFS is up to five activities, each rated from 0 to 10, filled in with the ones
rated last time so they are rated again. Each is kept for today through `save_outcome`; the
page is then shown again (303) with the score and the change; a wrong answer comes back at its
field (422) with nothing written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from backstride.errors import InputInvalid
from backstride.knowledge import KnowledgeBase
from backstride.services.outcomes import (
    last_psfs_activities,
    outcomes_due,
    parse_outcome,
    runner_outcomes,
    save_outcome,
    verdict_text,
)
from backstride.services.record import Record
from backstride.services.return_to_run import runner_today
from backstride.web.deps import KnowledgeDep, RecordDep
from backstride.web.routes.pages import PostedForm
from backstride.web.templating import templates

router = APIRouter(include_in_schema=False)

PAGE_PATH = "/progress/outcomes"
PSFS_ROWS = 5

SAVED_WORDS = {
    "rmdq": "Your Roland-Morris questionnaire for today is saved.",
    "psfs": "Your activity ratings for today are saved.",
}


@dataclass(frozen=True, slots=True)
class OutcomeForm:
    """One of the two forms as posted: what was given (by field name) and the problems found."""

    instrument: str = ""
    given: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def value(self, name: str, default: str = "") -> str:
        values = self.given.get(name)
        return values[0] if values else default

    def ticked(self, number: int) -> bool:
        return str(number) in self.given.get("rmdq", ())


@router.get(PAGE_PATH, response_class=HTMLResponse)
def outcomes_page(
    request: Request, record: RecordDep, knowledge: KnowledgeDep, saved: str | None = None
) -> HTMLResponse:
    """The RMDQ and PSFS forms, with where each measure stands."""
    return _page(request, record, knowledge, OutcomeForm(), saved=saved)


@router.post(f"{PAGE_PATH}/rmdq", response_class=HTMLResponse, response_model=None)
def rmdq_posted(
    request: Request, posted: PostedForm, record: RecordDep, knowledge: KnowledgeDep
) -> HTMLResponse | RedirectResponse:
    """Keep today's RMDQ: the statements ticked are the yes answers."""
    given = _given(posted)
    measure = knowledge.outcome_measure("rmdq")
    ticked = set(given.get("rmdq", ()))
    unknown = ticked - {str(n) for n in range(1, len(measure.items) + 1)}
    form = OutcomeForm("rmdq", given)
    if unknown:
        return _refused(
            request,
            record,
            knowledge,
            form,
            "rmdq",
            "That statement is not one of the questionnaire's.",
        )
    answers = [str(n) in ticked for n in range(1, len(measure.items) + 1)]
    document = {"date": runner_today(record).isoformat(), "instrument": "rmdq", "answers": answers}
    return _save(request, record, knowledge, form, document)


@router.post(f"{PAGE_PATH}/psfs", response_class=HTMLResponse, response_model=None)
def psfs_posted(
    request: Request, posted: PostedForm, record: RecordDep, knowledge: KnowledgeDep
) -> HTMLResponse | RedirectResponse:
    """Keep today's PSFS: each row with a name or a rating is an activity."""
    given = _given(posted)
    form = OutcomeForm("psfs", given)
    rows: list[int] = []
    activities: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    for row in range(PSFS_ROWS):
        name = form.value(f"activity.{row}.name").strip()
        rating = form.value(f"activity.{row}.score").strip()
        if not name and not rating:
            continue
        if not rating:
            errors[f"activity.{row}.score"] = "Rate this activity from 0 to 10."
            continue
        if not rating.isdigit():
            errors[f"activity.{row}.score"] = f"{rating[:10]!r} is not a whole number from 0 to 10."
            continue
        rows.append(row)
        activities.append({"name": name, "score": int(rating)})
    if errors:
        return _page(
            request, record, knowledge, OutcomeForm("psfs", given, errors), status_code=422
        )
    if not activities:
        return _refused(
            request,
            record,
            knowledge,
            form,
            "activity.0.name",
            "Name at least one activity and rate it, e.g. run 5 km.",
        )
    document = {
        "date": runner_today(record).isoformat(),
        "instrument": "psfs",
        "activities": activities,
    }
    return _save(request, record, knowledge, form, document, rows=rows)


def _save(
    request: Request,
    record: Record,
    knowledge: KnowledgeBase,
    form: OutcomeForm,
    document: dict[str, Any],
    *,
    rows: list[int] | None = None,
) -> HTMLResponse | RedirectResponse:
    try:
        answers = parse_outcome(document, origin="the form")
        save_outcome(record, answers, today=runner_today(record), knowledge=knowledge)
    except InputInvalid as exc:
        name, text = _field_of(str(exc), rows or [])
        return _refused(request, record, knowledge, form, name, text)
    return RedirectResponse(
        f"{PAGE_PATH}?saved={form.instrument}#{form.instrument}", status_code=303
    )


def _field_of(message: str, rows: list[int]) -> tuple[str, str]:
    """The form field a service refusal names (`activities.1.name: ...` is the second row
    filled in), and its words."""
    where, _, text = message.partition(": ")
    if not text:
        return "form", message
    parts = where.split(".")
    if parts[0] == "activities" and len(parts) == 3 and parts[1].isdigit():
        index = int(parts[1])
        row = rows[index] if index < len(rows) else index
        return f"activity.{row}.{parts[2]}", text
    if parts[0] == "activities":
        return "activity.0.name", text
    return "form", text


def _refused(
    request: Request,
    record: Record,
    knowledge: KnowledgeBase,
    form: OutcomeForm,
    name: str,
    text: str,
) -> HTMLResponse:
    errors = {name: text[:1].upper() + text[1:]}
    refused = OutcomeForm(form.instrument, form.given, errors)
    return _page(request, record, knowledge, refused, status_code=422)


def _given(posted: Mapping[str, list[str]]) -> dict[str, tuple[str, ...]]:
    return {name: tuple(v for v in values if v.strip()) for name, values in posted.items()}


def _page(
    request: Request,
    record: Record,
    knowledge: KnowledgeBase,
    form: OutcomeForm,
    *,
    saved: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    today = runner_today(record)
    report = runner_outcomes(record, knowledge=knowledge)
    last = last_psfs_activities(record)
    summaries: dict[str, Any] = {m.measure.id: m for m in report.measures}
    return templates.TemplateResponse(
        request,
        "outcomes.html",
        {
            "today_text": _day_text(today),
            "rmdq": knowledge.outcome_measure("rmdq"),
            "psfs": knowledge.outcome_measure("psfs"),
            "form": form,
            "psfs_rows": [
                {
                    "row": row,
                    "name": form.value(
                        f"activity.{row}.name", last[row] if row < len(last) else ""
                    ),
                    "score": form.value(f"activity.{row}.score"),
                }
                for row in range(PSFS_ROWS)
            ],
            "last_activities": last,
            "saved": SAVED_WORDS.get(saved or ""),
            "saved_verdict": verdict_text(summaries[saved]) if saved in summaries else None,
            "due": {d.instrument: d for d in outcomes_due(record, today=today)},
            "general_error": form.errors.get("form"),
        },
        status_code=status_code,
    )


def _day_text(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"
