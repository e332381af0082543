"""One truth between `mllens.yaml` and the web app: answers compared practice by practice.

A practice's answer, as both sides hold it, is a `SyncAnswer`: status, check states,
notes, the not-applicable reason and the accepted risk (owner, expiry, reason). Three
views of it meet: `base`, the last answer both sides agreed on (the server keeps it per
workload); the file's; and the app's. `reconcile` says, practice by practice, which side
changed since the base: the change of one side goes to the other, equal answers agree,
and two different changes are a conflict that neither side overwrites.

A question's own answer (not applicable with a reason, notes: `questions:` in the file)
travels the same way, keyed by the question's id (MLPERF05; practice ids have a dash):
not applicable is status not_applicable.

`write_answer` puts one practice's or question's answer into a round-trip `mllens.yaml`
tree (answers, accepted_risks, questions), keeping comments, key order and the file's ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from mllens.answers.io import AnswersDocument, set_practice_answer
from mllens.answers.model import (
    AcceptedRisk,
    AnswersFile,
    AnswerStatus,
    CheckAnswer,
    NAReason,
    PracticeAnswer,
    QuestionAnswer,
)
from mllens.lens.model import Lens


class Acceptance(BaseModel):
    """An accepted risk without its practice (the key it is filed under)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    owner: str = Field(min_length=1, max_length=200)
    expires: dt.date
    reason: str = Field(min_length=1, max_length=10_000)


class SyncAnswer(BaseModel):
    """Everything a person says about one practice, on either side."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: AnswerStatus | None = None
    checks: dict[str, CheckAnswer] = {}
    notes: str | None = None
    reason: NAReason | None = None
    accepted: Acceptance | None = None

    def practice_answer(self) -> PracticeAnswer:
        return PracticeAnswer(status=self.status, checks=dict(self.checks), notes=self.notes,
                              reason=self.reason if self.status == "not_applicable" else None)

    def empty(self) -> bool:
        return self == SyncAnswer()

    def question_answer(self) -> QuestionAnswer:
        """As a question's answer: not applicable (with its reason) or applicable, and notes."""
        applicable = self.status != "not_applicable"
        return QuestionAnswer(applicable=applicable, reason=None if applicable else self.reason, notes=self.notes)


def is_question(key: str) -> bool:
    """A question id (MLPERF05), not a practice id (MLPERF05-BP01, or MLOE-01 in 2023 numbering)."""
    return "-" not in key


def _from_question(answer: QuestionAnswer) -> SyncAnswer:
    if answer.applicable:
        return SyncAnswer(notes=answer.notes)
    return SyncAnswer(status="not_applicable", reason=answer.reason, notes=answer.notes)


SyncAnswers = Mapping[str, SyncAnswer]


def _resolve(lens: Lens | None, practice: str) -> str:
    return (lens.resolve(practice) if lens is not None else None) or practice


def sync_answers(answers: AnswersFile, *, lens: Lens | None = None) -> dict[str, SyncAnswer]:
    """The practices and questions an answers file says something about, by current id; an
    accepted risk joins its practice's answer (the longest-running one if several)."""
    out: dict[str, SyncAnswer] = {}
    for key, question in answers.questions.items():
        qid = lens.question(key).id if lens is not None and lens.has_question(key) else key
        out[qid] = _from_question(question)
    for key, answer in answers.answers.items():
        out[_resolve(lens, key)] = SyncAnswer(
            status=answer.status, checks=answer.checks, notes=answer.notes, reason=answer.reason
        )
    for risk in answers.accepted_risks:
        practice = _resolve(lens, risk.practice)
        before = out.get(practice, SyncAnswer())
        if before.accepted is None or risk.expires > before.accepted.expires:
            accepted = Acceptance(owner=risk.owner, expires=risk.expires, reason=risk.reason)
            out[practice] = before.model_copy(update={"accepted": accepted})
    return {pid: a for pid, a in out.items() if not a.empty()}


def with_sync_answers(answers: AnswersFile, given: SyncAnswers) -> AnswersFile:
    """`answers` with the practices and questions of `given` replaced (answer and accepted risk)."""
    questions = {qid: q for qid, q in answers.questions.items() if qid not in given}
    for qid, answer in given.items():
        if is_question(qid) and not answer.empty():
            questions[qid] = answer.question_answer()
    kept = {pid: a for pid, a in answers.answers.items() if pid not in given}
    risks = [r for r in answers.accepted_risks if r.practice not in given]
    for pid, answer in ((p, a) for p, a in given.items() if not is_question(p)):
        if answer.practice_answer() != PracticeAnswer():
            kept[pid] = answer.practice_answer()
        if answer.accepted is not None:
            risks.append(AcceptedRisk(practice=pid, **answer.accepted.model_dump()))
    return answers.model_copy(update={"answers": kept, "accepted_risks": risks, "questions": questions})


@dataclass(frozen=True)
class Conflict:
    """A practice changed on both sides since the last sync, differently."""

    practice: str
    file: SyncAnswer | None
    app: SyncAnswer | None


@dataclass
class Reconciled:
    """What to do with each practice: `to_file` the app's changes the file lacks,
    `to_app` the file's changes the app lacks, `agreed` what both sides now say (the next
    base), `conflicts` the rest. A value None means "no answer"."""

    to_file: dict[str, SyncAnswer | None] = field(default_factory=dict)
    to_app: dict[str, SyncAnswer | None] = field(default_factory=dict)
    agreed: dict[str, SyncAnswer | None] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)


def _get(answers: SyncAnswers, practice: str) -> SyncAnswer | None:
    found = answers.get(practice)
    return None if found is None or found.empty() else found


def reconcile(*, base: SyncAnswers, file: SyncAnswers, app: SyncAnswers) -> Reconciled:
    """The three-way comparison of the module's docstring, practice by practice."""
    out = Reconciled()
    for practice in sorted({*base, *file, *app}):
        was, ours, theirs = _get(base, practice), _get(file, practice), _get(app, practice)
        if ours == theirs:
            out.agreed[practice] = ours
        elif ours == was:
            out.to_file[practice] = theirs
        elif theirs == was:
            out.to_app[practice] = ours
        else:
            out.conflicts.append(Conflict(practice=practice, file=ours, app=theirs))
    return out


def describe(answer: SyncAnswer | None) -> str:
    """An answer in a few words: `missing, notes 'keys next quarter', accepted by ana until 2027-03-31`."""
    if answer is None or answer.empty():
        return "no answer"
    parts: list[str] = [answer.status or "no status"]
    if answer.reason:
        parts.append(f"reason {answer.reason}")
    if answer.checks:
        parts.append("checks " + ", ".join(f"{c} {s}" for c, s in sorted(answer.checks.items())))
    if answer.notes:
        parts.append(f"notes {answer.notes!r}")
    if answer.accepted:
        parts.append(f"risk accepted by {answer.accepted.owner} until {answer.accepted.expires}: "
                     f"{answer.accepted.reason!r}")
    return ", ".join(parts)


def _risk_entries(doc: AnswersDocument) -> CommentedSeq | None:
    found = doc.data.get("accepted_risks")
    return found if isinstance(found, CommentedSeq) else None


def _set_acceptance(doc: AnswersDocument, practice: str, accepted: Acceptance | None) -> None:
    entries = _risk_entries(doc)
    mine = [i for i, e in enumerate(entries or []) if isinstance(e, CommentedMap)
            and _resolve(doc.lens, str(e.get("practice", ""))) == practice]
    if accepted is None:
        for index in reversed(mine):
            assert entries is not None
            del entries[index]
        return
    values = {"owner": accepted.owner, "expires": accepted.expires, "reason": accepted.reason}
    if mine:
        assert entries is not None
        for index in reversed(mine[1:]):  # one acceptance per practice, the app's
            del entries[index]
        entry = entries[mine[0]]
        for key, value in values.items():
            entry[key] = value
        return
    if entries is None:
        entries = doc.data["accepted_risks"] = CommentedSeq()
    entries.append(CommentedMap([("practice", doc.keys.get(practice, practice)), *values.items()]))


def _write_question(doc: AnswersDocument, question: str, answer: SyncAnswer) -> None:
    section = doc.data.get("questions")
    key = next((k for k in (section or {}) if doc.lens is not None and doc.lens.has_question(str(k))
                and doc.lens.question(str(k)).id == question), question)
    if answer.empty():
        if isinstance(section, CommentedMap):
            section.pop(key, None)
        return
    if not isinstance(section, CommentedMap):
        section = doc.data["questions"] = CommentedMap()
    values = answer.question_answer().model_dump(exclude_defaults=True)
    entry = section.get(key)
    if not isinstance(entry, CommentedMap):
        entry = section[key] = CommentedMap()
    for field_name in ("applicable", "reason", "notes"):
        if field_name in values:
            entry[field_name] = values[field_name]
        else:
            entry.pop(field_name, None)


def write_answer(doc: AnswersDocument, practice: str, answer: SyncAnswer | None) -> None:
    """Set (None: remove) one practice's answer and accepted risk, or a question's answer,
    in the tree, in place."""
    value = answer or SyncAnswer()
    if is_question(practice):
        _write_question(doc, practice, value)
        doc.revalidate()
        return
    set_practice_answer(doc, practice, value.practice_answer())
    _set_acceptance(doc, practice, value.accepted)
    doc.revalidate()


__all__ = [
    "Acceptance",
    "Conflict",
    "Reconciled",
    "SyncAnswer",
    "describe",
    "is_question",
    "reconcile",
    "sync_answers",
    "with_sync_answers",
    "write_answer",
]
