"""Access: users by login name with roles admin|editor|viewer, teams and their members,
the team of each workload, API tokens (digests only), web sessions (digests only), the
answers given in the web app, and the audit log of those answers.

The users table of 0001 (email, roles admin|facilitator|member|viewer) is rebuilt: any
rows it holds are kept, their email becoming the login name (it was unique) and the
roles facilitator and member becoming editor. Rows are copied through Python rather than
altered in place, which reads the same on SQLite and PostgreSQL.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_ROLE = {"admin": "admin", "facilitator": "editor", "member": "editor", "viewer": "viewer"}
_NEW_ROLE = {"admin": "admin", "editor": "member", "viewer": "viewer"}


def _users_table(*, old: bool) -> None:
    columns: list[sa.Column[object]] = [sa.Column("id", sa.Integer(), nullable=False)]
    if old:
        columns += [
            sa.Column("email", sa.String(320), nullable=False),
            sa.Column("name", sa.String(200), nullable=False),
        ]
        roles, unique = "'admin', 'facilitator', 'member', 'viewer'", "email"
    else:
        columns += [sa.Column("name", sa.String(100), nullable=False)]
        roles, unique = "'admin', 'editor', 'viewer'", "name"
    op.create_table(
        "users",
        *columns,
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint(unique, name=f"uq_users_{unique}"),
        sa.CheckConstraint(f"role IN ({roles})", name="ck_users_role"),
    )


def _rows(sql: str) -> list[dict[str, object]]:
    return [dict(row._mapping) for row in op.get_bind().execute(sa.text(sql))]


def _insert(rows: list[dict[str, object]], *, old: bool) -> None:
    if not rows:
        return
    names = ["id", "email", "name"] if old else ["id", "name"]
    table = sa.table("users", *(sa.column(n) for n in [*names, "role", "password_hash", "created_at"]))
    op.bulk_insert(table, rows)


def upgrade() -> None:
    kept = [
        {**row, "name": row.pop("email"), "role": _OLD_ROLE[str(row["role"])]}
        for row in _rows("SELECT id, email, role, password_hash, created_at FROM users")
    ]
    op.drop_table("users")
    _users_table(old=False)
    _insert(kept, old=False)
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_teams"),
        sa.UniqueConstraint("name", name="uq_teams_name"),
    )
    op.create_table(
        "team_members",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "user_id", name="pk_team_members"),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name="fk_team_members_team_id_teams", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_team_members_user_id_users", ondelete="CASCADE"
        ),
    )
    op.create_table(
        "workload_teams",
        sa.Column("workload_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("workload_id", name="pk_workload_teams"),
        sa.ForeignKeyConstraint(
            ["workload_id"], ["workloads.id"], name="fk_workload_teams_workload_id_workloads",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name="fk_workload_teams_team_id_teams", ondelete="CASCADE"
        ),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("scope", sa.String(10), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_api_tokens_user_id_users", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("digest", name="uq_api_tokens_digest"),
        sa.UniqueConstraint("user_id", "name", name="uq_api_tokens_user_id_name"),
        sa.CheckConstraint("scope IN ('upload', 'read')", name="ck_api_tokens_scope"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(100), nullable=False),
        sa.Column("workload_id", sa.Integer(), nullable=False),
        sa.Column("practice", sa.String(32), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_audit_log_user_id_users", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workload_id"], ["workloads.id"], name="fk_audit_log_workload_id_workloads",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_audit_log_workload_at", "audit_log", ["workload_id", "at"])
    op.create_table(
        "sessions",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest", name="pk_sessions"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_sessions_user_id_users", ondelete="CASCADE"
        ),
    )
    op.create_table(
        "answers",
        sa.Column("workload_id", sa.Integer(), nullable=False),
        sa.Column("practice", sa.String(32), nullable=False),
        sa.Column("status", sa.String(20), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("workload_id", "practice", name="pk_answers"),
        sa.ForeignKeyConstraint(
            ["workload_id"], ["workloads.id"], name="fk_answers_workload_id_workloads",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("answers")
    op.drop_table("sessions")
    op.drop_index("ix_audit_log_workload_at", table_name="audit_log")
    for table in ("audit_log", "api_tokens", "workload_teams", "team_members", "teams"):
        op.drop_table(table)
    kept = [
        {**row, "email": row["name"], "role": _NEW_ROLE[str(row["role"])]}
        for row in _rows("SELECT id, name, role, password_hash, created_at FROM users")
    ]
    op.drop_table("users")
    _users_table(old=True)
    _insert(kept, old=True)
