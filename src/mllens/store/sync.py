"""Risks accepted in the web app, and each workload's sync state with its mllens.yaml.

Functions take `db` as in mllens.store.repo. What the JSON of a sync state means is the
web app's business (mllens.web.sync); the store keeps it as text.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete, select

from mllens.store.access import record_change
from mllens.store.common import Db, bump_revision, joined, now, require_workload
from mllens.store.models import AcceptedRiskRow, AnswerRow, SyncStateRow, WorkloadRow
from mllens.store.records import UserInfo


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AcceptanceInfo(_Record):
    """A risk accepted (or, with no owner, an acceptance withdrawn) in the app."""

    practice: str
    owner: str | None
    expires: dt.date | None
    reason: str | None
    updated_by: str
    updated_at: dt.datetime

    @property
    def withdrawn(self) -> bool:
        return self.owner is None


class SyncState(_Record):
    """The answers mllens.yaml held at the last upload, and the last agreed answers."""

    uploaded: dict[str, Any]
    base: dict[str, Any]
    synced_at: dt.datetime


def describe_acceptance(owner: str | None, expires: dt.date | None, reason: str | None) -> str | None:
    """How the audit log shows an acceptance: `ana until 2027-03-31: reason`."""
    if owner is None or expires is None:
        return None
    return f"{owner} until {expires.isoformat()}: {reason or ''}"


def _info(row: AcceptedRiskRow) -> AcceptanceInfo:
    return AcceptanceInfo(practice=row.practice, owner=row.owner, expires=row.expires, reason=row.reason,
                          updated_by=row.updated_by, updated_at=row.updated_at)


def acceptances_of(db: Db, *, workload: str) -> dict[str, AcceptanceInfo]:
    """The acceptances decided in the app for the workload, by practice id."""
    with joined(db, write=False) as tx:
        owner = require_workload(tx, workload)
        rows = tx.session.scalars(select(AcceptedRiskRow).where(AcceptedRiskRow.workload_id == owner.id))
        return {row.practice: _info(row) for row in rows}


def set_acceptance(
    db: Db, *, user: UserInfo, workload: str, practice: str, owner: str | None, expires: dt.date | None,
    reason: str | None, before: str | None = None,
) -> AcceptanceInfo:
    """Accept the practice's risk (owner, expires and reason given), or withdraw an
    acceptance (owner None), audit-logged as field 'accepted' from `before` (what the
    page showed, when the app had no row yet) to the new one."""
    with joined(db, write=True) as tx:
        found = require_workload(tx, workload)
        tx.session.execute(select(WorkloadRow.id).where(WorkloadRow.id == found.id).with_for_update())
        row = tx.session.get(AcceptedRiskRow, (found.id, practice))
        if row is None:
            row = AcceptedRiskRow(workload_id=found.id, practice=practice, updated_by=user.name, updated_at=now())
            tx.session.add(row)
            old = before
        else:
            old = describe_acceptance(row.owner, row.expires, row.reason)
        if owner is None:
            expires = reason = None
        new = describe_acceptance(owner, expires, reason)
        if old != new:
            record_change(tx, user=user, workload=workload, practice=practice, field="accepted", old=old, new=new)
        row.owner, row.expires, row.reason = owner, expires, reason
        row.updated_by, row.updated_at = user.name, now()
        bump_revision(tx, found.id)
        tx.session.flush()
        return _info(row)


def put_app_answer(
    db: Db, *, workload: str, practice: str, answer: dict[str, Any], accepted: dict[str, Any] | None, by: str,
) -> None:
    """Make the app hold this answer and acceptance of a practice as its own, as shown
    already (after an upload, so a new mllens.yaml does not change what the app says):
    not audit-logged, since nobody sees a change."""
    with joined(db, write=True) as tx:
        owner = require_workload(tx, workload)
        row = tx.session.get(AnswerRow, (owner.id, practice))
        if row is None:
            row = AnswerRow(workload_id=owner.id, practice=practice, updated_by=by, updated_at=now())
            tx.session.add(row)
        checks = answer.get("checks") or {}
        row.status, row.notes, row.reason = answer.get("status"), answer.get("notes"), answer.get("reason")
        row.checks = json.dumps(dict(sorted(checks.items()))) if checks else None
        risk = tx.session.get(AcceptedRiskRow, (owner.id, practice))
        if risk is None:
            risk = AcceptedRiskRow(workload_id=owner.id, practice=practice, updated_by=by, updated_at=now())
            tx.session.add(risk)
        given = accepted or {}
        risk.owner, risk.reason = given.get("owner"), given.get("reason")
        risk.expires = dt.date.fromisoformat(given["expires"]) if given.get("expires") else None
        bump_revision(tx, owner.id)
        tx.session.flush()


def lock_workload(db: Db, *, workload: str) -> None:
    """Hold the workload's row until the transaction ends (PostgreSQL: FOR UPDATE)."""
    with joined(db, write=True) as tx:
        owner = require_workload(tx, workload)
        tx.session.execute(select(WorkloadRow.id).where(WorkloadRow.id == owner.id).with_for_update())


def clear_app_answers(db: Db, *, workload: str, practices: list[str]) -> None:
    """Forget the app's answers and acceptances of these practices (the uploaded file's
    answer shows again); the caller logs what that changes."""
    if not practices:
        return
    with joined(db, write=True) as tx:
        owner = require_workload(tx, workload)
        for table in (AnswerRow, AcceptedRiskRow):
            tx.session.execute(
                delete(table).where(table.workload_id == owner.id, table.practice.in_(practices))
            )
        bump_revision(tx, owner.id)


def sync_state(db: Db, *, workload: str) -> SyncState | None:
    """The workload's sync state, None before its first upload with answers."""
    with joined(db, write=False) as tx:
        owner = require_workload(tx, workload)
        row = tx.session.get(SyncStateRow, owner.id)
        if row is None:
            return None
        return SyncState(uploaded=json.loads(row.uploaded), base=json.loads(row.base), synced_at=row.synced_at)


def save_sync_state(db: Db, *, workload: str, uploaded: dict[str, Any], base: dict[str, Any]) -> None:
    with joined(db, write=True) as tx:
        owner = require_workload(tx, workload)
        row = tx.session.get(SyncStateRow, owner.id)
        if row is None:
            row = SyncStateRow(workload_id=owner.id)
            tx.session.add(row)
        row.uploaded = json.dumps(uploaded, sort_keys=True)
        row.base = json.dumps(base, sort_keys=True)
        row.synced_at = now()
        bump_revision(tx, owner.id)
        tx.session.flush()
