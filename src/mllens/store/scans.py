"""Every stored scan of every workload, as the fleet report and `mllens history` read
them: the list (counts only, one query), and the bodies of the few they need."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from mllens.review.model import Review, RiskCounts
from mllens.review.serialise import review_from_stored_json
from mllens.store.common import Db, joined, risk_counts
from mllens.store.models import ReviewRow, WorkloadRow


class ScanLine(BaseModel):
    """One stored review without its body."""

    model_config = ConfigDict(frozen=True)

    id: int
    workload: str
    created_at: dt.datetime
    git_commit: str | None
    risk_counts: RiskCounts


def scan_lines(db: Db, *, workload: str | None = None) -> dict[str, list[ScanLine]]:
    """Workload name (every one, or `workload` only) -> its reviews, oldest first (a
    workload without any maps to [])."""
    stmt = (
        select(WorkloadRow.name, ReviewRow)
        .outerjoin(ReviewRow, ReviewRow.workload_id == WorkloadRow.id)
        .order_by(WorkloadRow.name, ReviewRow.created_at, ReviewRow.id)
    )
    if workload is not None:
        stmt = stmt.where(WorkloadRow.name == workload)
    found: dict[str, list[ScanLine]] = {}
    with joined(db, write=False) as tx:
        for name, row in tx.session.execute(stmt):
            lines = found.setdefault(name, [])
            if row is not None:
                lines.append(ScanLine(id=row.id, workload=name, created_at=row.created_at,
                                      git_commit=row.git_commit, risk_counts=risk_counts(row)))  # fmt: skip
    return found


def review_bodies(db: Db, *, ids: list[int]) -> dict[int, Review]:
    """The stored reviews of these ids (unknown ids are left out)."""
    if not ids:
        return {}
    stmt = select(ReviewRow.id, ReviewRow.review_json).where(ReviewRow.id.in_(ids))
    with joined(db, write=False) as tx:
        return {review_id: review_from_stored_json(text) for review_id, text in tx.session.execute(stmt)}


def reviews_at_commits(db: Db, *, workload: str, commits: list[str]) -> dict[str, Review]:
    """Commit -> the newest stored review of `workload` at that commit, for those the
    store holds (`mllens history` scans only the others)."""
    newest: dict[str, int] = {}
    wanted = set(commits)
    for line in scan_lines(db, workload=workload).get(workload, []):
        if line.git_commit in wanted:
            newest[line.git_commit] = line.id  # oldest first: the newest stays
    bodies = review_bodies(db, ids=list(newest.values()))
    return {commit: bodies[review_id] for commit, review_id in newest.items() if review_id in bodies}


def latest_commit(db: Db, *, workload: str) -> str | None:
    """The commit the workload's latest review read (None: not known, or no review)."""
    stmt = (
        select(ReviewRow.git_commit)
        .join(WorkloadRow, WorkloadRow.id == ReviewRow.workload_id)
        .where(WorkloadRow.name == workload)
        .order_by(ReviewRow.created_at.desc(), ReviewRow.id.desc())
        .limit(1)
    )
    with joined(db, write=False) as tx:
        return tx.session.scalar(stmt)
