"""The return-to-run programme in the runner's record: start it, judge it again, show it.

The decisions are `coach.return_to_run`'s. The store keeps when the programme started and its
latest stage, status, decision and why. Each time it is judged again the whole programme is
replayed from its start over the stored check-ins, so a corrected or late check-in (a morning
logged a day late) takes its place by date, and nothing but the start date has to be trusted
from earlier runs. An assessment above self_care saved after the programme started stops it,
on the assessment's day, whatever later assessments say: start a new programme then.

```python
with open_record(db) as record:
    started = start_programme(record, today=date(2026, 3, 2))
    document = status_document(programme_status(record))
```
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from backstride.clock import today_in
from backstride.coach.return_to_run import (
    Decision,
    NextSession,
    Programme,
    begin,
    checkin_triage,
    next_session,
    programme_stages,
    review,
    stop_for_assessment,
)
from backstride.coach.triage import Triage, TriageReason
from backstride.contracts.checkin import CheckIn
from backstride.domain import TRIAGE_LEVELS, TriageLevel
from backstride.errors import BackstrideError, StoreError
from backstride.knowledge import KnowledgeBase, load_knowledge
from backstride.services.assess import triage_document
from backstride.services.load import runner_zone, zone_named
from backstride.services.record import Record
from backstride.store import AssessmentRecord, CheckInRecord, ReturnToRunState, repo

__all__ = [
    "ProgrammeStarted",
    "RecentRecord",
    "assessment_triage",
    "newer_than_programme",
    "offers_return_to_run",
    "programme_status",
    "recent_record",
    "rejudge",
    "runner_today",
    "start_programme",
    "status_document",
    "stopping_assessment",
    "stored_checkins",
    "warning_sign_since_assessment",
]


@dataclass(frozen=True, slots=True)
class ProgrammeStarted:
    """The programme after `rtr start`; `already_active` when one was running already."""

    programme: Programme
    already_active: bool


def runner_today(record: Record) -> dt.date:
    """Today's date where the runner lives."""
    return today_in(runner_zone(record))


def start_programme(
    record: Record, *, today: dt.date | None = None, knowledge: KnowledgeBase | None = None
) -> ProgrammeStarted:
    """Start a programme today at stage 1, after checking that it is safe to.

    A programme already running is kept as it is; one that an assessment has stopped since is
    stored as stopped and a new one is started. BackstrideError, saying what to do, when there
    is no assessment yet, when the latest one found warning signs, or when a check-in since then
    (or of today) reports one.
    """
    kb = knowledge or load_knowledge()
    day = today or runner_today(record)
    runner_id = record.runner.id
    with record.session() as session, session.begin():
        current = repo.get_return_to_run(session=session, runner_id=runner_id)
        records = repo.list_checkins(session=session, runner_id=runner_id)
        checkins = stored_checkins(records)
        assessments = repo.list_assessments(session=session, runner_id=runner_id)
        if current is not None and current.status == "active":
            replayed = _replay(current, checkins, assessments, kb, runner_zone(record))
            if replayed.status == "active":
                return ProgrammeStarted(replayed, already_active=True)
            repo.save_return_to_run(
                session=session,
                runner_id=runner_id,
                state=_stored(replayed, programme_id=current.id),
            )
        assessment = assessments[-1] if assessments else None
        _refuse_when_unsafe(assessment, records, today=day, knowledge=kb)
        programme = review(checkins, begin(started_on=day, knowledge=kb), kb)
        repo.save_return_to_run(
            session=session, runner_id=runner_id, state=_stored(programme, programme_id=None)
        )
    return ProgrammeStarted(programme, already_active=False)


def programme_status(record: Record, *, knowledge: KnowledgeBase | None = None) -> Programme:
    """The current programme, judged again over the stored check-ins; read only."""
    kb = knowledge or load_knowledge()
    with record.session() as session:
        current = repo.get_return_to_run(session=session, runner_id=record.runner.id)
        if current is None:
            raise BackstrideError(
                "You have no return-to-run programme yet; start one with `backstride rtr start`."
            )
        records = repo.list_checkins(session=session, runner_id=record.runner.id)
        assessments = repo.list_assessments(session=session, runner_id=record.runner.id)
    return _replay(current, stored_checkins(records), assessments, kb, runner_zone(record))


@dataclass(frozen=True, slots=True)
class RecentRecord:
    """Where the runner stands today: what the Today page reads of the record first."""

    latest: AssessmentRecord | None
    """The most recent assessment, or None."""
    checkins: list[CheckInRecord]
    """The check-ins dated `since` or later, oldest first."""
    programme_active: bool
    """Whether the current programme is active (see `programme_status` for where it stands):
    an ended programme stays as it ended (`_replay`), so it never shows as active again."""


def recent_record(record: Record, *, since: dt.date) -> RecentRecord:
    """The latest assessment, the check-ins since `since`, and whether a programme is active,
    read in one transaction: one snapshot of the record, one session instead of three."""
    runner_id = record.runner.id
    with record.transaction() as session:
        return RecentRecord(
            latest=repo.latest_assessment(session=session, runner_id=runner_id),
            checkins=repo.list_checkins(session=session, runner_id=runner_id, date_from=since),
            programme_active=repo.return_to_run_is_active(session=session, runner_id=runner_id),
        )


def rejudge(*, session: Session, runner_id: int, knowledge: KnowledgeBase) -> Programme | None:
    """Judge the active programme again and store the result; None when none is active.

    Runs inside the caller's transaction, e.g. the one that has just saved a check-in.
    """
    if not repo.return_to_run_is_active(session=session, runner_id=runner_id):
        return None
    current = repo.get_return_to_run(session=session, runner_id=runner_id)
    if current is None or current.status != "active":
        return None
    checkins = stored_checkins(repo.list_checkins(session=session, runner_id=runner_id))
    assessments = repo.list_assessments(session=session, runner_id=runner_id)
    zone = zone_named(repo.get_runner(session=session, runner_id=runner_id).time_zone)
    programme = _replay(current, checkins, assessments, knowledge, zone)
    repo.save_return_to_run(
        session=session, runner_id=runner_id, state=_stored(programme, programme_id=current.id)
    )
    return programme


def stored_checkins(records: Sequence[CheckInRecord]) -> list[CheckIn]:
    """The stored check-ins as the contract's models, oldest first."""
    checkins = []
    for stored in records:
        try:
            checkins.append(CheckIn.model_validate(stored.data))
        except ValidationError as exc:
            raise StoreError(
                f"The stored check-in of {stored.date} no longer reads as a check-in "
                f"({exc.error_count()} problems); save it again with `backstride checkin`."
            ) from exc
    return checkins


def status_document(programme: Programme, knowledge: KnowledgeBase | None = None) -> dict[str, Any]:
    """The `rtr status --format json` document (DESIGN.md, "Check-in, JSON").

    `next_session` is null once the programme has stopped.
    """
    kb = knowledge or load_knowledge()
    triage = programme.triage
    return {
        "stage": programme.stage,
        "stages": programme.stages,
        "status": programme.status,
        "decision": programme.decision,
        "why": list(programme.why),
        "decided_on": _iso(programme.decided_on),
        "started_on": programme.started_on.isoformat(),
        "safe_sessions": programme.safe_sessions,
        "next_session": _session_document(programme.next_session, kb),
        "waiting": [day.isoformat() for day in programme.waiting],
        "triage": (
            triage_document(triage)
            if triage
            else {"level": programme.triage_level, "title": None, "advice": None, "reasons": []}
        ),
    }


def _session_document(session: NextSession | None, kb: KnowledgeBase) -> dict[str, Any] | None:
    if session is None:
        return None
    stage = programme_stages(kb)[session.stage - 1]
    return {
        "stage": session.stage,
        "name": session.name,
        "kind": session.kind,
        "text": session.text,
        "walk_min": session.walk_min,
        "run_min": session.run_min,
        "repeats": session.repeats,
        "total_min": session.total_min,
        "not_before": _iso(session.not_before),
        "sources": list(stage.sources),
    }


def newer_than_programme(assessment: AssessmentRecord, programme: ReturnToRunState | None) -> bool:
    """Whether the assessment was saved after the programme started (True without one).

    The programme's `created_at` says when it started: `updated_at` moves on every check-in.
    """
    if programme is None or programme.created_at is None:
        return True
    return assessment.created_at > programme.created_at


def stopping_assessment(
    programme: ReturnToRunState, assessments: Sequence[AssessmentRecord]
) -> AssessmentRecord | None:
    """The first assessment above self_care saved after the programme started, if any.

    `assessments` oldest first, as `repo.list_assessments` gives them.
    """
    return next(
        (
            a
            for a in assessments
            if a.triage_level != "self_care" and newer_than_programme(a, programme)
        ),
        None,
    )


def assessment_triage(assessment: AssessmentRecord, knowledge: KnowledgeBase) -> Triage:
    """The triage an assessment gave, from its stored output (what the runner was told).

    The level is the stored one (an unknown level reads as see_doctor, never as self_care);
    a title or advice missing from the output is the knowledge base's for that level.
    """
    stored = assessment.output.get("triage")
    stored = stored if isinstance(stored, dict) else {}
    level = _level(assessment.triage_level, default="see_doctor")
    advice = next(a for a in knowledge.triage_levels if a.level == level)
    reasons = tuple(
        TriageReason(
            id=str(r.get("id", "")),
            level=_level(r.get("level"), default=level),
            text=r["text"],
            sources=tuple(str(s) for s in r.get("sources") or ()),
        )
        for r in stored.get("reasons") or ()
        if isinstance(r, dict) and isinstance(r.get("text"), str)
    )
    title, text = stored.get("title"), stored.get("advice")
    return Triage(
        level=level,
        reasons=reasons,
        advice=text if isinstance(text, str) and text else advice.advice,
        title=title if isinstance(title, str) and title else advice.title,
        unanswered=(),
    )


def _level(value: object, *, default: TriageLevel) -> TriageLevel:
    return value if value in TRIAGE_LEVELS else default


def _replay(
    current: ReturnToRunState,
    checkins: Sequence[CheckIn],
    assessments: Sequence[AssessmentRecord],
    kb: KnowledgeBase,
    zone: dt.tzinfo,
) -> Programme:
    """The programme replayed from its start; an ended one as it ended.

    An assessment above self_care saved after the start stops it on the assessment's day,
    after the check-ins up to that day.
    """
    start = begin(started_on=current.started_on, knowledge=kb)
    stopping = stopping_assessment(current, assessments)
    if stopping is None:
        replayed = review(checkins, start, kb)
    else:
        assessed_on = max(stopping.created_at.astimezone(zone).date(), current.started_on)
        before = review([c for c in checkins if c.date <= assessed_on], start, kb)
        found = assessment_triage(stopping, kb)
        replayed = stop_for_assessment(before, found, assessed_on=assessed_on)
    if current.status == "active" or replayed.status == current.status:
        return replayed
    # The check-ins no longer give the ending the store records (one was corrected since):
    # the programme stays ended as it was decided, with its stored stage and reasons.
    stages = len(programme_stages(kb))
    stage = min(max(current.stage, 1), stages)
    decision = current.last_decision if current.last_decision in _DECISIONS else "stop"
    return Programme(
        started_on=current.started_on,
        stage=stage,
        stages=stages,
        status=current.status,
        decision=_DECISIONS[decision],
        why=current.why,
        decided_on=current.decided_on,
        next_session=next_session(stage, kb) if current.status == "completed" else None,
        reviewed_through=current.decided_on,
    )


_DECISIONS: dict[str, Decision] = {
    "start": "start",
    "progress": "progress",
    "hold": "hold",
    "regress": "regress",
    "stop": "stop",
}


def warning_sign_since_assessment(
    records: Sequence[CheckInRecord],
    assessment: AssessmentRecord | None,
    *,
    today: dt.date,
    knowledge: KnowledgeBase,
) -> tuple[CheckIn, Triage] | None:
    """The first check-in with a warning sign (triage above self_care) still standing, if any.

    The rule `rtr start` and the plan share: without an assessment every check-in counts; an
    assessment asks the questions again, so after one only the check-ins saved since it count,
    and those of `today` or later, whenever they were saved (they speak for today).
    """
    since = [
        stored
        for stored in records
        if assessment is None or stored.updated_at > assessment.created_at or stored.date >= today
    ]
    for checkin in stored_checkins(since):
        found = checkin_triage(checkin, knowledge)
        if found is not None and found.level != "self_care":
            return checkin, found
    return None


def _refuse_when_unsafe(
    assessment: AssessmentRecord | None,
    records: Sequence[CheckInRecord],
    *,
    today: dt.date,
    knowledge: KnowledgeBase,
) -> None:
    if assessment is None:
        raise BackstrideError(
            "The programme starts after a safety check: run `backstride assess` first, then "
            "`backstride rtr start`."
        )
    if assessment.triage_level != "self_care":
        title = assessment.output.get("triage", {}).get("title") or "see a clinician"
        raise BackstrideError(
            f"Your latest assessment found warning signs ({title.rstrip('.')}). Start the "
            "programme once a clinician has seen you and a new `backstride assess` finds none."
        )
    warning = warning_sign_since_assessment(records, assessment, today=today, knowledge=knowledge)
    if warning is not None:
        checkin, found = warning
        raise BackstrideError(
            f"Your check-in of {checkin.date.isoformat()} reports a warning sign "
            f"({found.title.rstrip('.')}). Start the programme once a clinician has seen "
            "you, a new `backstride assess` finds no warning signs, and today's check-in "
            "(if any) says so too."
        )


def _stored(programme: Programme, *, programme_id: int | None) -> ReturnToRunState:
    return ReturnToRunState(
        id=programme_id,
        started_on=programme.started_on,
        stage=programme.stage,
        status=programme.status,
        last_decision=programme.decision,
        why=programme.why,
        decided_on=programme.decided_on,
    )


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def offers_return_to_run(assessment: dict[str, Any]) -> bool:
    """Whether an assessment document should offer the programme.

    When running is to stop or be reduced and nothing needs a clinician first: above
    self-care the runner sees a clinician before any return to running.
    """
    triage, running = assessment.get("triage", {}), assessment.get("running", {})
    return triage.get("level") == "self_care" and running.get("decision") in ("stop", "reduce")
