"""Per-workload summaries for the portfolio, and the change counter they are keyed to.

- workloads.revision: bumped by every write that changes what the app shows of the
  workload's review (answers, accepted risks, uploaded answers, milestones, its custom lens);
  a summary computed at revision N is stale once it is N+1 (or once a newer review lands).
- workloads.custom_lens: the name of a custom lens (custom_lenses.name) the workload's
  review also shows, beside the ML Lens; NULL: none.
- workload_summaries: one row per workload: what the portfolio, heat map, CSV and
  /api/v1/workloads show (risk counts, accepted counts, the question risks, per-pillar and
  per-phase counts, trend points), with the key it was computed from (review id, revision,
  basis: the summary format and lens version) and the last day it holds (an accepted risk
  running out the day after changes it).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain columns with a default: SQLite adds them in place (no copy of the table).
    op.add_column("workloads", sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("workloads", sa.Column("custom_lens", sa.String(64), nullable=True))
    op.create_table(
        "workload_summaries",
        sa.Column("workload_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("basis", sa.String(64), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("high_count", sa.Integer(), nullable=False),
        sa.Column("medium_count", sa.Integer(), nullable=False),
        sa.Column("none_count", sa.Integer(), nullable=False),
        sa.Column("unanswered_count", sa.Integer(), nullable=False),
        sa.Column("not_applicable_count", sa.Integer(), nullable=False),
        sa.Column("accepted_high", sa.Integer(), nullable=False),
        sa.Column("accepted_medium", sa.Integer(), nullable=False),
        sa.Column("cells", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["workload_id"], ["workloads.id"], name="fk_workload_summaries_workload_id_workloads",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workload_id", name="pk_workload_summaries"),
    )


def downgrade() -> None:
    op.drop_table("workload_summaries")
    # A plain DROP COLUMN (SQLite 3.35+), not batch mode: copying workloads and dropping
    # the original would cascade-delete its reviews (as in 0004).
    op.drop_column("workloads", "custom_lens")
    op.drop_column("workloads", "revision")
