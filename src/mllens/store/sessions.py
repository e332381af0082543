"""Web sessions and the answers given in the web app (each change audit-logged).

A session is kept as the digest of its cookie (the cookie itself is never stored), with
its CSRF token and expiry; logging out deletes it. Functions take `db` as in
mllens.store.repo.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import delete, select

from mllens.store.access import record_change, user_info
from mllens.store.common import Db, bump_revision, joined, now, require_workload
from mllens.store.models import AnswerRow, SessionRow, UserRow, WorkloadRow
from mllens.store.records import AnswerInfo, SessionInfo, UserInfo

STATUSES = ("implemented", "partial", "missing", "not_applicable")
CHECK_STATES = ("met", "not_met", "not_applicable", "unknown")


def open_session(db: Db, *, user: UserInfo, digest: str, csrf: str, lifetime: dt.timedelta) -> None:
    at = now()
    with joined(db, write=True) as tx:
        # Expired sessions go whenever a new one starts: the table never grows unbounded.
        tx.session.execute(delete(SessionRow).where(SessionRow.expires_at < at))
        tx.session.add(SessionRow(digest=digest, user_id=user.id, csrf=csrf, created_at=at, expires_at=at + lifetime))
        tx.session.flush()


def session_of(db: Db, *, digest: str) -> SessionInfo | None:
    """The live session with this cookie digest, or None (unknown or expired)."""
    with joined(db, write=False) as tx:
        row = tx.session.get(SessionRow, digest)
        if row is None or row.expires_at <= now():
            return None
        user = tx.session.get(UserRow, row.user_id)
        assert user is not None  # the foreign key cascades
        if user.disabled_at is not None:
            return None
        return SessionInfo(user=user_info(tx.session, user), csrf=row.csrf, expires_at=row.expires_at)


def close_session(db: Db, *, digest: str) -> None:
    with joined(db, write=True) as tx:
        tx.session.execute(delete(SessionRow).where(SessionRow.digest == digest))


def _answer_info(row: AnswerRow) -> AnswerInfo:
    checks = json.loads(row.checks) if row.checks else {}
    return AnswerInfo(
        practice=row.practice, status=row.status, notes=row.notes, checks=checks, updated_by=row.updated_by,
        updated_at=row.updated_at, reason=row.reason,
    )


def answers_of(db: Db, *, workload: str) -> dict[str, AnswerInfo]:
    """The web app's answers of the workload, by practice id."""
    with joined(db, write=False) as tx:
        owner = require_workload(tx, workload)
        rows = tx.session.scalars(select(AnswerRow).where(AnswerRow.workload_id == owner.id))
        return {row.practice: _answer_info(row) for row in rows}


def answered_workloads(db: Db) -> set[str]:
    """Names of the workloads that have at least one answer given in the web app."""
    with joined(db, write=False) as tx:
        return set(tx.session.scalars(
            select(WorkloadRow.name).where(WorkloadRow.id.in_(select(AnswerRow.workload_id)))
        ))


def set_answer(
    db: Db, *, user: UserInfo, workload: str, practice: str, status: str | None, notes: str | None,
    checks: dict[str, str] | None = None, reason: str | None = None,
) -> AnswerInfo:
    """Set the answer to `practice`, logging each field that changes (in one transaction).
    The caller checks that `practice` is a practice of the lens, `status` one of STATUSES
    and each of `checks` a check of the practice with a state of CHECK_STATES; `checks`
    None leaves the checks as they are, and only states other than unknown are kept.
    `reason` (why not applicable) is kept only with status not_applicable."""
    kept = {k: v for k, v in sorted((checks or {}).items()) if v != "unknown"}
    checks_text = (json.dumps(kept) if kept else None) if checks is not None else None
    with joined(db, write=True) as tx:
        owner = require_workload(tx, workload)
        # Answers of one workload are written one at a time: PostgreSQL locks the workload's
        # row (an answer row may not exist yet to lock); SQLite's writes are serial already.
        tx.session.execute(select(WorkloadRow.id).where(WorkloadRow.id == owner.id).with_for_update())
        row = tx.session.scalars(
            select(AnswerRow).where(AnswerRow.workload_id == owner.id, AnswerRow.practice == practice)
        ).one_or_none()
        if row is None:
            row = AnswerRow(workload_id=owner.id, practice=practice, updated_by=user.name, updated_at=now())
            tx.session.add(row)
        changes: list[tuple[str, str | None]] = [("status", status), ("notes", notes)]
        changes.append(("reason", reason if status == "not_applicable" else None))
        if checks is not None:
            changes.append(("checks", checks_text))
        for field, new in changes:
            old = getattr(row, field)
            if old != new:
                record_change(tx, user=user, workload=workload, practice=practice, field=field, old=old, new=new)
                setattr(row, field, new)
        row.updated_by, row.updated_at = user.name, now()
        bump_revision(tx, owner.id)
        tx.session.flush()
        return _answer_info(row)
