"""The review the app shows: the latest scan's evidence evaluated again with the answers
as the app holds them, risks recomputed by the review engine.

The answers are the uploaded mllens.yaml's (web.sync keeps them as uploaded; a review
uploaded without them has them read back from its results, web.readback), with the app's
own over them practice by practice: an answer given in the app replaces the file's answer
to that practice (the form starts from the answer shown), and a risk accepted or
withdrawn in the app replaces the file's acceptance. Accepted risks are judged against
today, so an acceptance that ran out shows as lapsed and no longer counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from mllens.answers.model import AnswersFile
from mllens.answers.sync import SyncAnswer, sync_answers, with_sync_answers
from mllens.errors import LensError
from mllens.lens.load import load_shipped_lens
from mllens.review.evaluate import evaluate
from mllens.review.model import Review
from mllens.store import Store, latest_review
from mllens.store.records import AnswerInfo
from mllens.store.sessions import answers_of
from mllens.store.sync import AcceptanceInfo, acceptances_of
from mllens.web.readback import uploaded_answers
from mllens.web.sync import app_answer, uploaded_file

__all__ = ["current_review", "merged_answers", "uploaded_answers", "with_answers"]


def merged_answers(
    uploaded: AnswersFile, app: Mapping[str, AnswerInfo], accepted: Mapping[str, AcceptanceInfo] | None = None
) -> AnswersFile:
    """`uploaded` with the app's answers and acceptances over it (module docstring)."""
    accepted = accepted or {}
    file = sync_answers(uploaded)
    given: dict[str, SyncAnswer] = {
        p: app_answer(file.get(p), app.get(p), accepted.get(p)) for p in {*app, *accepted}
    }
    return with_sync_answers(uploaded, given)


def with_answers(
    review: Review,
    app: Mapping[str, AnswerInfo],
    *,
    accepted: Mapping[str, AcceptanceInfo] | None = None,
    uploaded: AnswersFile | None = None,
    today: dt.date | None = None,
    always: bool = False,
    plan: bool = True,
) -> Review:
    """`review` evaluated again with the app's answers over `uploaded` (by default the
    answers read back from `review`); itself when the app has none and nothing else asks
    for it (`always`: an uploaded review carries no check detail, which evaluating gives
    back; an uploaded file's answers: their acceptances are judged against today);
    `plan=False`: no improvement plan, for pages that show none."""
    if not app and not accepted and not always and uploaded is None:
        return review
    try:
        lens = load_shipped_lens(review.lens_id)
    except (LensError, FileNotFoundError):  # an imported lens: its review stays as uploaded
        return review
    base = uploaded if uploaded is not None else uploaded_answers(review, lens=lens)
    merged = merged_answers(base, app, accepted)
    return evaluate(lens, review.evidence, merged, today=today, now=review.generated_at, plan=plan)


def current_review(store: Store, *, workload: str, detail: bool = False, plan: bool = True) -> Review | None:
    """The workload's latest review with the app's answers, or None before its first scan;
    `detail`: with every check's state (evaluated again even without answers); `plan=False`:
    the plan may be left empty (pages and summaries that show none)."""
    review = latest_review(store, workload=workload)
    if review is None:
        return None
    app, accepted = answers_of(store, workload=workload), acceptances_of(store, workload=workload)
    if not app and not accepted and not detail:
        return review  # as uploaded: evaluating it again would give the same risks
    try:
        lens = load_shipped_lens(review.lens_id)
    except (LensError, FileNotFoundError):  # an imported lens: its review stays as uploaded
        return review
    uploaded, _base = uploaded_file(store, workload=workload, review=review, lens=lens)
    return with_answers(review, app, accepted=accepted, uploaded=uploaded, always=True, plan=plan)
