"""Milestones of many workloads in one query: what the portfolio's trend column needs
(counts only, never the snapshots), so a page of N workloads costs one query, not N."""

from __future__ import annotations

from sqlalchemy import select

from mllens.store.common import Db, joined, risk_counts
from mllens.store.models import MilestoneRow, WorkloadRow
from mllens.store.records import MilestoneInfo


def milestones_by_workload(db: Db, *, workloads: list[str]) -> dict[str, list[MilestoneInfo]]:
    """Each named workload's milestones, oldest first (a workload without any maps to [])."""
    found: dict[str, list[MilestoneInfo]] = {name: [] for name in workloads}
    if not workloads:
        return found
    stmt = (
        select(MilestoneRow, WorkloadRow.name)
        .join(WorkloadRow, WorkloadRow.id == MilestoneRow.workload_id)
        .where(WorkloadRow.name.in_(workloads))
        .order_by(MilestoneRow.created_at, MilestoneRow.id)
    )
    with joined(db, write=False) as tx:
        for row, name in tx.session.execute(stmt):
            found[name].append(MilestoneInfo(
                id=row.id, workload=name, name=row.name, created_at=row.created_at, lens_id=row.lens_id,
                lens_version=row.lens_version, risk_counts=risk_counts(row),
            ))
    return found
