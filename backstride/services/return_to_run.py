"""The return-to-run programme in the runner's record: start it, judge it again, show it.

The decisions are `coach.return_to_run`'s. The store keeps when the programme started and its
latest stage, status, decision and why. Each time it is judged again the whole programme is
replayed from its start over the stored check-ins, so a corrected or late check-in (a morning
logged a day late) takes its place by date, and nothing but the start date has to be trusted
from earlier runs.

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

from backstride.coach.return_to_run import (
    Decision,
    NextSession,
    Programme,
    begin,
    checkin_triage,
    next_session,
    programme_stages,
    review,
)
from backstride.contracts.checkin import CheckIn
from backstride.errors import BackstrideError, StoreError
from backstride.knowledge import KnowledgeBase, load_knowledge
from backstride.services.load import runner_zone
from backstride.services.record import Record
from backstride.store import AssessmentRecord, CheckInRecord, ReturnToRunState, repo

__all__ = [
    "ProgrammeStarted",
    "offers_return_to_run",
    "programme_status",
    "rejudge",
    "runner_today",
    "start_programme",
    "status_document",
    "stored_checkins",
]


@dataclass(frozen=True, slots=True)
class ProgrammeStarted:
    """The programme after `rtr start`; `already_active` when one was running already."""

    programme: Programme
    already_active: bool


def runner_today(record: Record) -> dt.date:
    """Today's date where the runner lives."""
    return dt.datetime.now(runner_zone(record)).date()


def start_programme(
    record: Record, *, today: dt.date | None = None, knowledge: KnowledgeBase | None = None
) -> ProgrammeStarted:
    """Start a programme today at stage 1, after checking that it is safe to.

    A programme already running is kept as it is. BackstrideError, saying what to do, when there
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
        if current is not None and current.status == "active":
            return ProgrammeStarted(_replay(current, checkins, kb), already_active=True)
        assessment = repo.latest_assessment(session=session, runner_id=runner_id)
        _refuse_when_unsafe(assessment, records, checkins, today=day, knowledge=kb)
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
    return _replay(current, stored_checkins(records), kb)


def rejudge(*, session: Session, runner_id: int, knowledge: KnowledgeBase) -> Programme | None:
    """Judge the active programme again and store the result; None when none is active.

    Runs inside the caller's transaction, e.g. the one that has just saved a check-in.
    """
    current = repo.get_return_to_run(session=session, runner_id=runner_id)
    if current is None or current.status != "active":
        return None
    checkins = stored_checkins(repo.list_checkins(session=session, runner_id=runner_id))
    programme = _replay(current, checkins, knowledge)
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
        "triage": {
            "level": programme.triage_level,
            "title": triage.title if triage else None,
            "advice": triage.advice if triage else None,
            "reasons": [
                {"id": r.id, "level": r.level, "text": r.text, "sources": list(r.sources)}
                for r in (triage.reasons if triage else ())
            ],
        },
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


def _replay(current: ReturnToRunState, checkins: Sequence[CheckIn], kb: KnowledgeBase) -> Programme:
    """The programme replayed from its start; an ended one as it ended."""
    replayed = review(checkins, begin(started_on=current.started_on, knowledge=kb), kb)
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


def _refuse_when_unsafe(
    assessment: AssessmentRecord | None,
    records: Sequence[CheckInRecord],
    checkins: Sequence[CheckIn],
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
    for stored, checkin in zip(records, checkins, strict=True):
        if stored.updated_at <= assessment.created_at and checkin.date < today:
            continue  # answered before the latest assessment, which asked again
        found = checkin_triage(checkin, knowledge)
        if found is not None and found.level != "self_care":
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
