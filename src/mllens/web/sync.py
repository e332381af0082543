"""One truth between a workload's mllens.yaml and the app (docs/web.md, "Sync").

Per workload the server keeps (store.sync): the answers mllens.yaml held at the last
upload (`uploaded`), and `base`, the answers file and app last agreed on. The app's
answer to a practice (`app_answers`) is its own answer and acceptance where an editor
gave one, else the uploaded file's.

An upload compares the file's answers with the app's against the base
(answers.sync.reconcile): a practice only the file changed takes the file's answer (the
app's row is dropped, and the change is audit-logged as the uploader's); one only the app
changed keeps the app's (it waits for `mllens pull`); equal answers agree and become the
new base; a practice both changed differently is a conflict: the app keeps its answer,
the base stays, and the upload's answer lists it. `mllens pull` makes the same
comparison on the other side (GET .../sync), and `--ours` sends the file's answers to
the app (POST .../sync).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from mllens.answers.model import AnswersFile, PracticeAnswer, QuestionAnswer, Workload
from mllens.answers.sync import (
    Acceptance,
    Conflict,
    SyncAnswer,
    describe,
    reconcile,
    sync_answers,
    with_sync_answers,
)
from mllens.lens.model import Lens
from mllens.review.model import Review
from mllens.store import Tx, latest_review
from mllens.store.access import record_change
from mllens.store.common import Db
from mllens.store.records import AnswerInfo, UserInfo
from mllens.store.sessions import answers_of
from mllens.store.sync import (
    AcceptanceInfo,
    acceptances_of,
    clear_app_answers,
    lock_workload,
    put_app_answer,
    save_sync_state,
    sync_state,
)
from mllens.web.readback import uploaded_answers


class _UploadedAnswers(BaseModel):
    """The `answers` key `mllens scan --upload` adds to the report (review.serialise)."""

    model_config = ConfigDict(extra="ignore")

    practices: dict[str, PracticeAnswer] = {}
    questions: dict[str, QuestionAnswer] = {}


class ConflictLine(BaseModel):
    """A practice changed in mllens.yaml and in the app since the last sync, differently."""

    practice: str
    file: SyncAnswer | None
    app: SyncAnswer | None
    file_says: str
    app_says: str


def conflict_line(conflict: Conflict) -> ConflictLine:
    return ConflictLine(practice=conflict.practice, file=conflict.file, app=conflict.app,
                        file_says=describe(conflict.file), app_says=describe(conflict.app))


def _dump(answers: Mapping[str, SyncAnswer | None]) -> dict[str, Any]:
    return {p: a.model_dump(mode="json", exclude_defaults=True) for p, a in sorted(answers.items())
            if a is not None and not a.empty()}


def _load(data: Any) -> dict[str, SyncAnswer]:
    return {p: SyncAnswer.model_validate(a) for p, a in (data or {}).items()}


def file_answers(data: Any, review: Review, *, lens: Lens) -> AnswersFile:
    """The answers of mllens.yaml an upload carries: its `answers` key (as
    `mllens scan --upload` sends it) with the report's accepted risks, or, for a report
    without one, the answers read back from the review's results."""
    given = data.get("answers") if isinstance(data, dict) else None
    if not isinstance(given, dict):
        return uploaded_answers(review, lens=lens)
    try:
        parsed = _UploadedAnswers.model_validate(given)
    except ValidationError:
        return uploaded_answers(review, lens=lens)  # review_from_data validated it already
    practices = {lens.resolve(k) or k: v for k, v in parsed.practices.items() if lens.resolve(k)}
    questions = {lens.question(k).id: v for k, v in parsed.questions.items() if lens.has_question(k)}
    return AnswersFile(workload=review.workload, lens=lens.id, answers=practices, questions=questions,
                       accepted_risks=review.accepted_risks)


def app_answer(file: SyncAnswer | None, row: AnswerInfo | None, risk: AcceptanceInfo | None) -> SyncAnswer:
    """The app's answer to a practice: its own answer and acceptance where given, else the file's."""
    base = file or SyncAnswer()
    if row is not None:
        base = SyncAnswer.model_validate({"status": row.status, "checks": row.checks, "notes": row.notes,
                                          "reason": row.reason, "accepted": base.accepted})
    if risk is not None:
        accepted = None if risk.withdrawn or risk.expires is None else Acceptance(
            owner=risk.owner or "", expires=risk.expires, reason=risk.reason or "")
        base = base.model_copy(update={"accepted": accepted})
    return base


def app_answers(
    uploaded: Mapping[str, SyncAnswer], rows: Mapping[str, AnswerInfo], risks: Mapping[str, AcceptanceInfo]
) -> dict[str, SyncAnswer]:
    """Every practice's answer as the app shows it (see app_answer), empty ones left out."""
    out = {p: app_answer(uploaded.get(p), rows.get(p), risks.get(p)) for p in {*uploaded, *rows, *risks}}
    return {p: a for p, a in out.items() if not a.empty()}


class SyncView(BaseModel):
    """What `mllens pull` compares the file with: the app's answers and the base."""

    workload: Workload
    base: dict[str, SyncAnswer]
    app: dict[str, SyncAnswer]
    uploaded: dict[str, SyncAnswer]
    synced_at: dt.datetime | None
    conflicts: list[ConflictLine]


def uploaded_file(db: Db, *, workload: str, review: Review | None, lens: Lens) -> tuple[AnswersFile, dict[str, Any]]:
    """The answers the file held at the last upload, and the base (as stored)."""
    state = sync_state(db, workload=workload)
    if state is None:
        file = uploaded_answers(review, lens=lens) if review is not None else AnswersFile(
            workload=Workload(name=workload))
        return file, _dump(sync_answers(file, lens=lens))
    questions = {k: QuestionAnswer.model_validate(v) for k, v in state.uploaded.get("questions", {}).items()}
    bare = AnswersFile(workload=review.workload if review else Workload(name=workload), lens=lens.id,
                       questions=questions)
    return with_sync_answers(bare, _load(state.uploaded.get("practices"))), state.base


def sync_view(db: Db, *, workload: str, review: Review | None, lens: Lens) -> SyncView:
    file, base = uploaded_file(db, workload=workload, review=review, lens=lens)
    uploaded = sync_answers(file, lens=lens)
    app = app_answers(uploaded, answers_of(db, workload=workload), acceptances_of(db, workload=workload))
    state = sync_state(db, workload=workload)
    found = reconcile(base=_load(base), file=uploaded, app=app)
    return SyncView(workload=file.workload, base=_load(base), app=app, uploaded=uploaded,
                    synced_at=state.synced_at if state else None,
                    conflicts=[conflict_line(c) for c in found.conflicts])


def app_take(db: Db, *, user: UserInfo, workload: str, answers: Mapping[str, SyncAnswer | None],
             shown: Mapping[str, SyncAnswer]) -> None:
    """Make the app say `answers` (None: no answer) for these practices, audit-logged as
    `user`'s change from what it showed (`shown`)."""
    for practice, value in answers.items():
        before = shown.get(practice)
        if (before or SyncAnswer()) == (value or SyncAnswer()):
            continue
        record_change(db, user=user, workload=workload, practice=practice, field="answer",
                      old=describe(before), new=describe(value))
        answer = (value or SyncAnswer()).practice_answer().model_dump(mode="json", exclude_defaults=True)
        accepted = value.accepted.model_dump(mode="json") if value and value.accepted else None
        put_app_answer(db, workload=workload, practice=practice, answer=answer, accepted=accepted, by=user.name)


def locked_latest_review(tx: Tx, *, workload: str) -> Review | None:
    """The workload's latest review, its row locked until `tx` ends (PostgreSQL; SQLite
    writes one at a time already): two uploads of one workload merge one after the other."""
    lock_workload(tx, workload=workload)
    return latest_review(tx, workload=workload)


def sync_upload(
    db: Db, *, user: UserInfo, workload: str, file: AnswersFile, previous: Review | None, lens: Lens, new: bool
) -> list[ConflictLine]:
    """Merge an upload's answers with the app's (module docstring); in `db`'s transaction,
    before the new review is saved. Returns the conflicts."""
    ours = sync_answers(file, lens=lens)
    if new:
        base: dict[str, SyncAnswer] = {}
        app: dict[str, SyncAnswer] = {}
    else:
        old_file, stored = uploaded_file(db, workload=workload, review=previous, lens=lens)
        base = _load(stored)
        app = app_answers(sync_answers(old_file, lens=lens), answers_of(db, workload=workload),
                          acceptances_of(db, workload=workload))
    found = reconcile(base=base, file=ours, app=app)
    for practice, value in found.to_app.items() if not new else ():  # a new workload: nothing changed in the app
        record_change(db, user=user, workload=workload, practice=practice, field="answer",
                      old=describe(app.get(practice)), new=f"{describe(value)} (from mllens.yaml)")
    if not new:
        clear_app_answers(db, workload=workload, practices=[*found.to_app, *found.agreed])
        kept = [*found.to_file, *(c.practice for c in found.conflicts)]
        for practice in kept:  # the app's answer stays what it was, whatever the new file says
            value = app.get(practice) or SyncAnswer()
            put_app_answer(db, workload=workload, practice=practice,
                           answer=value.practice_answer().model_dump(mode="json", exclude_defaults=True),
                           accepted=value.accepted.model_dump(mode="json") if value.accepted else None,
                           by=user.name)
    next_base: dict[str, SyncAnswer | None] = {**base, **found.agreed, **found.to_app}
    uploaded = {"practices": _dump(ours),
                "questions": {k: v.model_dump(mode="json", exclude_defaults=True) for k, v in file.questions.items()}}
    save_sync_state(db, workload=workload, uploaded=uploaded, base=_dump(next_base))
    return [conflict_line(c) for c in found.conflicts]
