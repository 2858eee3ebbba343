"""Team mode's sharing: a runner invites a clinician with a code, and can end the link.

An invite code is 12 letters and digits from an alphabet without look-alikes (about 60 bits),
shown once when it is made; the database keeps its SHA-256 only. It works once, for
`INVITE_LIFETIME`. A linked clinician reads the runner's record (`athlete_record`) until the
runner revokes the link; every read is written to the runner's audit log (`services.audit`).

Everything a runner does names their own record, so another runner's invite or link id is
"not found", exactly like one that does not exist.

```python
made = create_invite(record)                 # tell the clinician made.code
link = link_athlete(store, clinician, code)  # the clinician enters it
revoke_clinician(record, link.id)            # the runner ends it
```
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from backstride.clock import utc_now
from backstride.errors import BackstrideError, InputInvalid
from backstride.services.audit import LINKED, REVOKED, write_event
from backstride.services.record import Record
from backstride.store import Account, ClinicianLink, Invite, LinkedAthlete, Store, repo

__all__ = [
    "INVITE_LIFETIME",
    "ClinicianLink",
    "Invite",
    "InviteMade",
    "LinkedAthlete",
    "NotFound",
    "athlete_record",
    "clinician_links",
    "create_invite",
    "invites",
    "link_athlete",
    "linked_athletes",
    "revoke_clinician",
    "withdraw_invite",
]

INVITE_LIFETIME = timedelta(days=7)
#: Capital letters and digits without 0/O, 1/I/L, 2/Z, 5/S, 8/B: easy to read out and type.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 12


class NotFound(BackstrideError):
    """No such thing among the ones this account may see (whether it exists is not said)."""


@dataclass(frozen=True, slots=True)
class InviteMade:
    """A new invite code, shown to the runner this once."""

    code: str
    invite: Invite


def create_invite(record: Record, *, now: datetime | None = None) -> InviteMade:
    """A new invite code for the runner's record, valid for `INVITE_LIFETIME`, used once."""
    moment = _now(now)
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    code = "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))
    with record.session() as session:
        invite = repo.create_invite(
            session=session,
            runner_id=record.runner.id,
            code_hash=_code_digest(raw),
            expires_at=moment + INVITE_LIFETIME,
            now=moment,
        )
    return InviteMade(code=code, invite=invite)


def invites(record: Record, *, now: datetime | None = None) -> list[Invite]:
    """The runner's invite codes still waiting to be used, newest first."""
    with record.session() as session:
        return repo.list_invites(session=session, runner_id=record.runner.id, now=_now(now))


def withdraw_invite(record: Record, invite_id: int) -> None:
    """Withdraw one of the runner's unused invite codes; NotFound when they have none such."""
    with record.session() as session:
        found = repo.withdraw_invite(
            session=session, runner_id=record.runner.id, invite_id=invite_id
        )
    if not found:
        raise NotFound("no such invite code among yours; it may have been used already")


def link_athlete(
    store: Store, clinician: Account, code: str, *, now: datetime | None = None
) -> ClinicianLink:
    """Link the clinician to the runner who made `code`; InputInvalid when it does not work."""
    moment = _now(now)
    if clinician.role != "clinician":
        raise InputInvalid("code: only a clinician's account can link an athlete")
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    refused = InputInvalid(
        "code: this invite code does not work: it may be mistyped, used already or expired; "
        "ask your athlete for a new one"
    )
    if len(raw) != CODE_LENGTH:
        raise refused
    with store.session() as session, session.begin():
        link = repo.use_invite(
            session=session, code_hash=_code_digest(raw), clinician_id=clinician.id, now=moment
        )
        if link is None:
            raise refused
        write_event(session, runner_id=link.runner_id, actor=clinician, action=LINKED, now=moment)
    return link


def clinician_links(record: Record) -> list[ClinicianLink]:
    """The clinicians linked to the runner's record, current and revoked, newest first."""
    with record.session() as session:
        return repo.list_links(session=session, runner_id=record.runner.id)


def revoke_clinician(record: Record, link_id: int, *, now: datetime | None = None) -> None:
    """End a clinician's access to the runner's record at once; NotFound when no such link."""
    moment = _now(now)
    with record.session() as session, session.begin():
        current = {
            link.id: link for link in repo.list_links(session=session, runner_id=record.runner.id)
        }
        link = current.get(link_id)
        if link is None or link.revoked_at is not None:
            raise NotFound("no such clinician among those who can read your record")
        repo.revoke_link(session=session, runner_id=record.runner.id, link_id=link_id, now=moment)
        write_event(
            session,
            runner_id=record.runner.id,
            actor=None,
            actor_email=link.clinician_email,
            action=REVOKED,
            now=moment,
        )


def linked_athletes(store: Store, clinician: Account) -> list[LinkedAthlete]:
    """The runners whose records the clinician can read now."""
    with store.session() as session:
        return repo.linked_athletes(session=session, clinician_id=clinician.id)


def athlete_record(store: Store, clinician: Account, runner_id: int) -> Record:
    """The record of a runner linked to the clinician; NotFound for any other id."""
    with store.session() as session:
        if clinician.role != "clinician" or not repo.is_linked(
            session=session, clinician_id=clinician.id, runner_id=runner_id
        ):
            raise NotFound("no such athlete among yours")
        return Record(store, repo.get_runner(session=session, runner_id=runner_id))


def _code_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _now(now: datetime | None) -> datetime:
    return now if now is not None else utc_now()
