"""What the review page shows of the sync with mllens.yaml beside each practice and
question: the app's answer (the forms start from it), a conflict with the file, the
question's acceptance and the practices an editor may accept the risk of."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import get_args

from mllens.answers.model import NAReason
from mllens.answers.sync import SyncAnswer
from mllens.lens.load import load_shipped_lens
from mllens.report.base import QuestionAcceptance, question_acceptances
from mllens.review.model import Review
from mllens.store import Store
from mllens.web.sync import ConflictLine, sync_view

REASONS: tuple[str, ...] = get_args(NAReason)


@dataclass
class SyncContext:
    """What the review page shows beside each practice and question (templates
    _practice_answer and _accept_risk)."""

    shown: dict[str, SyncAnswer] = field(default_factory=dict)  # the app's answer, for the forms
    conflicts: dict[str, ConflictLine] = field(default_factory=dict)
    acceptances: dict[str, QuestionAcceptance] = field(default_factory=dict)  # by question
    risky: dict[str, list[str]] = field(default_factory=dict)  # question -> missing or partial practices
    reasons: tuple[str, ...] = REASONS
    today: str = ""


def sync_context(store: Store, *, workload: str, review: Review | None) -> SyncContext:
    today = dt.date.today().isoformat()
    if review is None:
        return SyncContext(today=today)
    view = sync_view(store, workload=workload, review=review, lens=load_shipped_lens(review.lens_id))
    return SyncContext(
        shown=view.app, conflicts={c.practice: c for c in view.conflicts},
        acceptances=question_acceptances(review),
        risky={q.id: list(q.missing) for q in review.questions if q.missing}, today=today,
    )
