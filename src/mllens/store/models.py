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

ROLES = ("admin", "facilitator", "member", "viewer")

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


class ReviewRow(_RiskCountColumns, Base):
    __tablename__ = "reviews"
    # Latest review per workload is an index seek, whatever the number of reviews.
    __table_args__ = (Index("ix_reviews_workload_latest", "workload_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workload_id: Mapped[int] = mapped_column(ForeignKey("workloads.id", ondelete="CASCADE"))
    lens_id: Mapped[str] = mapped_column(String(64))
    lens_version: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    review_json: Mapped[str] = mapped_column(Text, deferred=True)


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
    """A person of the web app; password_hash stays empty for single-sign-on users."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'facilitator', 'member', 'viewer')", name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
