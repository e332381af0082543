"""The answers a stored review was evaluated with, read back from its results.

A stored review keeps its results, not the answers file it was evaluated with: each check
a person answered, a practice status that the answered checks alone would not give,
notes, reasons, questions marked not applicable and accepted risks are read back from
them, and evaluating those again gives the same review. Used for reviews uploaded without
mllens.yaml's own answers (web.sync keeps those when an upload carries them).
"""

from __future__ import annotations

from mllens.answers.model import AnswersFile, PracticeAnswer, QuestionAnswer
from mllens.lens.model import Lens, Risk
from mllens.review.model import CheckState, PracticeResult, PracticeStatus, Review, Source
from mllens.review.risk import question_risk

_ANSWERED = (Source.ANSWERS, Source.BOTH)


def _from_checks(states: list[CheckState]) -> PracticeStatus:
    """The practice status its check states give (the engine's rule, kept here so the web
    app reads results back without reaching into the engine's private helpers)."""
    applicable = [s for s in states if s is not CheckState.NOT_APPLICABLE]
    if not states:
        return PracticeStatus.UNKNOWN
    if not applicable:
        return PracticeStatus.NOT_APPLICABLE
    if CheckState.NOT_MET in applicable:
        return PracticeStatus.PARTIAL if CheckState.MET in applicable else PracticeStatus.MISSING
    return PracticeStatus.IMPLEMENTED if all(s is CheckState.MET for s in applicable) else PracticeStatus.UNKNOWN


def _practice_answer(result: PracticeResult) -> PracticeAnswer | None:
    checks = {c.id: c.answer_state.value for c in result.checks if c.answer_state is not None}
    status = None
    if result.source in _ANSWERED and result.status is not _from_checks([c.state for c in result.checks]):
        status = result.status.value
    if status is None and not checks and result.notes is None and result.na_reason is None:
        return None
    return PracticeAnswer.model_validate(
        {"status": status, "checks": checks, "notes": result.notes, "reason": result.na_reason}
    )


def uploaded_answers(review: Review, *, lens: Lens) -> AnswersFile:
    """The answers the stored review was evaluated with (see the module's docstring)."""
    answers = {p.id: a for p in review.practices if (a := _practice_answer(p)) is not None}
    statuses = {p.id: p.status for p in review.practices}
    questions: dict[str, QuestionAnswer] = {}
    for q in review.questions:
        marked_na = q.risk is Risk.NOT_APPLICABLE and (
            question_risk(lens.question(q.id), statuses).risk is not Risk.NOT_APPLICABLE
        )
        if marked_na or q.notes is not None:
            questions[q.id] = QuestionAnswer(applicable=not marked_na, notes=q.notes)
    return AnswersFile(
        workload=review.workload, lens=review.lens_id, answers=answers, questions=questions,
        accepted_risks=review.accepted_risks,
    )
