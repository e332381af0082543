"""Per-workload summaries: what the portfolio shows of each workload, stored so a listing of
1,000 workloads reads 1,000 short rows instead of evaluating 1,000 reviews.

A summary is kept with the key it was computed from: the latest review's id, the
workload's revision (bumped by every write that changes the review the app shows:
mllens.store.common.bump_revision) and a basis (the summary's format and the lens's
version). The web app (mllens.web.summary) computes summaries, compares keys and refreshes
the stale ones; this module only reads and writes the rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from mllens.review.model import RiskCounts
from mllens.store.common import Db, joined, now, require_workload
from mllens.store.models import ReviewRow, TeamRow, WorkloadRow, WorkloadSummaryRow, WorkloadTeamRow


class SummaryKey(NamedTuple):
    """What a summary was computed from (module docstring)."""

    review_id: int
    revision: int
    basis: str


# Listings build 1,000 of these per request: plain tuples, not validated models.
class StoredSummary(NamedTuple):
    key: SummaryKey
    valid_until: dt.date | None
    counts: tuple[int, int, int, int, int]  # HIGH, MEDIUM, NONE, UNANSWERED, NOT_APPLICABLE
    accepted_high: int
    accepted_medium: int
    cells: str | None  # JSON, when asked for

    @property
    def risk_counts(self) -> RiskCounts:
        high, medium, none, unanswered, not_applicable = self.counts
        return RiskCounts(HIGH=high, MEDIUM=medium, NONE=none, UNANSWERED=unanswered, NOT_APPLICABLE=not_applicable)


class PortfolioEntry(NamedTuple):
    """One workload with its team, its current key (None before its first review) and its
    stored summary (None when never computed; possibly stale)."""

    workload_id: int
    name: str
    team: str | None
    owner: str | None
    environment: str | None
    last_scan: dt.datetime | None
    review_id: int | None
    revision: int
    summary: StoredSummary | None


def _latest_review_id() -> Any:
    return (
        select(ReviewRow.id)
        .where(ReviewRow.workload_id == WorkloadRow.id)
        .order_by(ReviewRow.created_at.desc(), ReviewRow.id.desc())
        .limit(1)
        .correlate(WorkloadRow)
        .scalar_subquery()
    )


def portfolio_entries(
    db: Db, *, teams: Collection[str] | None, team: str = "", environment: str = "", cells: bool = False
) -> list[PortfolioEntry]:
    """Every workload in `teams` (None: every workload), by name, narrowed to `team` and
    `environment` when given; `cells`: with each summary's question risks."""
    s = WorkloadSummaryRow
    columns: list[Any] = [
        WorkloadRow.id, WorkloadRow.name, WorkloadRow.owner, WorkloadRow.environment, WorkloadRow.revision,
        TeamRow.name, ReviewRow.id, ReviewRow.created_at, s.review_id, s.revision, s.basis, s.valid_until,
        s.high_count, s.medium_count, s.none_count, s.unanswered_count, s.not_applicable_count,
        s.accepted_high, s.accepted_medium,
    ]
    if cells:
        columns.append(s.cells)
    stmt = (
        select(*columns)
        .outerjoin(WorkloadTeamRow, WorkloadTeamRow.workload_id == WorkloadRow.id)
        .outerjoin(TeamRow, TeamRow.id == WorkloadTeamRow.team_id)
        .outerjoin(ReviewRow, ReviewRow.id == _latest_review_id())
        .outerjoin(s, s.workload_id == WorkloadRow.id)
        .order_by(WorkloadRow.name)
    )
    if teams is not None:
        stmt = stmt.where(TeamRow.name.in_(list(teams)))
    if team:
        stmt = stmt.where(TeamRow.name == team)
    if environment:
        stmt = stmt.where(WorkloadRow.environment == environment)
    with joined(db, write=False) as tx:
        return [_entry(row, cells=cells) for row in tx.session.execute(stmt)]


def _entry(row: Any, *, cells: bool) -> PortfolioEntry:
    (wid, name, owner, environment, revision, team, review_id, last_scan, s_review, s_revision, basis, until,
     high, medium, none, unanswered, not_applicable, acc_high, acc_medium, *rest) = row
    summary = None
    if s_review is not None:
        summary = StoredSummary(
            key=SummaryKey(s_review, s_revision, basis), valid_until=until,
            counts=(high, medium, none, unanswered, not_applicable),
            accepted_high=acc_high, accepted_medium=acc_medium, cells=rest[0] if cells else None,
        )
    return PortfolioEntry(workload_id=wid, name=name, team=team, owner=owner, environment=environment,
                          last_scan=last_scan, review_id=review_id, revision=revision, summary=summary)


def current_key(db: Db, *, workload: str, basis: str) -> SummaryKey | None:
    """The key a summary of the workload computed now would carry; None before its first
    review. Read before the review itself, so a write landing in between leaves the stored
    key behind (stale, computed again), never ahead."""
    with joined(db, write=False) as tx:
        owner = require_workload(tx, workload)
        found = tx.session.execute(
            select(WorkloadRow.revision, _latest_review_id()).where(WorkloadRow.id == owner.id)
        ).one()
        revision, review_id = found
        return None if review_id is None else SummaryKey(review_id, revision, basis)


def summary_details(db: Db, *, workload_ids: Collection[int]) -> dict[int, tuple[str, str]]:
    """The `cells` and `detail` JSON of these workloads' summaries (those that have one)."""
    if not workload_ids:
        return {}
    s = WorkloadSummaryRow
    stmt = select(s.workload_id, s.cells, s.detail).where(s.workload_id.in_(list(workload_ids)))
    with joined(db, write=False) as tx:
        return {wid: (cells, detail) for wid, cells, detail in tx.session.execute(stmt)}


def put_summary(
    db: Db, *, workload: str, key: SummaryKey, valid_until: dt.date | None, risk_counts: RiskCounts,
    accepted_high: int, accepted_medium: int, cells: str, detail: str,
) -> None:
    """Insert or replace the workload's summary in one statement (two refreshes racing both
    succeed; a summary left behind by the race is stale by its key and computed again)."""
    with joined(db, write=True) as tx:
        owner = require_workload(tx, workload)
        values = {
            "workload_id": owner.id, "review_id": key.review_id, "revision": key.revision, "basis": key.basis,
            "valid_until": valid_until, "computed_at": now(), "high_count": risk_counts.HIGH,
            "medium_count": risk_counts.MEDIUM, "none_count": risk_counts.NONE,
            "unanswered_count": risk_counts.UNANSWERED, "not_applicable_count": risk_counts.NOT_APPLICABLE,
            "accepted_high": accepted_high, "accepted_medium": accepted_medium, "cells": cells, "detail": detail,
        }
        dialect = tx.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = insert(WorkloadSummaryRow).values(**values)
        changed = {k: v for k, v in values.items() if k != "workload_id"}
        tx.session.execute(stmt.on_conflict_do_update(index_elements=["workload_id"], set_=changed))
