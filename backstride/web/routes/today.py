"""The Today page (GET /today) and its check-in form (POST /today/checkin).

Today shows, in this order: the safety state (an assessment or a recent check-in above
self-care says what to do now and shows no exercises), the running decision of the latest
assessment, the return-to-run stage and next session, a prompt to answer the outcome
questionnaires when they are due (at the start of the programme, then every two weeks),
today's exercises, and the check-in form.
A check-in is kept through `save_checkin` (one a day: a second one updates it), then the page is
shown again (303); a wrong answer comes back at its field (422) with nothing written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from backstride.contracts.checkin import CheckIn
from backstride.domain import triage_rank
from backstride.errors import BackstrideError, InputInvalid, StoreError
from backstride.knowledge import KnowledgeBase
from backstride.services.assess import triage_document
from backstride.services.checkin import (
    exercise_names,
    parse_checkin,
    red_flag_questions,
    save_checkin,
)
from backstride.services.outcomes import QuestionnaireDue, outcomes_due
from backstride.services.record import AssessmentRecord, CheckInRecord, Record
from backstride.services.return_to_run import (
    assessment_triage,
    programme_status,
    recent_record,
    runner_today,
    status_document,
    warning_sign_since_assessment,
)
from backstride.web.deps import KnowledgeDep, RecordDep, read_briefly
from backstride.web.forms import NO, YES
from backstride.web.routes.pages import ACT_NOW_LEVELS, PostedForm
from backstride.web.templating import templates

router = APIRouter(include_in_schema=False)

#: The kinds of session the form offers, with their words; "none" is a rest day.
SESSION_KINDS: dict[str, str] = {
    "none": "No session today",
    "walk": "Walk",
    "run": "Run",
    "cross_training": "Cross-training",
    "strength": "Strength",
}

#: What `?checkin=` after a save tells the page.
SAVED_WORDS = {
    "saved": "Your check-in for today is saved.",
    "updated": "Your check-in for today was updated.",
}


@dataclass(frozen=True, slots=True)
class CheckInForm:
    """The check-in form as posted: what was given (by field name) and the problems found."""

    given: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def value(self, name: str) -> str:
        values = self.given.get(name, ())
        return values[0] if values else ""

    def checked(self, name: str, choice: str, *, default: str | None = None) -> bool:
        values = self.given.get(name)
        return choice in values if values else choice == default


@router.get("/today", response_class=HTMLResponse)
async def today_page(
    request: Request, record: RecordDep, knowledge: KnowledgeDep, checkin: str | None = None
) -> HTMLResponse:
    """Today: the safety state, the running decision, the programme, the exercises, the form."""
    view = await read_briefly(request, _read_today, record, knowledge)
    saved = SAVED_WORDS.get(checkin or "")
    return _render(request, view, knowledge, CheckInForm(), saved=saved)


@router.post("/today/checkin", response_class=HTMLResponse, response_model=None)
def today_checkin(
    request: Request, posted: PostedForm, record: RecordDep, knowledge: KnowledgeDep
) -> HTMLResponse | RedirectResponse:
    """Keep today's check-in and show Today again; the form again (422) when an answer is wrong."""
    today = runner_today(record)
    given = {name: tuple(v for v in values if v.strip()) for name, values in posted.items()}
    form = read_checkin_form(given, today=today, knowledge=knowledge)
    if isinstance(form, CheckInForm):
        return _page(request, record, knowledge, form, status_code=422)
    try:
        saved = save_checkin(record, form, today=today, knowledge=knowledge)
    except InputInvalid as exc:
        return _page(request, record, knowledge, _refused(given, str(exc)), status_code=422)
    outcome = "updated" if saved.updated else "saved"
    return RedirectResponse(f"/today?checkin={outcome}", status_code=303)


def read_checkin_form(
    given: Mapping[str, tuple[str, ...]], *, today: dt.date, knowledge: KnowledgeBase
) -> CheckIn | CheckInForm:
    """The check-in for `today` from the posted answers, or the form with its problems."""
    errors: dict[str, str] = {}
    first = {name: values[0] for name, values in given.items() if values}

    def number(name: str, *, whole: bool, required: bool = False) -> int | float | None:
        text = first.get(name, "").strip()
        if not text:
            if required:
                errors[name] = "Please answer this question."
            return None
        try:
            return int(text) if whole else float(text)
        except ValueError:
            errors[name] = f"{text!r} is not a {'whole ' if whole else ''}number."
            return None

    def yes_no(name: str) -> bool:
        return first.get(name, NO) == YES

    document: dict[str, Any] = {
        "date": today.isoformat(),
        "morning_pain": number("morning_pain", whole=True, required=True),
        "morning_stiffness_min": number("morning_stiffness_min", whole=True),
        "exercises_done": list(given.get("exercises_done", ())),
        "new_leg_symptoms": yes_no("new_leg_symptoms"),
        "red_flags": {
            flag: yes_no(f"red_flags.{flag}") for flag, _ in red_flag_questions(knowledge)
        },
    }
    kind = first.get("session.kind", "none")
    if kind != "none":
        session: dict[str, Any] = {
            "kind": kind,
            "max_pain": number("session.max_pain", whole=True, required=True),
            "pain_after": number("session.pain_after", whole=True, required=True),
            "limp": yes_no("session.limp"),
            "distance_km": number("session.distance_km", whole=False),
            "duration_min": number("session.duration_min", whole=False),
        }
        document["session"] = {k: v for k, v in session.items() if v is not None}
    if errors:
        return CheckInForm(given, errors)
    document = {k: v for k, v in document.items() if v is not None}
    try:
        return parse_checkin(document, origin="the check-in", knowledge=knowledge)
    except InputInvalid as exc:
        return _refused(given, str(exc))


def _refused(given: Mapping[str, tuple[str, ...]], message: str) -> CheckInForm:
    """The form with the service's refusal at the field it names (`field: what is wrong`)."""
    name, _, text = message.partition(": ")
    if not text:
        name, text = "form", message
    if name.startswith("exercises_done"):
        name = "exercises_done"
    elif name.startswith("red_flags"):
        name = "form"
    return CheckInForm(given, {name: text[:1].upper() + text[1:]})


def _page(
    request: Request,
    record: Record,
    knowledge: KnowledgeBase,
    form: CheckInForm,
    *,
    status_code: int = 200,
    saved: str | None = None,
) -> HTMLResponse:
    view = _read_today(record, knowledge)
    return _render(request, view, knowledge, form, status_code=status_code, saved=saved)


@dataclass(frozen=True, slots=True)
class _TodayView:
    """What Today shows from the record, read in one go (the store's part of the page)."""

    today: dt.date
    safety: dict[str, Any] | None
    assessment: dict[str, Any] | None
    exercises: list[dict[str, Any]]
    programme: dict[str, Any] | None
    outcomes_due: tuple[QuestionnaireDue, ...]
    checked_in: dict[str, Any] | None


def _read_today(record: Record, knowledge: KnowledgeBase) -> _TodayView:
    # Every read of the page in one transaction: one state of the record.
    with record.snapshot() as snapshot:
        return _today_view(snapshot, knowledge)


def _today_view(record: Record, knowledge: KnowledgeBase) -> _TodayView:
    today = runner_today(record)
    # One read serves the warning signs of the last two weeks and today's check-in.
    recent = recent_record(record, since=today - dt.timedelta(days=13))
    latest, records = recent.latest, recent.checkins
    safety = _safety(latest, records, today=today, knowledge=knowledge)
    assessment = latest.output if latest is not None else None
    exercises = [] if assessment is None else list(assessment.get("plan", {}).get("exercises", []))
    checked_in = [c.data for c in records if c.date == today]
    showing = recent.programme_active and not safety
    return _TodayView(
        today=today,
        safety=safety,
        assessment=assessment,
        exercises=todays_exercises(safety, exercises, knowledge),
        programme=_programme(record, knowledge) if showing else None,
        # Measuring progress waits while the runner has a doctor to see first.
        outcomes_due=() if safety else outcomes_due(record, today=today),
        checked_in=checked_in[0] if checked_in else None,
    )


#: The fields of the check-in form; a problem found elsewhere is shown above the form.
_FIELD_NAMES = frozenset(
    {"morning_pain", "morning_stiffness_min", "exercises_done", "new_leg_symptoms"}
    | {
        f"session.{n}"
        for n in ("kind", "max_pain", "pain_after", "limp", "distance_km", "duration_min")
    }
)


def _render(
    request: Request,
    view: _TodayView,
    knowledge: KnowledgeBase,
    form: CheckInForm,
    *,
    status_code: int = 200,
    saved: str | None = None,
) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "today.html",
        {
            "today": view.today,
            "safety": view.safety,
            "assessment": view.assessment,
            "exercises": view.exercises,
            "programme": view.programme,
            "outcomes_due": view.outcomes_due,
            "checked_in": view.checked_in,
            "saved": saved,
            "form": form,
            "general_errors": [m for n, m in form.errors.items() if n not in _FIELD_NAMES],
            "session_kinds": SESSION_KINDS,
            "red_flags": red_flag_questions(knowledge),
            "exercise_names": exercise_names(knowledge),
        },
        status_code=status_code,
    )


def _safety(
    latest: AssessmentRecord | None,
    records: Sequence[CheckInRecord],
    *,
    today: dt.date,
    knowledge: KnowledgeBase,
) -> dict[str, Any] | None:
    """What to do now when the latest assessment or a recent check-in is above self-care."""
    warning = warning_sign_since_assessment(records, latest, today=today, knowledge=knowledge)
    found: list[tuple[dict[str, Any], str]] = []
    if warning is not None:
        checkin, warned = warning
        found.append(
            (triage_document(warned), f"your check-in of {checkin.date.day} {checkin.date:%B %Y}")
        )
    if latest is not None and latest.triage_level != "self_care":
        found.append((triage_document(assessment_triage(latest, knowledge)), "your assessment"))
    if not found:
        return None
    worst, source = max(found, key=lambda f: triage_rank(f[0]["level"]))
    return {**worst, "source": source, "act_now": worst["level"] in ACT_NOW_LEVELS}


def todays_exercises(
    safety: dict[str, Any] | None, exercises: list[dict[str, Any]], knowledge: KnowledgeBase
) -> list[dict[str, Any]]:
    """The plan's exercises when all is well; none when the runner must act now; while a doctor
    is awaited (see_doctor), only the gentle mobility ones (those given in the first days of
    pain), which keep the back moving until the appointment, as the triage advice says.
    """
    if safety is None:
        return exercises
    if safety["act_now"]:
        return []
    gentle = {e.id for e in knowledge.exercises if "acute" in e.phase}
    return [e for e in exercises if e.get("id") in gentle]


def _programme(record: Record, knowledge: KnowledgeBase) -> dict[str, Any] | None:
    """The return-to-run programme's status, when it is still active once judged again."""
    try:
        programme = programme_status(record, knowledge=knowledge)
    except StoreError:
        raise
    except BackstrideError:
        return None  # no programme any more (forgotten meanwhile)
    return status_document(programme, knowledge) if programme.status == "active" else None
