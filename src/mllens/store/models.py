"""The tables of the store, as SQLAlchemy 2 typed ORM classes.

The schema itself is owned by the Alembic migrations in `migrations/versions/`; these
classes must describe the same tables, and a test compares the two on every backend.
A Review is kept as its exact JSON text (not a JSON column: PostgreSQL's jsonb would
reorder keys, and the promise is an exact round trip), with its risk counts copied into
plain columns so listings never parse JSON.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROLES = ("admin", "editor", "viewer")
TEAM_ROLES = ("editor", "viewer")  # a role within one team (admin is global)
SCOPES = ("upload", "read")
PLAN_STATUSES = ("open", "in_progress", "done", "wont_do")

# Stable constraint names, so later migrations can refer to them on every backend.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware UTC datetime on every backend (SQLite keeps no zone; we put UTC back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"expected a timezone-aware datetime, got naive {value.isoformat()}")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class _RiskCountColumns:
    """The review summary's risk counts, copied for listings (see module docstring)."""

    high_count: Mapped[int] = mapped_column(Integer)
    medium_count: Mapped[int] = mapped_column(Integer)
    none_count: Mapped[int] = mapped_column(Integer)
    unanswered_count: Mapped[int] = mapped_column(Integer)
    not_applicable_count: Mapped[int] = mapped_column(Integer)


class WorkloadRow(Base):
    __tablename__ = "workloads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    owner: Mapped[str | None] = mapped_column(String(200))
    environment: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    repository_url: Mapped[str | None] = mapped_column(String(500))  # where file:line links point
    # Bumped by every write that changes the review the app shows (migration 0008).
    revision: Mapped[int] = mapped_column(Integer, server_default="0")
    custom_lens: Mapped[str | None] = mapped_column(String(64))  # a custom lens shown beside the ML Lens


class ReviewRow(_RiskCountColumns, Base):
    __tablename__ = "reviews"
    # Latest review per workload is an index seek, whatever the number of reviews.
    __table_args__ = (
        Index("ix_reviews_workload_latest", "workload_id", "created_at", "id"),
        Index("ix_reviews_workload_commit", "workload_id", "git_commit"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workload_id: Mapped[int] = mapped_column(ForeignKey("workloads.id", ondelete="CASCADE"))
    lens_id: Mapped[str] = mapped_column(String(64))
    lens_version: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    review_json: Mapped[str] = mapped_column(Text, deferred=True)
    git_commit: Mapped[str | None] = mapped_column(String(64))  # the commit a fleet scan read


class MilestoneRow(_RiskCountColumns, Base):
    """An immutable snapshot: the migration adds a trigger that refuses any UPDATE."""

    __tablename__ = "milestones"
    __table_args__ = (UniqueConstraint("workload_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workload_id: Mapped[int] = mapped_column(ForeignKey("workloads.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    lens_id: Mapped[str] = mapped_column(String(64))
    lens_version: Mapped[str] = mapped_column(String(32))
    review_json: Mapped[str] = mapped_column(Text, deferred=True)


class UserRow(Base):
    """A person of the web app. Roles: admin (manages users, teams, workloads), editor
    (answers reviews), viewer (reads). password_hash is an Argon2 hash, empty for a user
    who cannot log in with a password."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('admin', 'editor', 'viewer')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # no login, sessions or tokens


class TeamRow(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class TeamMemberRow(Base):
    __tablename__ = "team_members"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str | None] = mapped_column(String(20))  # the role in this team; None: the user's own


class WorkloadTeamRow(Base):
    """The team a workload belongs to (at most one). A table of its own rather than a
    column of workloads: adding a foreign key column would make SQLite copy that table,
    and dropping the old copy would cascade-delete every review."""

    __tablename__ = "workload_teams"

    workload_id: Mapped[int] = mapped_column(
        ForeignKey("workloads.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))


class ApiTokenRow(Base):
    """An API token of a user: only its SHA-256 digest is kept (the token itself is
    random, so a slow hash adds nothing and lookups stay an index seek)."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint("scope IN ('upload', 'read')", name="scope"),
        UniqueConstraint("user_id", "name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(10))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class AuditRow(Base):
    """One change of an answer: who, which workload and practice, from what to what, when.
    The user's name is copied so the log still reads after the user is removed."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_workload_at", "workload_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user_name: Mapped[str] = mapped_column(String(100))
    workload_id: Mapped[int] = mapped_column(ForeignKey("workloads.id", ondelete="CASCADE"))
    practice: Mapped[str] = mapped_column(String(32))
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    item: Mapped[str | None] = mapped_column(String(200))  # the plan item of a backlog change


class SessionRow(Base):
    """A logged-in browser: the SHA-256 digest of its cookie, and its CSRF token."""

    __tablename__ = "sessions"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AnswerRow(Base):
    """The answer to one practice given in the web app (status and notes), the latest only;
    the audit log keeps every change."""

    __tablename__ = "answers"

    workload_id: Mapped[int] = mapped_column(ForeignKey("workloads.id", ondelete="CASCADE"), primary_key=True)
    practice: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    checks: Mapped[str | None] = mapped_column(Text)  # JSON: check id -> state a person set
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(String(32))  # why not applicable (out_of_scope, ...)


class PlanItemRow(Base):
    """What a team set on one item of a workload's improvement plan (the plan itself is
    computed from the latest review; `item` is the item's stable key, see web.backlog)."""

    __tablename__ = "plan_items"
    __table_args__ = (CheckConstraint("status IN ('open', 'in_progress', 'done', 'wont_do')", name="status"),)

    workload_id: Mapped[int] = mapped_column(ForeignKey("workloads.id", ondelete="CASCADE"), primary_key=True)
    item: Mapped[str] = mapped_column(String(200), primary_key=True)
    owner: Mapped[str | None] = mapped_column(String(200))
    due: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AdminLogRow(Base):
    """One change an admin made to a user, a team or a workload's settings."""

    __tablename__ = "admin_log"
    __table_args__ = (Index("ix_admin_log_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user_name: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(20))  # user | team | workload
    name: Mapped[str] = mapped_column(String(100))
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)


class AcceptedRiskRow(Base):
    """A risk accepted in the web app on one practice: owner, expiry, reason. A row without
    an owner means the app withdrew the acceptance the uploaded mllens.yaml has."""

    __tablename__ = "accepted_risks"

    workload_id: Mapped[int] = mapped_column(ForeignKey("workloads.id", ondelete="CASCADE"), primary_key=True)
    practice: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str | None] = mapped_column(String(200))
    expires: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class SyncStateRow(Base):
    """Per workload: mllens.yaml's answers at the last upload, and the answers file and app
    last agreed on (the base of the next three-way comparison); both JSON (web.sync)."""

    __tablename__ = "sync_states"

    workload_id: Mapped[int] = mapped_column(ForeignKey("workloads.id", ondelete="CASCADE"), primary_key=True)
    uploaded: Mapped[str] = mapped_column(Text)
    base: Mapped[str] = mapped_column(Text)
    synced_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class CustomLensRow(Base):
    """A custom lens an admin uploaded (AWS custom-lens JSON kept as uploaded); uploading
    the same name again adds the next version."""

    __tablename__ = "custom_lenses"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(128))
    document: Mapped[str] = mapped_column(Text)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class WorkloadSummaryRow(_RiskCountColumns, Base):
    """What the portfolio shows of one workload, computed from its current review and kept
    with the key it was computed from (latest review id, workload revision, basis); stale
    when any of them moved, or after `valid_until` (an accepted risk ran out)."""

    __tablename__ = "workload_summaries"

    workload_id: Mapped[int] = mapped_column(ForeignKey("workloads.id", ondelete="CASCADE"), primary_key=True)
    review_id: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer)
    basis: Mapped[str] = mapped_column(String(64))
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    accepted_high: Mapped[int] = mapped_column(Integer)
    accepted_medium: Mapped[int] = mapped_column(Integer)
    cells: Mapped[str] = mapped_column(Text)  # JSON: [[question, pillar, phase, risk], ...]
    detail: Mapped[str] = mapped_column(Text)  # JSON: by_pillar, by_phase, trend


class CustomAnswerRow(Base):
    """The choices selected for one question of a custom lens (workloads.custom_lens)."""

    __tablename__ = "custom_answers"

    workload_id: Mapped[int] = mapped_column(ForeignKey("workloads.id", ondelete="CASCADE"), primary_key=True)
    lens: Mapped[str] = mapped_column(String(64), primary_key=True)
    question: Mapped[str] = mapped_column(String(128), primary_key=True)
    selected: Mapped[str] = mapped_column(Text)  # JSON list of choice ids
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
