"""Team mode's sharing: invite codes, the clinician links they make, and the audit log.

A runner makes an invite code (only its SHA-256 is kept); a clinician who enters it before it
expires gets a link to the runner's record, once. The runner can end a link at any time; it is
kept, revoked, so the runner sees who could read their record and until when. Every view of a
linked record by a clinician is an `audit_event` the runner can read.

Every function that acts for a runner takes their `runner_id` and touches only their rows, so
an id that is not theirs is simply not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backstride.store._transaction import reading, writing
from backstride.store.tables import (
    AccountRow,
    AuditEventRow,
    ClinicianLinkRow,
    InviteRow,
    RunnerRow,
)


@dataclass(frozen=True, slots=True)
class Invite:
    """An invite code a runner made (the code itself is shown once, when it is made)."""

    id: int
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None


@dataclass(frozen=True, slots=True)
class ClinicianLink:
    """A clinician who can (or, once revoked, could) read a runner's record."""

    id: int
    runner_id: int
    clinician_id: int
    clinician_email: str
    clinician_name: str | None
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class LinkedAthlete:
    """A runner a clinician is linked to, as the clinician's list shows them."""

    runner_id: int
    name: str | None
    email: str
    linked_at: datetime


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One line of a runner's audit log."""

    at: datetime
    actor_email: str
    action: str


# Invites ---------------------------------------------------------------------------------------


def create_invite(
    *, session: Session, runner_id: int, code_hash: str, expires_at: datetime, now: datetime
) -> Invite:
    """Keep a new invite code of the runner (its hash)."""
    with writing(session, "make the invite code"):
        row = InviteRow(
            runner_id=runner_id, code_hash=code_hash, created_at=now, expires_at=expires_at
        )
        session.add(row)
        session.flush()
        return _invite(row)


def list_invites(*, session: Session, runner_id: int, now: datetime) -> list[Invite]:
    """The runner's invite codes not used yet and not expired, newest first."""
    with reading(session, "read your invite codes"):
        rows = session.scalars(
            sa.select(InviteRow)
            .where(
                InviteRow.runner_id == runner_id,
                InviteRow.used_at.is_(None),
                InviteRow.expires_at > now,
            )
            .order_by(InviteRow.created_at.desc(), InviteRow.id.desc())
        )
        return [_invite(row) for row in rows]


def withdraw_invite(*, session: Session, runner_id: int, invite_id: int) -> bool:
    """Delete an unused invite code of the runner; False when they have none with this id."""
    with writing(session, "withdraw the invite code"):
        result = session.execute(
            sa.delete(InviteRow).where(
                InviteRow.id == invite_id,
                InviteRow.runner_id == runner_id,
                InviteRow.used_at.is_(None),
            )
        )
        return bool(getattr(result, "rowcount", 0))


def use_invite(
    *, session: Session, code_hash: str, clinician_id: int, now: datetime
) -> ClinicianLink | None:
    """Spend a valid invite code: link the clinician to its runner; None if the code is not
    valid (unknown, used or expired). Two clinicians racing for one code: one link, not two.

    A clinician already linked to the runner keeps the link they have.
    """
    with writing(session, "link the athlete"):
        invite = session.scalars(
            sa.select(InviteRow).where(InviteRow.code_hash == code_hash)
        ).one_or_none()
        if invite is None:
            return None
        spent = session.execute(
            sa.update(InviteRow)
            .where(
                InviteRow.id == invite.id,
                InviteRow.used_at.is_(None),
                InviteRow.expires_at > now,
            )
            .values(used_at=now)
        )
        if not getattr(spent, "rowcount", 0):
            return None
        runner_id = invite.runner_id
        current = _active_link_row(session, clinician_id=clinician_id, runner_id=runner_id)
        if current is None:
            current = ClinicianLinkRow(
                runner_id=runner_id, clinician_id=clinician_id, created_at=now, revoked_at=None
            )
            session.add(current)
            session.flush()
        return _links(session, ClinicianLinkRow.id == current.id)[0]


# Links -----------------------------------------------------------------------------------------


def list_links(*, session: Session, runner_id: int) -> list[ClinicianLink]:
    """Every clinician link of the runner, current and revoked, newest first."""
    with reading(session, "read your clinicians"):
        return _links(session, ClinicianLinkRow.runner_id == runner_id)


def revoke_link(*, session: Session, runner_id: int, link_id: int, now: datetime) -> bool:
    """End one of the runner's current links; False when they have none with this id."""
    with writing(session, "end the clinician's access"):
        result = session.execute(
            sa.update(ClinicianLinkRow)
            .where(
                ClinicianLinkRow.id == link_id,
                ClinicianLinkRow.runner_id == runner_id,
                ClinicianLinkRow.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        return bool(getattr(result, "rowcount", 0))


def linked_athletes(*, session: Session, clinician_id: int) -> list[LinkedAthlete]:
    """The runners whose records the clinician can read now, by name then email."""
    with reading(session, "read your athletes"):
        rows = session.execute(
            sa.select(RunnerRow.id, RunnerRow.name, AccountRow.email, ClinicianLinkRow.created_at)
            .join(ClinicianLinkRow, ClinicianLinkRow.runner_id == RunnerRow.id)
            .join(AccountRow, AccountRow.runner_id == RunnerRow.id)
            .where(
                ClinicianLinkRow.clinician_id == clinician_id,
                ClinicianLinkRow.revoked_at.is_(None),
            )
            .order_by(RunnerRow.name, AccountRow.email)
        )
        return [
            LinkedAthlete(runner_id=r.id, name=r.name, email=r.email, linked_at=r.created_at)
            for r in rows
        ]


def is_linked(*, session: Session, clinician_id: int, runner_id: int) -> bool:
    """Whether the clinician can read the runner's record now."""
    with reading(session, "check your access"):
        found = _active_link_row(session, clinician_id=clinician_id, runner_id=runner_id)
        return found is not None


def _active_link_row(
    session: Session, *, clinician_id: int, runner_id: int
) -> ClinicianLinkRow | None:
    return session.scalars(
        sa.select(ClinicianLinkRow)
        .where(
            ClinicianLinkRow.clinician_id == clinician_id,
            ClinicianLinkRow.runner_id == runner_id,
            ClinicianLinkRow.revoked_at.is_(None),
        )
        .limit(1)
    ).one_or_none()


def _links(session: Session, condition: sa.ColumnElement[bool]) -> list[ClinicianLink]:
    rows = session.execute(
        sa.select(ClinicianLinkRow, AccountRow.email, AccountRow.name)
        .join(AccountRow, AccountRow.id == ClinicianLinkRow.clinician_id)
        .where(condition)
        .order_by(ClinicianLinkRow.created_at.desc(), ClinicianLinkRow.id.desc())
    )
    return [
        ClinicianLink(
            id=link.id,
            runner_id=link.runner_id,
            clinician_id=link.clinician_id,
            clinician_email=email,
            clinician_name=name,
            created_at=link.created_at,
            revoked_at=link.revoked_at,
        )
        for link, email, name in rows
    ]


# Audit log -------------------------------------------------------------------------------------


def add_audit_event(
    *,
    session: Session,
    runner_id: int,
    actor_id: int | None,
    actor_email: str,
    action: str,
    now: datetime,
) -> None:
    """Write one line of the runner's audit log."""
    with writing(session, "write the audit log"):
        session.add(
            AuditEventRow(
                runner_id=runner_id,
                actor_id=actor_id,
                actor_email=actor_email,
                action=action,
                at=now,
            )
        )


def list_audit_events(*, session: Session, runner_id: int, limit: int = 500) -> list[AuditEvent]:
    """The runner's audit log, newest first, at most `limit` lines."""
    with reading(session, "read your audit log"):
        rows = session.scalars(
            sa.select(AuditEventRow)
            .where(AuditEventRow.runner_id == runner_id)
            .order_by(AuditEventRow.at.desc(), AuditEventRow.id.desc())
            .limit(limit)
        )
        return [AuditEvent(at=r.at, actor_email=r.actor_email, action=r.action) for r in rows]


def _invite(row: InviteRow) -> Invite:
    return Invite(
        id=row.id, created_at=row.created_at, expires_at=row.expires_at, used_at=row.used_at
    )
