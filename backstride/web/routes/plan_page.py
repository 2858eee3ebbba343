"""The week's plan (GET /plan), the days the runner can run (POST /plan/days), and the plan as
a calendar file (GET /plan.ics).

The plan is `services.plan.week_ahead`, the same week `backstride plan` prints, and the
calendar is `plan_calendar`, what `backstride plan --format ics` writes. The page asks first
for an assessment, then for the days the runner can run; while the service refuses a plan (an
assessment or a check-in sends the runner to a clinician) the page says why and shows no plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from backstride.clock import utc_now
from backstride.errors import BackstrideError, StoreError
from backstride.knowledge import KnowledgeBase
from backstride.services.plan import (
    WeekAhead,
    parse_run_days,
    plan_calendar,
    plan_document,
    save_run_days,
    stored_run_days,
    week_ahead,
)
from backstride.services.record import Record
from backstride.services.return_to_run import runner_today
from backstride.web.deps import KnowledgeDep, RecordDep
from backstride.web.routes.pages import PostedForm
from backstride.web.templating import templates

router = APIRouter(include_in_schema=False)

#: The run-day checkboxes: the value `parse_run_days` reads, and the day's name.
RUN_DAY_CHOICES: tuple[tuple[str, str], ...] = (
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
)

#: What each kind of day is called on the page.
DAY_KIND_WORDS = {
    "run": "Run day",
    "strength": "Strength day",
    "cross_training": "Cross-training day",
    "rest": "Rest day",
}

#: The heading of each kind of item within a day.
ITEM_KIND_WORDS = {
    "warm_up": "Warm-up",
    "walk": "Walk",
    "run": "Session",
    "cool_down": "Cool-down",
    "strength": "Strength",
    "cross_training": "Cross-training",
    "mobility": "Mobility",
}


@dataclass(frozen=True, slots=True)
class PlanState:
    """What the plan page can show: a plan, or the one thing missing before there is one."""

    week: WeekAhead | None = None
    missing: str | None = None  # "assessment" or "run_days"
    refusal: str | None = None  # why the service plans no running now


@router.get("/plan", response_class=HTMLResponse)
def plan_page(
    request: Request, record: RecordDep, knowledge: KnowledgeDep, days: str | None = None
) -> HTMLResponse:
    """This week: what to do each day, with a link to the same plan as a calendar file."""
    saved = "Your run days are saved; the plan below uses them." if days == "saved" else None
    return _page(request, record, knowledge, _plan_state(record, knowledge), saved=saved)


@router.post("/plan/days", response_class=HTMLResponse, response_model=None)
def plan_run_days(
    request: Request, posted: PostedForm, record: RecordDep, knowledge: KnowledgeDep
) -> HTMLResponse | RedirectResponse:
    """Keep the days the runner can run, then show the plan again (303)."""
    chosen = [value for value in posted.get("run_days", []) if value.strip()]
    known = {value for value, _ in RUN_DAY_CHOICES}
    unknown = [value for value in chosen if value not in known]
    if unknown:
        error = f"{unknown[0][:20]!r} is not a day of the week: tick days from the list."
        state = _plan_state(record, knowledge)
        return _page(request, record, knowledge, state, status_code=422, days_error=error)
    save_run_days(record, parse_run_days(",".join(chosen)) if chosen else ())
    return RedirectResponse("/plan?days=saved", status_code=303)


@router.get("/plan.ics", response_model=None)
def plan_ics(request: Request, record: RecordDep, knowledge: KnowledgeDep) -> Response:
    """The week's plan as an iCalendar file to add to a phone's calendar.

    With no plan to give (no assessment, no run days, or the safety net says no) the plan page
    answers instead, saying why, with status 409.
    """
    state = _plan_state(record, knowledge)
    if state.week is None:
        return _page(request, record, knowledge, state, status_code=409)
    calendar = plan_calendar(state.week, now=utc_now())
    name = f"backstride-week-{state.week.plan.start.isoformat()}.ics"
    return Response(
        calendar,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _plan_state(record: Record, knowledge: KnowledgeBase) -> PlanState:
    """The week ahead for the runner, or why there is none."""
    if record.latest_assessment() is None:
        return PlanState(missing="assessment")
    if stored_run_days(record) is None:
        return PlanState(missing="run_days")
    try:
        return PlanState(week=week_ahead(record, today=runner_today(record), knowledge=knowledge))
    except StoreError:
        raise
    except BackstrideError as exc:
        return PlanState(refusal=str(exc))


def _page(
    request: Request,
    record: Record,
    knowledge: KnowledgeBase,
    state: PlanState,
    *,
    status_code: int = 200,
    saved: str | None = None,
    days_error: str | None = None,
) -> HTMLResponse:
    plan = plan_document(state.week) if state.week is not None else None
    run_days = stored_run_days(record) if state.missing != "assessment" else None
    today = runner_today(record)
    return templates.TemplateResponse(
        request,
        "plan.html",
        {
            "plan": plan,
            "state": state,
            "days": _days(plan, today=today),
            "saved": saved,
            "days_error": days_error,
            "run_day_choices": RUN_DAY_CHOICES,
            "chosen_days": {RUN_DAY_CHOICES[day][0] for day in run_days or ()},
            "day_kind_words": DAY_KIND_WORDS,
            "item_kind_words": ITEM_KIND_WORDS,
            "citations": _citations(plan, knowledge),
        },
        status_code=status_code,
    )


def _days(plan: dict[str, Any] | None, *, today: dt.date) -> list[dict[str, Any]]:
    """The plan's days with the words the page heads them with ("Saturday 14 March")."""
    if plan is None:
        return []
    days: list[dict[str, Any]] = []
    for day in plan["days"]:
        date = dt.date.fromisoformat(day["date"])
        text = f"{day['weekday'].title()} {date.day} {date:%B}"
        days.append({**day, "date_text": text, "is_today": date == today})
    return days


def _citations(plan: dict[str, Any] | None, knowledge: KnowledgeBase) -> dict[str, str]:
    """Each source the plan cites, by id, with its citation; an unknown id cites itself."""
    if plan is None:
        return {}
    cited: Iterable[str] = [
        *(s for note in plan["notes"] for s in note["sources"]),
        *(s for day in plan["days"] for item in day["items"] for s in item["sources"]),
    ]
    citations: dict[str, str] = {}
    for source in dict.fromkeys(cited):
        try:
            citations[source] = knowledge.source(source).citation
        except KeyError:
            citations[source] = source
    return citations
