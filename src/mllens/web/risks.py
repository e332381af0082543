"""Accepted risks and questions' own answers in the app (the review page's view of the
sync is web.review_sync).

An editor marks a question not applicable to the workload, with a reason, or applicable
again, with notes (saved as a question's answer, as mllens.yaml's `questions:` holds it).

An editor accepts the risk of a question's missing or partial practices (one, or all of
them) with an owner, an expiry date and a reason, or withdraws an acceptance; each change
is audit-logged. Acceptances count as the CLI's do (report.base.question_acceptances):
the question keeps its risk, said accepted until the date; once the date has passed the
acceptance shows as lapsed and the question counts as open again.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from mllens.review.model import Review
from mllens.store.records import SessionInfo
from mllens.store.sessions import set_answer
from mllens.store.sync import describe_acceptance, set_acceptance
from mllens.web.auth import page_session
from mllens.web.current import current_review
from mllens.web.pages import PageError, _editor, _saved
from mllens.web.review_sync import REASONS

router = APIRouter(include_in_schema=False)
Session = Annotated[SessionInfo, Depends(page_session)]


def _expiry(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise PageError(422, f"Expected the acceptance's end as a date (YYYY-MM-DD), got {text!r}.") from None
    if day < dt.date.today():
        raise PageError(422, f"An acceptance runs until a day to come; {day.isoformat()} has passed.")
    return day


def _targets(review: Review, *, practice: str, question: str) -> list[str]:
    """The practices an accept form names: one practice of the review, or with `*` every
    missing or partial practice of `question`."""
    if practice == "*":
        found = next((q for q in review.questions if q.id == question), None)
        if found is None or not found.missing:
            raise PageError(422, f"Question {question} has no missing or partial practice to accept.")
        return list(found.missing)
    if practice not in {p.id for p in review.practices}:
        raise PageError(422, f"Practice {practice} is not part of this workload's review.")
    return [practice]


@router.post("/workloads/{name}/risks")
def accept_risk(
    request: Request,
    name: str,
    session: Session,
    practice: Annotated[str, Form(max_length=32)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    question: Annotated[str, Form(max_length=16)] = "",
    owner: Annotated[str, Form(max_length=200)] = "",
    expires: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=10_000)] = "",
    withdraw: Annotated[str, Form(max_length=1)] = "",
    by: Annotated[str, Form(max_length=10)] = "pillar",
) -> Response:
    """Accept (owner, expires, reason) or withdraw (`withdraw=1`) the risk of a practice,
    or of every missing or partial practice of `question` (`practice=*`)."""
    store = _editor(request, session, name, csrf,
                    refused="Viewers read reviews; accepting a risk needs an editor or an admin.")
    review = current_review(store, workload=name)
    if review is None:
        raise PageError(422, "This workload has no review yet.")
    targets = _targets(review, practice=practice, question=question)
    shown = {p.id: p.accepted for p in review.practices}
    if withdraw:
        chosen: tuple[str | None, dt.date | None, str | None] = (None, None, None)
    else:
        if not owner.strip() or not reason.strip():
            raise PageError(422, "Accepting a risk needs an owner and a reason.")
        chosen = (owner.strip(), _expiry(expires), reason.strip())
    for pid in targets:
        before = shown.get(pid)
        was = describe_acceptance(before.owner, before.expires, before.reason) if before else None
        set_acceptance(store, user=session.user, workload=name, practice=pid, owner=chosen[0], expires=chosen[1],
                       reason=chosen[2], before=was)
    return _saved(request, name, by=by, anchor=targets[0])


@router.post("/workloads/{name}/questions")
def answer_question(
    request: Request,
    name: str,
    session: Session,
    question: Annotated[str, Form(max_length=16)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    applicable: Annotated[str, Form(max_length=3)] = "yes",
    reason: Annotated[str, Form(max_length=32)] = "",
    notes: Annotated[str, Form(max_length=10_000)] = "",
    by: Annotated[str, Form(max_length=10)] = "pillar",
) -> Response:
    """A question's own answer: applicable (`yes`) or not (`no`, with a reason), and notes."""
    store = _editor(request, session, name, csrf,
                    refused="Viewers read reviews; answering needs an editor or an admin.")
    review = current_review(store, workload=name)
    if review is None or question not in {q.id for q in review.questions}:
        raise PageError(422, f"Question {question} is not part of this workload's review.")
    if applicable not in ("yes", "no"):
        raise PageError(422, f"Expected applicable yes or no, got {applicable}.")
    if reason and reason not in REASONS:
        raise PageError(422, f"Expected a reason of {', '.join(REASONS)}, got {reason}.")
    set_answer(store, user=session.user, workload=name, practice=question,
               status="not_applicable" if applicable == "no" else None, notes=notes.strip() or None,
               reason=reason or None)
    return _saved(request, name, by=by, anchor=f"q-{question}")
