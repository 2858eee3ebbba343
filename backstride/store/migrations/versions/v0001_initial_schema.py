"""Initial schema: runner, assessment, check-in, return to run, activity, activity file.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Migrations keep their own copies of the column types so that later edits to tables.py
# cannot change what this revision creates.
_UTC = sa.DateTime(timezone=True)
_JSON = sa.JSON(none_as_null=True)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _runner_id(table: str) -> list[SchemaItem]:
    return [
        sa.Column("runner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["runner_id"], ["runner.id"], name=f"fk_{table}_runner_id_runner", ondelete="CASCADE"
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "runner",
        _id(),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("run_days", _JSON, nullable=True),
        sa.Column("created_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_runner"),
        sa.UniqueConstraint("key", name="uq_runner_key"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "assessment",
        _id(),
        *_runner_id("assessment"),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("intake", _JSON, nullable=False),
        sa.Column("output", _JSON, nullable=False),
        sa.Column("triage_level", sa.String(length=16), nullable=False),
        sa.Column("running_decision", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_assessment"),
    )
    op.create_index("ix_assessment_runner_created", "assessment", ["runner_id", "created_at"])
    op.create_table(
        "check_in",
        _id(),
        *_runner_id("check_in"),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("data", _JSON, nullable=False),
        sa.Column("morning_pain", sa.Integer(), nullable=True),
        sa.Column("session_kind", sa.String(length=16), nullable=True),
        sa.Column("max_pain", sa.Integer(), nullable=True),
        sa.Column("pain_after", sa.Integer(), nullable=True),
        sa.Column("limp", sa.Boolean(), nullable=True),
        sa.Column("new_leg_symptoms", sa.Boolean(), nullable=True),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("updated_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_check_in"),
        sa.UniqueConstraint("runner_id", "date", name="uq_check_in_runner_id_date"),
    )
    op.create_table(
        "return_to_run",
        _id(),
        *_runner_id("return_to_run"),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("last_decision", sa.String(length=16), nullable=True),
        sa.Column("why", _JSON, nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("updated_at", _UTC, nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'stopped', 'completed')", name="ck_return_to_run_status"
        ),
        sa.CheckConstraint("stage >= 1", name="ck_return_to_run_stage"),
        sa.PrimaryKeyConstraint("id", name="pk_return_to_run"),
    )
    op.create_index("ix_return_to_run_runner_id", "return_to_run", ["runner_id"])
    op.create_table(
        "activity",
        _id(),
        *_runner_id("activity"),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("session_index", sa.Integer(), nullable=False),
        sa.Column("start", _UTC, nullable=False),
        sa.Column("sport", sa.Text(), nullable=False),
        sa.Column("sub_sport", sa.Text(), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("elapsed_s", sa.Float(), nullable=True),
        sa.Column("timer_s", sa.Float(), nullable=True),
        sa.Column("ascent_m", sa.Float(), nullable=True),
        sa.Column("descent_m", sa.Float(), nullable=True),
        sa.Column("device", sa.Text(), nullable=True),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("imported_at", _UTC, nullable=False),
        sa.CheckConstraint("session_index >= 0", name="ck_activity_session_index"),
        sa.PrimaryKeyConstraint("id", name="pk_activity"),
        sa.UniqueConstraint(
            "runner_id",
            "sha256",
            "session_index",
            name="uq_activity_runner_id_sha256_session_index",
        ),
    )
    op.create_index("ix_activity_runner_start", "activity", ["runner_id", "start"])
    op.create_table(
        "activity_file",
        _id(),
        *_runner_id("activity_file"),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_activity_file"),
        sa.UniqueConstraint("runner_id", "sha256", name="uq_activity_file_runner_id_sha256"),
    )


def downgrade() -> None:
    for table in ("activity_file", "activity", "return_to_run", "check_in", "assessment"):
        op.drop_table(table)
    op.drop_table("runner")
