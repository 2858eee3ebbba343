"""The week ahead for the runner: their run days, their stage, and the plan as JSON or a calendar.

```python
with open_record(db) as record:
    save_run_days(record, parse_run_days("mon,wed,fri"))
    week = week_ahead(record, today=runner_today(record))
calendar_bytes = plan_calendar(week, now=utc_now())
```

The stage comes from the runner's return-to-run programme (stage 1 until one starts). The
safety net comes first: no plan while the latest assessment, newer than the programme, sends
the runner to a clinician, or while a programme is stopped (by a check-in, or by an assessment
above self-care saved after it started).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from backstride.coach.weekly_plan import WEEKDAY_NAMES, PlannedDay, WeeklyPlan, plan_week
from backstride.errors import BackstrideError, InputInvalid
from backstride.knowledge import KnowledgeBase, load_knowledge
from backstride.services.load import runner_zone
from backstride.services.record import Record
from backstride.services.return_to_run import (
    newer_than_programme,
    stopping_assessment,
    warning_sign_since_assessment,
)
from backstride.store import AssessmentRecord, CheckInRecord, ReturnToRunState, Runner, repo

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

SCHEMA_VERSION = 1
ProgrammeStatus = Literal["none", "active", "completed"]

_DAY_WORD = re.compile(r"[a-z]+")
_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True, slots=True)
class WeekAhead:
    """The plan and why it starts where it does, in plain words."""

    plan: WeeklyPlan
    programme: ProgrammeStatus
    why: tuple[str, ...]
    disclaimer: str


def parse_run_days(text: str) -> tuple[int, ...]:
    """Weekday numbers (0 is Monday) from text such as "mon,wed,fri" or "Tuesday Saturday".

    Each day is a full English name or its first three letters or more; InputInvalid names a
    word that is not a day.
    """
    words = [w for w in _SEPARATORS.split(text.strip().lower()) if w]
    if not words:
        raise InputInvalid("--days: name at least one day you can run, e.g. --days mon,wed,fri")
    days: set[int] = set()
    for word in words:
        matches = [
            number
            for number, name in enumerate(WEEKDAY_NAMES)
            if len(word) >= 3 and _DAY_WORD.fullmatch(word) and name.startswith(word)
        ]
        if len(matches) != 1:
            raise InputInvalid(
                f"--days: {word!r} is not a day of the week; use mon, tue, wed, thu, fri, sat, "
                "sun separated by commas, e.g. --days mon,wed,fri"
            )
        days.add(matches[0])
    return tuple(sorted(days))


def run_days_text(days: Sequence[int]) -> str:
    """The weekdays as the short names `parse_run_days` reads, e.g. "mon,wed,fri"."""
    return ",".join(WEEKDAY_NAMES[day][:3] for day in sorted(days))


def stored_run_days(record: Record) -> tuple[int, ...] | None:
    """The days the runner said they can run, or None when they have not been asked yet."""
    with record.session() as session:
        return repo.get_runner(session=session, runner_id=record.runner.id).run_days


def save_run_days(record: Record, days: Sequence[int]) -> Runner:
    """Keep the days the runner can run on their profile."""
    with record.session() as session:
        runner = repo.get_runner(session=session, runner_id=record.runner.id)
        return repo.update_runner(
            session=session, runner=dataclasses.replace(runner, run_days=tuple(days))
        )


def week_ahead(
    record: Record, *, today: dt.date, knowledge: KnowledgeBase | None = None
) -> WeekAhead:
    """The seven days from `today` for the runner; BackstrideError when none may be given."""
    kb = knowledge or load_knowledge()
    runner_id = record.runner.id
    with record.session() as session:
        runner = repo.get_runner(session=session, runner_id=runner_id)
        programme = repo.get_return_to_run(session=session, runner_id=runner_id)
        assessments = repo.list_assessments(session=session, runner_id=runner_id)
        checkins = repo.list_checkins(session=session, runner_id=runner_id)
        last_run = _last_run_on(record, session=session, today=today)
    if runner.run_days is None:
        raise InputInvalid(
            "Backstride does not know yet which days you can run; pass --days, "
            "e.g. --days mon,wed,fri"
        )
    assessment = assessments[-1] if assessments else None
    _refuse_when_unsafe(programme, assessments)
    _refuse_after_warning_signs(checkins, assessment, today=today, knowledge=kb)
    stage, status, why = _stage(programme, assessment, stages=len(kb.return_to_run))
    plan = plan_week(
        kb,
        today=today,
        run_days=runner.run_days,
        stage=stage,
        last_run_on=last_run,
        aggravators=_aggravators(assessment),
    )
    if not runner.run_days:
        why += ("You have no run days, so this week has no run sessions.",)
    for day in plan.skipped_run_dates:
        why += (f"No run session on {_day_text(day)}: you ran the day before.",)
    return WeekAhead(plan=plan, programme=status, why=why, disclaimer=kb.disclaimer)


def _refuse_when_unsafe(
    programme: ReturnToRunState | None, assessments: Sequence[AssessmentRecord]
) -> None:
    """No plan while the latest assessment or a stopped programme sends the runner to a clinician.

    `assessments` oldest first.
    """
    assessment = assessments[-1] if assessments else None
    if (
        assessment is not None
        and assessment.triage_level != "self_care"
        and newer_than_programme(assessment, programme)
    ):
        raise BackstrideError(
            f"Your latest assessment ({_day_text(assessment.created_at.date())}) sends you to "
            "a clinician, so Backstride plans no running: follow its advice first, then take "
            "a new assessment."
        )
    if programme is not None and programme.status == "stopped":
        raise BackstrideError(
            "Your return-to-run programme is stopped, so Backstride plans no running: see a GP "
            "or physiotherapist first, then start a new programme when they agree."
        )
    if programme is not None and programme.status == "active":
        stopping = stopping_assessment(programme, assessments)
        if stopping is not None:
            raise BackstrideError(
                f"Your assessment of {_day_text(stopping.created_at.date())} sent you to a "
                "clinician and stopped your return-to-run programme, so Backstride plans no "
                "running: start a new programme with `backstride rtr start`."
            )


def _refuse_after_warning_signs(
    records: Sequence[CheckInRecord],
    assessment: AssessmentRecord | None,
    *,
    today: dt.date,
    knowledge: KnowledgeBase,
) -> None:
    """A warning sign in a check-in since the latest assessment stops plans (the start's rule)."""
    warning = warning_sign_since_assessment(records, assessment, today=today, knowledge=knowledge)
    if warning is not None:
        checkin, found = warning
        raise BackstrideError(
            f"Your check-in of {_day_text(checkin.date)} reports a warning sign "
            f"({found.title.rstrip('.')}), so Backstride plans no running: see a clinician "
            "first, then take a new assessment."
        )


def _stage(
    programme: ReturnToRunState | None, assessment: AssessmentRecord | None, *, stages: int
) -> tuple[int, ProgrammeStatus, tuple[str, ...]]:
    if (
        assessment is not None
        and assessment.running_decision == "stop"
        and newer_than_programme(assessment, programme)
    ):
        why = "Your latest assessment says to rest from running, so this week walks (stage 1)."
        return 1, "none" if programme is None else _status(programme), (why,)
    if programme is None:
        why = (
            "You have no return-to-run programme yet, so the week starts at stage 1: "
            "a 30-minute brisk walk."
        )
        return 1, "none", (why,)
    stage = min(programme.stage, stages)
    return stage, _status(programme), (f"Your return-to-run programme is at stage {stage}.",)


def _day_text(day: dt.date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()].title()} {day.day} {day:%B %Y}"


def _status(programme: ReturnToRunState) -> ProgrammeStatus:
    return "completed" if programme.status == "completed" else "active"


def _last_run_on(record: Record, *, session: Session, today: dt.date) -> dt.date | None:
    """Today or yesterday when the runner ran then (a check-in or an imported run), else None."""
    yesterday = today - dt.timedelta(days=1)
    ran: set[dt.date] = set()
    for checkin in repo.list_checkins(
        session=session, runner_id=record.runner.id, date_from=yesterday, date_to=today
    ):
        if checkin.session_kind == "run":
            ran.add(checkin.date)
    zone = runner_zone(record)
    start = dt.datetime.combine(yesterday, dt.time(), tzinfo=zone)
    for stored in repo.list_activities(
        session=session,
        runner_id=record.runner.id,
        start_from=start,
        start_before=start + dt.timedelta(days=2),
        sport="running",
    ):
        ran.add(stored.activity.start.astimezone(zone).date())
    return max(ran, default=None)


def _aggravators(assessment: AssessmentRecord | None) -> tuple[str, ...]:
    """What makes the pain worse, from the latest intake (exercises that aggravate are left out)."""
    if assessment is None:
        return ()
    pain = assessment.intake.get("pain")
    found = pain.get("aggravators") if isinstance(pain, dict) else None
    return tuple(a for a in found if isinstance(a, str)) if isinstance(found, list) else ()


# Rendering -------------------------------------------------------------------------------------


def plan_document(week: WeekAhead) -> dict[str, Any]:
    """The week ahead as JSON: every day, every item with its dose, steps and knowledge id."""
    plan = week.plan
    return {
        "schema_version": SCHEMA_VERSION,
        "start": plan.start.isoformat(),
        "end": plan.days[-1].date.isoformat(),
        "stage": {
            "number": plan.stage,
            "of": plan.stages,
            "id": plan.stage_id,
            "name": plan.stage_name,
            "programme": week.programme,
        },
        "run_days": [WEEKDAY_NAMES[day] for day in plan.run_days],
        "why": list(week.why),
        "days": [_day_document(day) for day in plan.days],
        "notes": [
            {"id": n.id, "name": n.name, "text": n.text, "sources": list(n.sources)}
            for n in plan.notes
        ],
        "disclaimer": week.disclaimer,
    }


def _day_document(day: PlannedDay) -> dict[str, Any]:
    return {
        "date": day.date.isoformat(),
        "weekday": day.weekday,
        "kind": day.kind,
        "id": day.id,
        "title": day.title,
        "items": [
            {
                "id": item.id,
                "kind": item.kind,
                "name": item.name,
                "dose": item.dose,
                "steps": list(item.steps),
                "sources": list(item.sources),
            }
            for item in day.items
        ],
    }


_ITEM_HEADINGS = {
    "warm_up": "Warm-up",
    "walk": "Walk",
    "run": "Session",
    "cool_down": "Cool-down",
    "strength": "Strength",
    "cross_training": "Cross-training",
    "mobility": "Mobility",
}


def plan_calendar(week: WeekAhead, *, now: dt.datetime) -> bytes:
    """The week as an iCalendar file: one all-day event a day, with doses and steps."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Backstride//Week ahead//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Backstride")
    for day in week.plan.days:
        event = Event()
        # One id per date: importing a newer plan replaces the day instead of doubling it.
        event.add("uid", f"backstride-plan-{day.date.isoformat()}@backstride")
        event.add("dtstamp", now.astimezone(dt.UTC))
        event.add("dtstart", day.date)
        event.add("dtend", day.date + dt.timedelta(days=1))
        event.add("summary", f"Backstride: {day.title}")
        event.add("description", _day_description(day, week))
        event.add("categories", [day.kind.replace("_", " ")])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def _day_description(day: PlannedDay, week: WeekAhead) -> str:
    lines: list[str] = []
    for item in day.items:
        lines.append(f"{_ITEM_HEADINGS[item.kind]}: {item.name} [{item.id}]")
        lines.append(f"  How much: {item.dose}")
        lines += [f"  - {step}" for step in item.steps]
    if day.kind == "run":
        lines += ["", *(f"{note.name}: {note.text}" for note in week.plan.notes)]
    lines += ["", week.disclaimer]
    return "\n".join(lines)
