"""Repository functions: every read and write of the store goes through one of these.

Each takes the store (or an open transaction, `db`) first and everything else by
keyword. Given a Store, a function runs in a transaction of its own: it commits when it
returns and rolls back entirely if anything fails, leaving the store as it was. Given a
Tx (`with store.transaction() as tx:`), it joins that transaction, so several calls
commit or roll back together.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, select

from mllens.answers.model import Workload
from mllens.review.model import Review
from mllens.review.serialise import review_from_stored_json, review_to_stored_json
from mllens.store.common import (
    Db,
    count_columns,
    ensure_workload,
    find_workload,
    joined,
    now,
    require_workload,
    risk_counts,
    workload_info,
)
from mllens.store.models import ReviewRow, WorkloadRow
from mllens.store.records import ReviewInfo, WorkloadInfo, WorkloadSummary


def upsert_workload(db: Db, *, workload: Workload) -> WorkloadInfo:
    """Create the workload, or set its owner, environment and description to these."""
    with joined(db, write=True) as tx:
        row = find_workload(tx.session, workload.name)
        if row is None:
            row = ensure_workload(tx, workload.name, workload)
        else:
            new = (workload.owner, workload.environment, workload.description)
            if (row.owner, row.environment, row.description) != new:
                row.owner, row.environment, row.description = new
                row.updated_at = now()
            tx.session.flush()
        return workload_info(row)


def get_workload(db: Db, *, name: str) -> WorkloadInfo:
    with joined(db, write=False) as tx:
        return workload_info(require_workload(tx, name))


def save_review(
    db: Db,
    *,
    review: Review,
    workload: str | None = None,
    created_at: dt.datetime | None = None,
    git_commit: str | None = None,
) -> ReviewInfo:
    """Store a review of `workload` (by default the review's own workload name), creating
    the workload from the review's details if it is new. `git_commit`: the commit the
    scan read, when the project is a git repository (mllens.store.commits)."""
    name = workload or review.workload.name
    with joined(db, write=True) as tx:
        owner = ensure_workload(tx, name, review.workload)
        row = ReviewRow(
            workload_id=owner.id,
            lens_id=review.lens_id,
            lens_version=review.lens_version,
            created_at=created_at or now(),
            review_json=review_to_stored_json(review),
            git_commit=git_commit,
            **count_columns(review),
        )
        tx.session.add(row)
        tx.session.flush()
        return _review_info(row, name)


def _review_info(row: ReviewRow, workload: str) -> ReviewInfo:
    return ReviewInfo(
        id=row.id,
        workload=workload,
        lens_id=row.lens_id,
        lens_version=row.lens_version,
        created_at=row.created_at,
        risk_counts=risk_counts(row),
    )


def _newest_first(stmt: Select[Any]) -> Select[Any]:
    return stmt.order_by(ReviewRow.created_at.desc(), ReviewRow.id.desc()).limit(1)


def latest_review(db: Db, *, workload: str) -> Review | None:
    """The workload's most recent review, or None if it has none yet."""
    with joined(db, write=False) as tx:
        owner = require_workload(tx, workload)
        text = tx.session.scalar(
            _newest_first(select(ReviewRow.review_json).where(ReviewRow.workload_id == owner.id))
        )
        return None if text is None else review_from_stored_json(text)


def list_workloads(db: Db) -> list[WorkloadSummary]:
    """Every workload by name, each with the risk counts of its latest review."""
    # Correlated on workloads only: the outer query also reads reviews, which must not
    # leak into the subquery (it picks the newest review of each workload by index seek).
    latest_id = (
        _newest_first(select(ReviewRow.id).where(ReviewRow.workload_id == WorkloadRow.id))
        .correlate(WorkloadRow)
        .scalar_subquery()
    )
    stmt = (
        select(WorkloadRow, ReviewRow)
        .outerjoin(ReviewRow, ReviewRow.id == latest_id)
        .order_by(WorkloadRow.name)
    )
    with joined(db, write=False) as tx:
        return [
            WorkloadSummary(
                workload=workload_info(w),
                latest=None if r is None else _review_info(r, w.name),
            )
            for w, r in tx.session.execute(stmt)
        ]
