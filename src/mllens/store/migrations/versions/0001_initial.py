"""The first schema: workloads, reviews, milestones (immutable), users.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_IMMUTABLE = "milestones are immutable snapshots: save a new milestone instead"


def _risk_counts() -> list[sa.Column[int]]:
    return [
        sa.Column(name, sa.Integer(), nullable=False)
        for name in ("high_count", "medium_count", "none_count", "unanswered_count",
                     "not_applicable_count")
    ]


def upgrade() -> None:
    op.create_table(
        "workloads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("owner", sa.String(200), nullable=True),
        sa.Column("environment", sa.String(100), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_workloads"),
        sa.UniqueConstraint("name", name="uq_workloads_name"),
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workload_id", sa.Integer(), nullable=False),
        sa.Column("lens_id", sa.String(64), nullable=False),
        sa.Column("lens_version", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *_risk_counts(),
        # Last on purpose: SQLite keeps the columns after a large value in overflow pages,
        # so a listing reading the counts would walk the whole ~400 KB document.
        sa.Column("review_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
        sa.ForeignKeyConstraint(
            ["workload_id"], ["workloads.id"], name="fk_reviews_workload_id_workloads",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_reviews_workload_latest", "reviews", ["workload_id", "created_at", "id"]
    )
    op.create_table(
        "milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workload_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lens_id", sa.String(64), nullable=False),
        sa.Column("lens_version", sa.String(32), nullable=False),
        *_risk_counts(),
        sa.Column("review_json", sa.Text(), nullable=False),  # last: see reviews
        sa.PrimaryKeyConstraint("id", name="pk_milestones"),
        sa.ForeignKeyConstraint(
            ["workload_id"], ["workloads.id"], name="fk_milestones_workload_id_workloads",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("workload_id", "name", name="uq_milestones_workload_id_name"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
        sa.CheckConstraint(
            "role IN ('admin', 'facilitator', 'member', 'viewer')", name="ck_users_role"
        ),
    )
    # A milestone is a record of what was true then: the database itself refuses edits,
    # whatever code (ours or a hand-written UPDATE) tries.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION mllens_milestones_immutable() RETURNS trigger LANGUAGE plpgsql "
            f"AS $$ BEGIN RAISE EXCEPTION '{_IMMUTABLE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER milestones_immutable BEFORE UPDATE ON milestones "
            "FOR EACH ROW EXECUTE FUNCTION mllens_milestones_immutable()"
        )
    else:
        op.execute(
            "CREATE TRIGGER milestones_immutable BEFORE UPDATE ON milestones "
            f"BEGIN SELECT RAISE(ABORT, '{_IMMUTABLE}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER milestones_immutable ON milestones")
        op.execute("DROP FUNCTION mllens_milestones_immutable()")
    else:
        op.execute("DROP TRIGGER milestones_immutable")
    op.drop_table("users")
    op.drop_table("milestones")
    op.drop_index("ix_reviews_workload_latest", table_name="reviews")
    op.drop_table("reviews")
    op.drop_table("workloads")
