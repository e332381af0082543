"""The improvement plan as a backlog: owner, due date and status a team sets on each item
of a workload's plan. The items themselves are computed from the latest review; only what
people set is kept, by the item's key, and every change goes to the workload's audit log.

Functions take `db` as in mllens.store.repo.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from mllens.store.access import record_change
from mllens.store.common import Db, joined, now, require_workload
from mllens.store.models import PLAN_STATUSES, PlanItemRow, WorkloadRow
from mllens.store.records import PlanItemState, StoreError, UserInfo

ITEM_MAX = 200
OWNER_MAX = 200


def _state(row: PlanItemRow) -> PlanItemState:
    return PlanItemState(item=row.item, owner=row.owner, due=row.due, status=row.status,
                         updated_by=row.updated_by, updated_at=row.updated_at)


def plan_states(db: Db, *, workload: str) -> dict[str, PlanItemState]:
    """What the team set on the workload's plan items, by item key."""
    with joined(db, write=False) as tx:
        owner = require_workload(tx, workload)
        rows = tx.session.scalars(select(PlanItemRow).where(PlanItemRow.workload_id == owner.id))
        return {row.item: _state(row) for row in rows}


def set_plan_item(
    db: Db, *, user: UserInfo, workload: str, item: str, practice: str, owner: str | None, due: dt.date | None,
    status: str,
) -> PlanItemState:
    """Set the owner, due date and status of one plan item, logging each field that changes
    against `practice` (the item's practice, or "plan" for an item of questions to answer)."""
    if status not in PLAN_STATUSES:
        raise StoreError(f"status: expected one of {', '.join(PLAN_STATUSES)}, got {status!r}")
    if owner is not None and (len(owner) > OWNER_MAX or not owner.isprintable()):
        raise StoreError(f"owner: expected at most {OWNER_MAX} printable characters, got {owner[:40]!r}")
    if not item or len(item) > ITEM_MAX:
        raise StoreError(f"item: expected a plan item key of 1 to {ITEM_MAX} characters, got {item[:40]!r}")
    with joined(db, write=True) as tx:
        found = require_workload(tx, workload)
        # One writer per workload at a time, as for answers (see sessions.set_answer).
        tx.session.execute(select(WorkloadRow.id).where(WorkloadRow.id == found.id).with_for_update())
        row = tx.session.get(PlanItemRow, (found.id, item))
        if row is None:
            row = PlanItemRow(workload_id=found.id, item=item, status="open", updated_by=user.name,
                              updated_at=now())
            tx.session.add(row)
        new: dict[str, str | None] = {"owner": owner, "due": due.isoformat() if due else None, "status": status}
        for field, value in new.items():
            old = getattr(row, field)
            old_text = old.isoformat() if isinstance(old, dt.date) else old
            if old_text != value:
                record_change(tx, user=user, workload=workload, practice=practice[:32], field=f"plan {field}",
                              old=old_text, new=value, item=item)
        row.owner, row.due, row.status = owner, due, status
        row.updated_by, row.updated_at = user.name, now()
        tx.session.flush()
        return _state(row)
