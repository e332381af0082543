"""Roles per team, disabled users, a workload's repository URL, the improvement plan as a
backlog, and the log of what admins change.

- team_members.role: the user's role in that team (editor in one, viewer in another);
  NULL means the user's own role.
- users.disabled_at: a disabled user cannot log in, and its sessions and tokens stop working.
- workloads.repository_url: where evidence's file:line links point (set by an admin).
- plan_items: owner, due date and status of one item of a workload's improvement plan.
- audit_log.item: the plan item a backlog change is about (NULL for answers).
- admin_log: users, teams and workloads changed by admins: who, what, from what to what.

Only nullable columns are added to existing tables, which SQLite does in place.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("team_members", sa.Column("role", sa.String(20), nullable=True))
    op.add_column("users", sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("workloads", sa.Column("repository_url", sa.String(500), nullable=True))
    op.add_column("audit_log", sa.Column("item", sa.String(200), nullable=True))
    op.create_table(
        "plan_items",
        sa.Column("workload_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(200), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("workload_id", "item", name="pk_plan_items"),
        sa.ForeignKeyConstraint(
            ["workload_id"], ["workloads.id"], name="fk_plan_items_workload_id_workloads", ondelete="CASCADE"
        ),
        sa.CheckConstraint("status IN ('open', 'in_progress', 'done', 'wont_do')", name="ck_plan_items_status"),
    )
    op.create_table(
        "admin_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(100), nullable=False),
        sa.Column("subject", sa.String(20), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_admin_log"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_admin_log_user_id_users", ondelete="SET NULL"),
    )
    op.create_index("ix_admin_log_at", "admin_log", ["at"])


def downgrade() -> None:
    op.drop_index("ix_admin_log_at", table_name="admin_log")
    op.drop_table("admin_log")
    op.drop_table("plan_items")
    # A plain DROP COLUMN (SQLite 3.35+), not batch mode: copying workloads or users and
    # dropping the original would cascade-delete their reviews, tokens and sessions.
    for table, column in (("audit_log", "item"), ("workloads", "repository_url"), ("users", "disabled_at"),
                          ("team_members", "role")):
        op.drop_column(table, column)
