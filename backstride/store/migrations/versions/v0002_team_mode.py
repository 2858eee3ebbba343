"""Team mode: accounts, their sessions, invite codes, clinician links, audit log, failed sign-ins.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Migrations keep their own copies of the column types so that later edits to tables.py
# cannot change what this revision creates.
_UTC = sa.DateTime(timezone=True)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _fk(table: str, column: str, target: str, *, ondelete: str = "CASCADE") -> sa.Constraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "account",
        _id(),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("runner_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _UTC, nullable=False),
        sa.CheckConstraint("role IN ('runner', 'clinician')", name="ck_account_role"),
        _fk("account", "runner_id", "runner"),
        sa.PrimaryKeyConstraint("id", name="pk_account"),
        sa.UniqueConstraint("email", name="uq_account_email"),
        sa.UniqueConstraint("runner_id", name="uq_account_runner_id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "account_session",
        _id(),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("expires_at", _UTC, nullable=False),
        _fk("account_session", "account_id", "account"),
        sa.PrimaryKeyConstraint("id", name="pk_account_session"),
        sa.UniqueConstraint("token_hash", name="uq_account_session_token_hash"),
    )
    op.create_index("ix_account_session_account_id", "account_session", ["account_id"])
    op.create_table(
        "invite",
        _id(),
        sa.Column("runner_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("expires_at", _UTC, nullable=False),
        sa.Column("used_at", _UTC, nullable=True),
        _fk("invite", "runner_id", "runner"),
        sa.PrimaryKeyConstraint("id", name="pk_invite"),
        sa.UniqueConstraint("code_hash", name="uq_invite_code_hash"),
    )
    op.create_index("ix_invite_runner_id", "invite", ["runner_id"])
    op.create_table(
        "clinician_link",
        _id(),
        sa.Column("runner_id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("revoked_at", _UTC, nullable=True),
        _fk("clinician_link", "runner_id", "runner"),
        _fk("clinician_link", "clinician_id", "account"),
        sa.PrimaryKeyConstraint("id", name="pk_clinician_link"),
    )
    op.create_index("ix_clinician_link_runner_id", "clinician_link", ["runner_id"])
    op.create_index("ix_clinician_link_clinician_id", "clinician_link", ["clinician_id"])
    op.create_table(
        "audit_event",
        _id(),
        sa.Column("runner_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_email", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("at", _UTC, nullable=False),
        _fk("audit_event", "runner_id", "runner"),
        _fk("audit_event", "actor_id", "account", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_event"),
    )
    op.create_index("ix_audit_event_runner_at", "audit_event", ["runner_id", "at"])
    op.create_index("ix_audit_event_actor_id", "audit_event", ["actor_id"])
    op.create_table(
        "login_failure",
        _id(),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_failure"),
    )
    op.create_index("ix_login_failure_subject_at", "login_failure", ["subject", "at"])
    op.create_index("ix_login_failure_at", "login_failure", ["at"])


def downgrade() -> None:
    for table in ("login_failure", "audit_event", "clinician_link", "invite", "account_session"):
        op.drop_table(table)
    op.drop_table("account")
