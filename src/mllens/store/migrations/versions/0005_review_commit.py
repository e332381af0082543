"""A review may name the git commit its scan read (`mllens fleet scan` records it, and
skips a repository already scanned at that commit); NULL for a tree that is not a git
repository and for every review saved before. An index on (workload, commit) keeps the
skip check a seek.

Added with ALTER TABLE ... ADD COLUMN on every backend: SQLite adds a nullable column in
place, so the reviews table is never copied (a copy would cascade through its foreign keys).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("reviews", sa.Column("git_commit", sa.String(64), nullable=True))
    op.create_index("ix_reviews_workload_commit", "reviews", ["workload_id", "git_commit"])


def downgrade() -> None:
    op.drop_index("ix_reviews_workload_commit", table_name="reviews")
    with op.batch_alter_table("reviews") as batch:
        batch.drop_column("git_commit")
