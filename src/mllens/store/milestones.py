"""Milestones: immutable, named snapshots of a workload's review (one name per workload).

There is no update function on purpose, and the database refuses UPDATEs on the table
too (see the first migration). Functions take `db` as in mllens.store.repo.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mllens.review.model import Review
from mllens.review.serialise import review_from_stored_json, review_to_stored_json
from mllens.store.common import (
    Db,
    bump_revision,
    count_columns,
    ensure_workload,
    joined,
    now,
    require_workload,
    risk_counts,
)
from mllens.store.db import Tx
from mllens.store.models import MilestoneRow, WorkloadRow
from mllens.store.records import DuplicateError, Milestone, MilestoneInfo, NotFoundError, StoreError

RESERVED_NAMES = ("current",)  # `mllens diff A current` means the project's review now
_NAME_MAX = 100


def check_milestone_name(name: str) -> str:
    """The name, stripped; StoreError if it is empty, too long or reserved."""
    clean = name.strip()
    if not clean or len(clean) > _NAME_MAX or not clean.isprintable():
        raise StoreError(
            f"milestone name: expected 1 to {_NAME_MAX} printable characters, got {name!r}"
        )
    if clean.lower() in RESERVED_NAMES:
        raise StoreError(
            f"milestone name: {clean!r} is reserved (it means the project's review now); "
            "choose another name"
        )
    return clean


def save_milestone(
    db: Db,
    *,
    name: str,
    review: Review,
    workload: str | None = None,
    created_at: dt.datetime | None = None,
) -> MilestoneInfo:
    """Keep `review` as an immutable milestone of `workload` (by default the review's own),
    creating the workload if it is new. A name the workload already has is refused:
    milestones are never overwritten."""
    clean = check_milestone_name(name)
    workload_name = workload or review.workload.name
    with joined(db, write=True) as tx:
        owner = ensure_workload(tx, workload_name, review.workload)
        taken = select(MilestoneRow.created_at).where(
            MilestoneRow.workload_id == owner.id, MilestoneRow.name == clean
        )
        when = tx.session.scalar(taken)
        if when is not None:
            raise _duplicate(tx, clean, workload_name, when)
        row = _milestone_row(owner, clean, review, created_at or now())
        tx.session.add(row)
        try:
            tx.session.flush()
        except IntegrityError:  # saved by someone else between our check and insert
            raise _duplicate(tx, clean, workload_name, None) from None
        bump_revision(tx, owner.id)  # the trend the portfolio shows gains a point
        return _milestone_info(row, workload_name)


def _duplicate(tx: Tx, name: str, workload: str, when: dt.datetime | None) -> DuplicateError:
    saved = f" (saved {when:%Y-%m-%d %H:%M} UTC)" if when else ""
    return DuplicateError(
        f"{tx.where}: workload {workload!r} already has a milestone named {name!r}{saved}; "
        "milestones are never overwritten, choose a new name"
    )


def _milestone_row(owner: WorkloadRow, name: str, review: Review, at: dt.datetime) -> MilestoneRow:
    return MilestoneRow(
        workload_id=owner.id,
        name=name,
        created_at=at,
        lens_id=review.lens_id,
        lens_version=review.lens_version,
        review_json=review_to_stored_json(review),
        **count_columns(review),
    )


def _milestone_info(row: MilestoneRow, workload: str) -> MilestoneInfo:
    return MilestoneInfo(
        id=row.id,
        workload=workload,
        name=row.name,
        created_at=row.created_at,
        lens_id=row.lens_id,
        lens_version=row.lens_version,
        risk_counts=risk_counts(row),
    )


def list_milestones(db: Db, *, workload: str) -> list[MilestoneInfo]:
    """The workload's milestones, oldest first."""
    with joined(db, write=False) as tx:
        owner = require_workload(tx, workload)
        rows = tx.session.scalars(
            select(MilestoneRow)
            .where(MilestoneRow.workload_id == owner.id)
            .order_by(MilestoneRow.created_at, MilestoneRow.id)
        )
        return [_milestone_info(row, owner.name) for row in rows]


def get_milestone(db: Db, *, workload: str, name: str) -> Milestone:
    """One milestone with its snapshot; NotFoundError lists the names the workload has."""
    with joined(db, write=False) as tx:
        owner = require_workload(tx, workload)
        found = tx.session.execute(
            select(MilestoneRow, MilestoneRow.review_json).where(
                MilestoneRow.workload_id == owner.id, MilestoneRow.name == name.strip()
            )
        ).one_or_none()
        if found is None:
            names = tx.session.scalars(
                select(MilestoneRow.name)
                .where(MilestoneRow.workload_id == owner.id)
                .order_by(MilestoneRow.created_at, MilestoneRow.id)
            )
            listed = ", ".join(names) or "none yet"
            raise NotFoundError(
                f"{tx.where}: workload {workload!r} has no milestone named {name!r} "
                f"(milestones: {listed})"
            )
        row, text = found
        info = _milestone_info(row, owner.name)
        return Milestone(**info.model_dump(), review=review_from_stored_json(text))
