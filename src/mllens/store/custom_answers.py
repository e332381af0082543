"""The custom lens a workload shows beside the ML Lens (workloads.custom_lens), and the
team's answers to its questions: the choice ids selected per question, each change
audit-logged (field `custom lens NAME`). Functions take `db` as in mllens.store.repo.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from mllens.store.access import record_change
from mllens.store.common import Db, bump_revision, joined, now, require_workload
from mllens.store.models import CustomAnswerRow, WorkloadRow
from mllens.store.records import UserInfo


def workload_lens(db: Db, *, workload: str) -> str | None:
    """The name of the custom lens the workload shows, or None."""
    with joined(db, write=False) as tx:
        return require_workload(tx, workload).custom_lens


def set_workload_lens(db: Db, *, user: UserInfo, workload: str, lens: str | None) -> None:
    """Show custom lens `lens` (a stored lens's name; the caller checks it) beside the ML
    Lens, or none; audit-logged. Answers given to another lens are kept for when it returns."""
    with joined(db, write=True) as tx:
        row = require_workload(tx, workload)
        if row.custom_lens != lens:
            record_change(tx, user=user, workload=workload, practice="-", field="custom lens",
                          old=row.custom_lens, new=lens)
            row.custom_lens = lens
            bump_revision(tx, row.id)
        tx.session.flush()


def custom_answers_of(db: Db, *, workload: str, lens: str) -> dict[str, list[str]]:
    """Question id -> the choice ids selected, for the workload's answers to `lens`."""
    with joined(db, write=False) as tx:
        owner = require_workload(tx, workload)
        rows = tx.session.scalars(
            select(CustomAnswerRow).where(CustomAnswerRow.workload_id == owner.id, CustomAnswerRow.lens == lens)
        )
        return {row.question: json.loads(row.selected) for row in rows}


def set_custom_answer(
    db: Db, *, user: UserInfo, workload: str, lens: str, question: str, selected: list[str]
) -> None:
    """Select exactly `selected` (choice ids of `question`; the caller checks them) for the
    question of custom lens `lens`; logged as the question's change when it is one."""
    text = json.dumps(sorted(set(selected)))
    with joined(db, write=True) as tx:
        owner = require_workload(tx, workload)
        # One writer per workload at a time, as for the ML Lens's answers (store.sessions).
        tx.session.execute(select(WorkloadRow.id).where(WorkloadRow.id == owner.id).with_for_update())
        row = tx.session.get(CustomAnswerRow, (owner.id, lens, question))
        old = row.selected if row is not None else None
        if old == text:
            return
        if row is None:
            row = CustomAnswerRow(workload_id=owner.id, lens=lens, question=question)
            tx.session.add(row)
        row.selected, row.updated_by, row.updated_at = text, user.name, now()
        record_change(tx, user=user, workload=workload, practice=question[:32], field=f"custom lens {lens}"[:32],
                      old=old, new=text)
        bump_revision(tx, owner.id)
        tx.session.flush()
