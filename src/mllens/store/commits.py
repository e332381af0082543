"""Which commits of each workload the store holds a review of: what `mllens fleet scan`
skips (a repository is scanned once per commit)."""

from __future__ import annotations

from sqlalchemy import select

from mllens.review.model import RiskCounts
from mllens.store.common import Db, joined, risk_counts
from mllens.store.models import ReviewRow, WorkloadRow


def scanned_commits(db: Db) -> dict[str, dict[str, RiskCounts]]:
    """Workload name -> commit -> the risk counts of the newest review of that commit.
    Reviews saved without a commit are left out."""
    stmt = (
        select(WorkloadRow.name, ReviewRow)
        .join(ReviewRow, ReviewRow.workload_id == WorkloadRow.id)
        .where(ReviewRow.git_commit.is_not(None))
        .order_by(ReviewRow.created_at, ReviewRow.id)  # newer reviews overwrite older ones
    )
    found: dict[str, dict[str, RiskCounts]] = {}
    with joined(db, write=False) as tx:
        for name, row in tx.session.execute(stmt):
            assert row.git_commit is not None
            found.setdefault(name, {})[row.git_commit] = risk_counts(row)
    return found
