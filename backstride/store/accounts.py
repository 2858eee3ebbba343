"""Team mode's accounts, their sessions and the failed sign-ins that slow the next ones.

The store keeps hashes only: argon2id hashes of passwords (made by the accounts service),
SHA-256 hashes of session tokens and of the emails and addresses that failed to sign in. A
stolen database therefore holds no token that signs anyone in.

```python
with store.session() as session:
    account = create_account(session=session, email="ana@example.org", password_hash=hashed,
                             role="runner", name="Ana", runner_id=runner.id)
    create_session(session=session, account_id=account.id, token_hash=digest, expires_at=end)
```
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backstride.clock import utc_now
from backstride.errors import StoreError
from backstride.store._transaction import reading, writing
from backstride.store.tables import (
    AccountRow,
    AccountSessionRow,
    AuditEventRow,
    ClinicianLinkRow,
    LoginFailureRow,
)

Role = Literal["runner", "clinician"]

_ROLES: dict[str, Role] = {"runner": "runner", "clinician": "clinician"}


class EmailTaken(StoreError):
    """An account with this email exists already."""


@dataclass(frozen=True, slots=True)
class Account:
    """Someone who signs in. A runner's `runner_id` is their record; a clinician has none."""

    id: int
    email: str
    role: Role
    name: str | None
    runner_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AccountLogin:
    """An account with its password hash, for checking a sign-in and nothing else."""

    account: Account
    password_hash: str


def create_account(
    *,
    session: Session,
    email: str,
    password_hash: str,
    role: Role,
    name: str | None = None,
    runner_id: int | None = None,
    now: datetime | None = None,
) -> Account:
    """A new account; `EmailTaken` when the email has one already."""
    row = AccountRow(
        email=email,
        password_hash=password_hash,
        role=role,
        name=name,
        runner_id=runner_id,
        created_at=_now(now),
    )
    try:
        with writing(session, "create the account"):
            if _account_row_by_email(session, email) is not None:
                raise EmailTaken(f"an account with the email {email} exists already")
            session.add(row)
            session.flush()
    except StoreError as exc:
        if isinstance(exc.__cause__, IntegrityError):
            # Another request created it between our read and our write.
            raise EmailTaken(f"an account with the email {email} exists already") from exc
        raise
    return _account(row)


def find_login(*, session: Session, email: str) -> AccountLogin | None:
    """The account with this email and its password hash, or None."""
    with reading(session, "read the account"):
        row = _account_row_by_email(session, email)
        return AccountLogin(_account(row), row.password_hash) if row is not None else None


def get_account(*, session: Session, account_id: int) -> Account | None:
    """The account with this id, or None."""
    with reading(session, "read the account"):
        row = session.get(AccountRow, account_id)
        return _account(row) if row is not None else None


def account_of_runner(*, session: Session, runner_id: int) -> Account | None:
    """The account that owns this runner's record, or None (the personal runner has none)."""
    with reading(session, "read the account"):
        row = session.scalars(
            sa.select(AccountRow).where(AccountRow.runner_id == runner_id)
        ).one_or_none()
        return _account(row) if row is not None else None


def set_password_hash(*, session: Session, account_id: int, password_hash: str) -> None:
    """Replace an account's password hash (a new password, or the same one rehashed)."""
    with writing(session, "save the password"):
        session.execute(
            sa.update(AccountRow)
            .where(AccountRow.id == account_id)
            .values(password_hash=password_hash)
        )


def delete_clinician_account(*, session: Session, account_id: int) -> int:
    """Delete an account that owns no record, its sessions and its links; rows deleted.

    The audit log keeps the actor's email: the runners can still read who viewed their record.
    A runner's account goes with their record (`repo.delete_everything_for`).
    """
    with writing(session, "delete the account"):
        session.execute(
            sa.update(AuditEventRow)
            .where(AuditEventRow.actor_id == account_id)
            .values(actor_id=None)
        )
        deleted = _delete(
            session, sa.delete(ClinicianLinkRow).where(ClinicianLinkRow.clinician_id == account_id)
        )
        deleted += _delete(
            session, sa.delete(AccountSessionRow).where(AccountSessionRow.account_id == account_id)
        )
        owns_no_record = AccountRow.runner_id.is_(None)
        deleted += _delete(
            session, sa.delete(AccountRow).where(AccountRow.id == account_id, owns_no_record)
        )
        session.expunge_all()
    return deleted


def delete_accounts_of_runner(*, session: Session, runner_id: int) -> int:
    """Delete the account that owns this runner's record and its sessions (in a transaction)."""
    owners = sa.select(AccountRow.id).where(AccountRow.runner_id == runner_id)
    _delete(session, sa.delete(AccountSessionRow).where(AccountSessionRow.account_id.in_(owners)))
    return _delete(session, sa.delete(AccountRow).where(AccountRow.runner_id == runner_id))


# Sessions --------------------------------------------------------------------------------------


def create_session(
    *,
    session: Session,
    account_id: int,
    token_hash: str,
    expires_at: datetime,
    now: datetime | None = None,
) -> None:
    """Keep a new sign-in; sessions of this account that have ended are cleared away."""
    moment = _now(now)
    with writing(session, "sign you in"):
        session.execute(
            sa.delete(AccountSessionRow).where(
                AccountSessionRow.account_id == account_id,
                AccountSessionRow.expires_at <= moment,
            )
        )
        session.add(
            AccountSessionRow(
                account_id=account_id,
                token_hash=token_hash,
                created_at=moment,
                expires_at=expires_at,
            )
        )


def session_account(*, session: Session, token_hash: str, now: datetime) -> Account | None:
    """The account signed in with this token, while the session lasts; None otherwise."""
    with reading(session, "read your sign-in"):
        row = session.scalars(
            sa.select(AccountRow)
            .join(AccountSessionRow, AccountSessionRow.account_id == AccountRow.id)
            .where(AccountSessionRow.token_hash == token_hash, AccountSessionRow.expires_at > now)
        ).one_or_none()
        return _account(row) if row is not None else None


def delete_session(*, session: Session, token_hash: str) -> int:
    """End the session with this token (signing out); how many ended (0 or 1)."""
    with writing(session, "sign you out"):
        return _delete(
            session, sa.delete(AccountSessionRow).where(AccountSessionRow.token_hash == token_hash)
        )


# Failed sign-ins -------------------------------------------------------------------------------


def add_login_failure(
    *, session: Session, subjects: tuple[str, ...], now: datetime, forget_before: datetime
) -> None:
    """Count a failed sign-in against each subject; failures before `forget_before` go."""
    with writing(session, "count the failed sign-in"):
        session.execute(sa.delete(LoginFailureRow).where(LoginFailureRow.at < forget_before))
        session.add_all(LoginFailureRow(subject=subject, at=now) for subject in subjects)


def login_failures(*, session: Session, subject: str, since: datetime) -> list[datetime]:
    """When sign-ins failed for `subject` at `since` or later, oldest first."""
    with reading(session, "read the failed sign-ins"):
        times = session.scalars(
            sa.select(LoginFailureRow.at)
            .where(LoginFailureRow.subject == subject, LoginFailureRow.at >= since)
            .order_by(LoginFailureRow.at)
        )
        return list(times)


def clear_login_failures(*, session: Session, subject: str) -> None:
    """Forget the failed sign-ins of `subject` (after a sign-in that succeeded)."""
    with writing(session, "clear the failed sign-ins"):
        session.execute(sa.delete(LoginFailureRow).where(LoginFailureRow.subject == subject))


# Rows to values --------------------------------------------------------------------------------


def _account_row_by_email(session: Session, email: str) -> AccountRow | None:
    return session.scalars(sa.select(AccountRow).where(AccountRow.email == email)).one_or_none()


def _account(row: AccountRow) -> Account:
    role = _ROLES.get(row.role)
    if role is None:  # pragma: no cover - the table's check constraint allows no other
        raise StoreError(f"Account {row.id} has an unknown role {row.role!r}; please report this.")
    return Account(
        id=row.id,
        email=row.email,
        role=role,
        name=row.name,
        runner_id=row.runner_id,
        created_at=row.created_at,
    )


def _delete(session: Session, statement: sa.Delete) -> int:
    result = cast("CursorResult[Any]", session.execute(statement))
    return result.rowcount


def _now(now: datetime | None) -> datetime:
    return now if now is not None else utc_now()
