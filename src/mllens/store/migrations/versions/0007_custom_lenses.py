"""Custom lenses an admin uploaded in the app (AWS custom-lens JSON), by name and version.

- custom_lenses: one row per (name, version): the document exactly as uploaded (its JSON
  text, so an export gives it back unchanged), the lens's own name, who uploaded it and when.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "custom_lenses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(128), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("uploaded_by", sa.String(100), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_custom_lenses"),
        sa.UniqueConstraint("name", "version", name="uq_custom_lenses_name_version"),
    )


def downgrade() -> None:
    op.drop_table("custom_lenses")
