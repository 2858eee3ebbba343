"""The database rows, one class per table (SQLAlchemy 2.x typed ORM).

Every row of the record belongs to a `runner` row. Personal mode has exactly one runner (key
"personal"); in team mode each runner's `account` owns one runner row, and the team tables
(accounts, their sessions, invite codes, clinician links, the audit log, failed sign-ins) sit
beside the record without changing it.

Types are portable: the same schema runs on SQLite and PostgreSQL. Times are stored in UTC
(`UtcDateTime`), documents the runner gave (intake, assessment output, check-in, outcome
questionnaire) as JSON, kept as given, and original activity files as bytes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Constraint names are fixed so that later migrations (SQLite batch mode) can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware datetime stored in UTC on every database; naive values are refused.

    SQLite has no time zones, so the value is stored as naive UTC there and given back aware.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{value.isoformat()} has no time zone; give times in UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# JSON (not JSONB) on PostgreSQL keeps a document's key order as given.
_Json = sa.JSON(none_as_null=True)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def _runner_fk(*, index: bool = False) -> Mapped[int]:
    # Most tables need no index of their own: a composite index or unique constraint leads
    # with runner_id.
    return mapped_column(sa.ForeignKey("runner.id", ondelete="CASCADE"), index=index)


class RunnerRow(Base):
    """A runner and their profile. `key` names the personal runner ("personal")."""

    __tablename__ = "runner"
    # Never reuse the id of a forgotten runner (SQLite would, without AUTOINCREMENT).
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str | None] = mapped_column(sa.Text)
    time_zone: Mapped[str] = mapped_column(sa.String(64))
    run_days: Mapped[list[int] | None] = mapped_column(_Json)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AssessmentRow(Base):
    """One assessment: the intake and the output exactly as given, plus two key columns."""

    __tablename__ = "assessment"
    __table_args__ = (sa.Index("ix_assessment_runner_created", "runner_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    runner_id: Mapped[int] = _runner_fk()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    intake: Mapped[dict[str, Any]] = mapped_column(_Json)
    output: Mapped[dict[str, Any]] = mapped_column(_Json)
    triage_level: Mapped[str] = mapped_column(sa.String(16))
    running_decision: Mapped[str] = mapped_column(sa.String(16))


class CheckInRow(Base):
    """One day of the pain diary: the check-in JSON plus the columns queries need."""

    __tablename__ = "check_in"
    __table_args__ = (sa.UniqueConstraint("runner_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    runner_id: Mapped[int] = _runner_fk()
    date: Mapped[date] = mapped_column(sa.Date)
    data: Mapped[dict[str, Any]] = mapped_column(_Json)
    morning_pain: Mapped[int | None] = mapped_column(sa.Integer)
    session_kind: Mapped[str | None] = mapped_column(sa.String(16))
    max_pain: Mapped[int | None] = mapped_column(sa.Integer)
    pain_after: Mapped[int | None] = mapped_column(sa.Integer)
    limp: Mapped[bool | None] = mapped_column(sa.Boolean)
    new_leg_symptoms: Mapped[bool | None] = mapped_column(sa.Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class OutcomeRow(Base):
    """One outcome questionnaire (RMDQ or PSFS) answered for a date: its JSON plus its score.

    One per date and instrument: a second one for the same date replaces the first.
    """

    __tablename__ = "outcome"
    __table_args__ = (
        sa.UniqueConstraint("runner_id", "instrument", "date"),
        sa.CheckConstraint("instrument IN ('rmdq', 'psfs')", name="instrument"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    runner_id: Mapped[int] = _runner_fk()
    date: Mapped[date] = mapped_column(sa.Date)
    instrument: Mapped[str] = mapped_column(sa.String(16))
    data: Mapped[dict[str, Any]] = mapped_column(_Json)
    score: Mapped[float] = mapped_column(sa.Float)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ReturnToRunRow(Base):
    """One return-to-run programme; the latest row of a runner is the current one."""

    __tablename__ = "return_to_run"
    __table_args__ = (
        sa.CheckConstraint("status IN ('active', 'stopped', 'completed')", name="status"),
        sa.CheckConstraint("stage >= 1", name="stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    runner_id: Mapped[int] = _runner_fk(index=True)
    started_on: Mapped[date] = mapped_column(sa.Date)
    stage: Mapped[int] = mapped_column(sa.Integer)
    status: Mapped[str] = mapped_column(sa.String(16))
    last_decision: Mapped[str | None] = mapped_column(sa.String(16))
    why: Mapped[list[str]] = mapped_column(_Json)
    decided_on: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ActivityRow(Base):
    """One session read from an activity file (a multisport file gives several)."""

    __tablename__ = "activity"
    __table_args__ = (
        sa.UniqueConstraint("runner_id", "sha256", "session_index"),
        sa.Index("ix_activity_runner_start", "runner_id", "start"),
        sa.CheckConstraint("session_index >= 0", name="session_index"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    runner_id: Mapped[int] = _runner_fk()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    session_index: Mapped[int] = mapped_column(sa.Integer)
    start: Mapped[datetime] = mapped_column(UtcDateTime)
    sport: Mapped[str] = mapped_column(sa.Text)
    sub_sport: Mapped[str | None] = mapped_column(sa.Text)
    distance_m: Mapped[float | None] = mapped_column(sa.Float)
    elapsed_s: Mapped[float | None] = mapped_column(sa.Float)
    timer_s: Mapped[float | None] = mapped_column(sa.Float)
    ascent_m: Mapped[float | None] = mapped_column(sa.Float)
    descent_m: Mapped[float | None] = mapped_column(sa.Float)
    device: Mapped[str | None] = mapped_column(sa.Text)
    source_file: Mapped[str] = mapped_column(sa.Text)
    file_format: Mapped[str] = mapped_column(sa.String(8))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ActivityFileRow(Base):
    """An original activity file, byte for byte, so that an export can give it back."""

    __tablename__ = "activity_file"
    __table_args__ = (sa.UniqueConstraint("runner_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    runner_id: Mapped[int] = _runner_fk()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    file_name: Mapped[str] = mapped_column(sa.Text)
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    stored_at: Mapped[datetime] = mapped_column(UtcDateTime)


class FormAnalysisRow(Base):
    """One running-form analysis of a video: the result document as printed, the key-frame
    picture (JPEG) and, only when the runner asked to keep it, the video itself."""

    __tablename__ = "form_analysis"
    __table_args__ = (sa.Index("ix_form_analysis_runner_created", "runner_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    runner_id: Mapped[int] = _runner_fk()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    file_name: Mapped[str] = mapped_column(sa.Text)
    usable: Mapped[bool] = mapped_column(sa.Boolean)
    document: Mapped[dict[str, Any]] = mapped_column(_Json)
    key_frame: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    video: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)


# Team mode -------------------------------------------------------------------------------------


class AccountRow(Base):
    """Someone who signs in: a runner (who owns one runner row) or a clinician (who owns none).

    `password_hash` is an argon2id hash in PHC form; the password itself is never stored.
    """

    __tablename__ = "account"
    __table_args__ = (
        sa.CheckConstraint("role IN ('runner', 'clinician')", name="role"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.Text)
    role: Mapped[str] = mapped_column(sa.String(16))
    name: Mapped[str | None] = mapped_column(sa.Text)
    runner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("runner.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AccountSessionRow(Base):
    """A signed-in browser: the SHA-256 of its random cookie token, and when it ends."""

    __tablename__ = "account_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class InviteRow(Base):
    """An invite code a runner gives a clinician: its SHA-256, its expiry, used once at most."""

    __tablename__ = "invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    runner_id: Mapped[int] = _runner_fk(index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ClinicianLinkRow(Base):
    """A clinician allowed to read a runner's record, from `created_at` until `revoked_at`."""

    __tablename__ = "clinician_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    runner_id: Mapped[int] = _runner_fk(index=True)
    clinician_id: Mapped[int] = mapped_column(
        sa.ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AuditEventRow(Base):
    """Who did what with a runner's record, and when: a clinician's view, a link or its end.

    The actor's email is copied, so the runner's log still names them after their account goes.
    """

    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_runner_at", "runner_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    runner_id: Mapped[int] = _runner_fk()
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("account.id", ondelete="SET NULL"), index=True
    )
    actor_email: Mapped[str] = mapped_column(sa.String(254))
    action: Mapped[str] = mapped_column(sa.String(32))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class LoginFailureRow(Base):
    """A failed sign-in, counted against an email or an address (`subject`, hashed).

    Kept in the database so every web worker process sees the same count.
    """

    __tablename__ = "login_failure"
    __table_args__ = (sa.Index("ix_login_failure_subject_at", "subject", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(sa.String(80))
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
