"""The review the app shows: the latest scan's evidence merged with the answers, the app's
answers over the uploaded mllens.yaml answers (as the CLI merges mllens.yaml), risks
recomputed by the review engine.

A stored review keeps its results, not the answers file it was evaluated with, so the
uploaded answers are read back from the results (`uploaded_answers`): each check a person
answered, a practice status that the answered checks alone would not give, notes, reasons,
questions marked not applicable and accepted risks. Evaluating those again gives the same
review; the app's answers then replace status and notes practice by practice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from mllens.answers.model import AnswersFile, PracticeAnswer, QuestionAnswer
from mllens.errors import LensError
from mllens.lens.load import load_shipped_lens
from mllens.lens.model import Lens, Risk
from mllens.review.evaluate import evaluate
from mllens.review.model import CheckState, PracticeResult, PracticeStatus, Review, Source
from mllens.review.risk import question_risk
from mllens.store import Store, latest_review
from mllens.store.records import AnswerInfo
from mllens.store.sessions import answers_of

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


def merged_answers(uploaded: AnswersFile, app: Mapping[str, AnswerInfo]) -> AnswersFile:
    """`uploaded` with the app's answers over it: a status, notes or a check's state given
    in the app wins."""
    answers = dict(uploaded.answers)
    for practice, given in app.items():
        before = answers.get(practice, PracticeAnswer())
        status = given.status or before.status
        answers[practice] = PracticeAnswer.model_validate({
            "status": status,
            "checks": {**before.checks, **given.checks},
            "notes": given.notes if given.notes is not None else before.notes,
            "reason": before.reason if status == "not_applicable" else None,
        })
    return uploaded.model_copy(update={"answers": answers})


def with_answers(
    review: Review, app: Mapping[str, AnswerInfo], *, today: dt.date | None = None, always: bool = False
) -> Review:
    """`review` evaluated again with the app's answers (itself when there are none, unless
    `always`: an uploaded review carries no check detail, which evaluating gives back)."""
    if not app and not always:
        return review
    try:
        lens = load_shipped_lens(review.lens_id)
    except (LensError, FileNotFoundError):  # an imported lens: its review stays as uploaded
        return review
    merged = merged_answers(uploaded_answers(review, lens=lens), app)
    return evaluate(lens, review.evidence, merged, today=today, now=review.generated_at)


def current_review(store: Store, *, workload: str, detail: bool = False) -> Review | None:
    """The workload's latest review with the app's answers, or None before its first scan;
    `detail`: with every check's state (evaluated again even without answers)."""
    review = latest_review(store, workload=workload)
    if review is None:
        return None
    return with_answers(review, answers_of(store, workload=workload), always=detail)
