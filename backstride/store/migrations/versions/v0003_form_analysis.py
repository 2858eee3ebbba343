"""Running-form analyses: the result of each video analysed, its key frame, a kept video.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Migrations keep their own copies of the column types so that later edits to tables.py
# cannot change what this revision creates.
_UTC = sa.DateTime(timezone=True)
_JSON = sa.JSON(none_as_null=True)


def upgrade() -> None:
    op.create_table(
        "form_analysis",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("runner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("usable", sa.Boolean(), nullable=False),
        sa.Column("document", _JSON, nullable=False),
        sa.Column("key_frame", sa.LargeBinary(), nullable=True),
        sa.Column("video", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["runner_id"],
            ["runner.id"],
            name="fk_form_analysis_runner_id_runner",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_form_analysis"),
    )
    op.create_index("ix_form_analysis_runner_created", "form_analysis", ["runner_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_form_analysis_runner_created", table_name="form_analysis")
    op.drop_table("form_analysis")
