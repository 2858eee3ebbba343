"""Outcome measures: the RMDQ and PSFS questionnaires a runner answers, one per date each.

Revision ID: 0004
Revises: 0003
Create Date: 2026-06-17
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Migrations keep their own copies of the column types so that later edits to tables.py
# cannot change what this revision creates.
_UTC = sa.DateTime(timezone=True)
_JSON = sa.JSON(none_as_null=True)


def upgrade() -> None:
    op.create_table(
        "outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("runner_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("instrument", sa.String(length=16), nullable=False),
        sa.Column("data", _JSON, nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("updated_at", _UTC, nullable=False),
        sa.CheckConstraint("instrument IN ('rmdq', 'psfs')", name="ck_outcome_instrument"),
        sa.ForeignKeyConstraint(
            ["runner_id"], ["runner.id"], name="fk_outcome_runner_id_runner", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_outcome"),
        sa.UniqueConstraint(
            "runner_id", "instrument", "date", name="uq_outcome_runner_id_instrument_date"
        ),
    )


def downgrade() -> None:
    op.drop_table("outcome")
