"""What the repository modules share: joining a transaction, workload lookups, counts.

Every repository function takes `db`: a Store (the function opens, commits or rolls back
its own transaction) or a Tx (it joins that one, so several calls commit together).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mllens.answers.model import Workload
from mllens.review.model import Review, RiskCounts
from mllens.store.db import Store, Tx
from mllens.store.models import MilestoneRow, ReviewRow, WorkloadRow
from mllens.store.records import NotFoundError, WorkloadInfo

Db = Store | Tx


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@contextmanager
def joined(db: Db, *, write: bool) -> Iterator[Tx]:
    """The caller's transaction if it gave one, else a new one for this operation."""
    if isinstance(db, Tx):
        yield db
    else:
        with db.transaction(write=write) as tx:
            yield tx


def workload_info(row: WorkloadRow) -> WorkloadInfo:
    return WorkloadInfo(
        id=row.id,
        name=row.name,
        owner=row.owner,
        environment=row.environment,
        description=row.description,
        created_at=row.created_at,
        updated_at=row.updated_at,
        repository_url=row.repository_url,
    )


def risk_counts(row: ReviewRow | MilestoneRow) -> RiskCounts:
    return RiskCounts(
        HIGH=row.high_count,
        MEDIUM=row.medium_count,
        NONE=row.none_count,
        UNANSWERED=row.unanswered_count,
        NOT_APPLICABLE=row.not_applicable_count,
    )


def count_columns(review: Review) -> dict[str, int]:
    counts = review.summary.risk_counts
    return {
        "high_count": counts.HIGH,
        "medium_count": counts.MEDIUM,
        "none_count": counts.NONE,
        "unanswered_count": counts.UNANSWERED,
        "not_applicable_count": counts.NOT_APPLICABLE,
    }


def find_workload(session: Session, name: str) -> WorkloadRow | None:
    return session.scalars(select(WorkloadRow).where(WorkloadRow.name == name)).one_or_none()


def require_workload(tx: Tx, name: str) -> WorkloadRow:
    row = find_workload(tx.session, name)
    if row is None:
        known = tx.session.scalars(select(WorkloadRow.name).order_by(WorkloadRow.name).limit(10))
        listed = ", ".join(known) or "none yet"
        raise NotFoundError(f"{tx.where}: no workload named {name!r} (workloads: {listed})")
    return row


def ensure_workload(tx: Tx, name: str, details: Workload) -> WorkloadRow:
    """The workload's row, created from `details` if it is new (an existing one is kept
    as it is: `upsert_workload` is how details change)."""
    row = find_workload(tx.session, name)
    if row is None:
        at = now()
        row = WorkloadRow(
            name=name,
            owner=details.owner,
            environment=details.environment,
            description=details.description,
            created_at=at,
            updated_at=at,
        )
        tx.session.add(row)
        tx.session.flush()
    return row


def bump_revision(tx: Tx, workload_id: int) -> None:
    """Mark the workload's review as changed: its stored summary no longer holds
    (mllens.store.summaries). Called in the transaction of the write itself."""
    tx.session.execute(
        update(WorkloadRow).where(WorkloadRow.id == workload_id).values(revision=WorkloadRow.revision + 1)
    )
