"""The audit log a runner reads: which clinician saw which part of their record, and when.

Every view of a linked athlete's record by a clinician is written before the page is shown
(`record_view`), as are a link made with an invite code and a link the runner ended. Actions
are stored as short codes and read back in words (`ACTIONS`).

```python
record_view(store, clinician=account, runner_id=7, view="checkins")
for line in audit_log(record):
    print(line.at, line.who, line.what)
```
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from backstride.clock import utc_now
from backstride.errors import InputInvalid
from backstride.services.record import Record
from backstride.store import Account, Store, repo

__all__ = ["ACTIONS", "LINKED", "REVOKED", "VIEWS", "AuditLine", "audit_log", "record_view"]

LINKED = "linked"
REVOKED = "revoked"
#: The parts of a record a clinician can view, by the code the log keeps.
VIEWS: dict[str, str] = {
    "overview": (
        "viewed the overview (safety triage, running decision, return-to-run stage, running form)"
    ),
    "checkins": "viewed the pain diary",
    "load": "viewed the training load",
    "fhir": "downloaded the FHIR export (pain diary and questionnaires)",
    "form": "viewed the picture of a running-form analysis",
}
#: Every action the log keeps, in the words the runner reads.
ACTIONS: dict[str, str] = {
    LINKED: "linked to your record with an invite code",
    REVOKED: "lost access: you ended the link",
    **{f"view:{code}": words for code, words in VIEWS.items()},
}
AUDIT_LOG_LENGTH = 500


@dataclass(frozen=True, slots=True)
class AuditLine:
    """One line of the log: when, who (their email) and what, in words."""

    at: datetime
    who: str
    what: str


def record_view(
    store: Store, *, clinician: Account, runner_id: int, view: str, now: datetime | None = None
) -> None:
    """Write that the clinician viewed part `view` (a key of `VIEWS`) of the runner's record."""
    if view not in VIEWS:
        raise InputInvalid(f"view: {view!r} is not a part of a record; one of {', '.join(VIEWS)}")
    with store.session() as session:
        write_event(
            session,
            runner_id=runner_id,
            actor=clinician,
            action=f"view:{view}",
            now=now or utc_now(),
        )


def write_event(
    session: Session,
    *,
    runner_id: int,
    actor: Account | None,
    action: str,
    now: datetime,
    actor_email: str | None = None,
) -> None:
    """Write one line of the runner's log, in the caller's transaction if one is open."""
    email = actor.email if actor is not None else actor_email
    if email is None:
        raise ValueError("an audit event needs the actor or their email")
    repo.add_audit_event(
        session=session,
        runner_id=runner_id,
        actor_id=actor.id if actor is not None else None,
        actor_email=email,
        action=action,
        now=now,
    )


def audit_log(record: Record) -> list[AuditLine]:
    """The runner's audit log, newest first (the latest `AUDIT_LOG_LENGTH` lines)."""
    with record.session() as session:
        events = repo.list_audit_events(
            session=session, runner_id=record.runner.id, limit=AUDIT_LOG_LENGTH
        )
    return [
        AuditLine(at=e.at, who=e.actor_email, what=ACTIONS.get(e.action, e.action)) for e in events
    ]
