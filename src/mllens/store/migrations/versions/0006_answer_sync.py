"""One truth between mllens.yaml and the app: the not-applicable reason of an answer given
in the app, risks accepted in the app, and each workload's sync state.

- answers.reason: why a practice answered not applicable is so (out_of_scope, ...).
- accepted_risks: a risk an editor accepted on a practice in the app (owner, expiry,
  reason); a row with no owner records that the app withdrew the file's acceptance.
- sync_states: per workload, the answers mllens.yaml held at the last upload and the
  base of the next three-way comparison (the answers both sides last agreed on), JSON.

Only nullable columns are added to an existing table (SQLite does that in place).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("answers", sa.Column("reason", sa.String(32), nullable=True))
    op.create_table(
        "accepted_risks",
        sa.Column("workload_id", sa.Integer(), nullable=False),
        sa.Column("practice", sa.String(32), nullable=False),
        sa.Column("owner", sa.String(200), nullable=True),
        sa.Column("expires", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("workload_id", "practice", name="pk_accepted_risks"),
        sa.ForeignKeyConstraint(
            ["workload_id"], ["workloads.id"], name="fk_accepted_risks_workload_id_workloads", ondelete="CASCADE"
        ),
    )
    op.create_table(
        "sync_states",
        sa.Column("workload_id", sa.Integer(), nullable=False),
        sa.Column("uploaded", sa.Text(), nullable=False),
        sa.Column("base", sa.Text(), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("workload_id", name="pk_sync_states"),
        sa.ForeignKeyConstraint(
            ["workload_id"], ["workloads.id"], name="fk_sync_states_workload_id_workloads", ondelete="CASCADE"
        ),
    )


def downgrade() -> None:
    op.drop_table("sync_states")
    op.drop_table("accepted_risks")
    # A plain DROP COLUMN (SQLite 3.35+), not batch mode: copying a table and dropping the
    # original would cascade through its foreign keys.
    op.drop_column("answers", "reason")
