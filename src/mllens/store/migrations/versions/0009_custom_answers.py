"""Answers to a custom lens's questions, per workload.

- custom_answers: one row per (workload, custom lens name, question): the choice ids the
  team selected (JSON list, AWS semantics: none selected is unanswered), who set it, when.
  The lens a workload shows is workloads.custom_lens (migration 0008).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "custom_answers",
        sa.Column("workload_id", sa.Integer(), nullable=False),
        sa.Column("lens", sa.String(64), nullable=False),
        sa.Column("question", sa.String(128), nullable=False),
        sa.Column("selected", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workload_id"], ["workloads.id"], name="fk_custom_answers_workload_id_workloads",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workload_id", "lens", "question", name="pk_custom_answers"),
    )


def downgrade() -> None:
    op.drop_table("custom_answers")
