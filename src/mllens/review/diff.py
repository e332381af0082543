"""Compare two reviews: what got better and what got worse between A (before) and B (after).

Used for milestones (`mllens diff v1 v2`, `mllens diff v1 current`) and by the web app.

How a change is judged, worst to best:

- a question's risk, by `Risk.rank`: HIGH, MEDIUM, UNANSWERED, NONE, NOT_APPLICABLE
  (the lower the rank after, the better);
- a practice's status: missing, partial, unknown, implemented = not_applicable.
  Unknown sits above partial for the same reason UNANSWERED sits above MEDIUM: nothing
  shows a gap yet. Implemented and not applicable both leave nothing to do, so a move
  between them is a change that is neither better nor worse, reported as "unchanged"
  (by order) rather than hidden.

Practices are matched by id, and a practice renumbered between lens versions is matched
through its 2023 id. Practices and questions found on one side only (a lens version
added or dropped them) are listed apart and judged neither way.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from mllens.lens.model import Risk
from mllens.review.model import PracticeResult, PracticeStatus, Review, RiskCounts

Order = Literal["improved", "worsened"]

STATUS_RANK: dict[PracticeStatus, int] = {
    PracticeStatus.MISSING: 0,
    PracticeStatus.PARTIAL: 1,
    PracticeStatus.UNKNOWN: 2,
    PracticeStatus.IMPLEMENTED: 3,
    PracticeStatus.NOT_APPLICABLE: 3,
}


class Change(StrEnum):
    IMPROVED = "improved"
    WORSENED = "worsened"
    UNCHANGED = "unchanged"  # the value changed, but neither is better by the order above


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Side(_Model):
    label: str | None = None  # what the caller calls it: a milestone name, "current"
    workload: str
    lens_id: str
    lens_version: str
    generated_at: dt.datetime


class PracticeChange(_Model):
    id: str
    question: str
    pillar: str
    title: str
    risk_if_missing: str | None
    before: PracticeStatus
    after: PracticeStatus
    change: Change
    before_id: str | None = None  # its id in A, when the lens renumbered it


class QuestionChange(_Model):
    id: str
    pillar: str
    phase: str | None
    title: str
    before: Risk
    after: Risk
    change: Change


class OneSided(_Model):
    """A practice (with its status) or question (with its risk) only one side has."""

    id: str
    title: str
    value: str


class ReviewDiff(_Model):
    before: Side
    after: Side
    order: Order
    lens_changed: bool
    practices: list[PracticeChange]  # only those whose status changed
    questions: list[QuestionChange]  # only those whose risk changed
    practices_only_before: list[OneSided] = []
    practices_only_after: list[OneSided] = []
    questions_only_before: list[OneSided] = []
    questions_only_after: list[OneSided] = []
    risk_counts_before: RiskCounts
    risk_counts_after: RiskCounts
    risk_counts_delta: dict[str, int]  # after minus before, per risk

    def count(self, change: Change, *, of: Literal["practices", "questions"]) -> int:
        items: list[PracticeChange] | list[QuestionChange] = getattr(self, of)
        return sum(1 for item in items if item.change == change)

    @property
    def unchanged(self) -> bool:
        """Nothing moved: no status, no risk, nothing added or dropped."""
        return not (
            self.practices
            or self.questions
            or self.practices_only_before
            or self.practices_only_after
            or self.questions_only_before
            or self.questions_only_after
        )


def judge_status(before: PracticeStatus, after: PracticeStatus) -> Change:
    step = STATUS_RANK[after] - STATUS_RANK[before]
    return Change.IMPROVED if step > 0 else Change.WORSENED if step < 0 else Change.UNCHANGED


def judge_risk(before: Risk, after: Risk) -> Change:
    step = before.rank - after.rank  # a lower rank is a lower risk
    return Change.IMPROVED if step > 0 else Change.WORSENED if step < 0 else Change.UNCHANGED


def _group(change: Change, order: Order) -> int:
    first = Change.IMPROVED if order == "improved" else Change.WORSENED
    return 0 if change == first else 2 if change == Change.UNCHANGED else 1


def _pair_practices(
    a: Review, b: Review
) -> tuple[list[tuple[PracticeResult, PracticeResult]], list[PracticeResult], list[PracticeResult]]:
    """Matched (before, after) pairs, then those only in A, then those only in B."""
    after_by_id = {p.id: p for p in b.practices}
    pairs: list[tuple[PracticeResult, PracticeResult]] = []
    only_a: list[PracticeResult] = []
    for p in a.practices:
        match = after_by_id.pop(p.id, None)
        if match is None:
            keys = {k for k in (p.id, p.id_2023) if k}
            match = next(
                (q for q in after_by_id.values() if q.id_2023 in keys or q.id == p.id_2023), None
            )
            if match is not None:
                del after_by_id[match.id]
        if match is None:
            only_a.append(p)
        else:
            pairs.append((p, match))
    return pairs, only_a, list(after_by_id.values())


def diff(
    a: Review,
    b: Review,
    *,
    order: Order = "improved",
    labels: tuple[str, str] | None = None,
) -> ReviewDiff:
    """What changed from `a` (before) to `b` (after); `order` picks which group comes first
    (the changes neither better nor worse come last). `labels` name the two sides.

    Within a group, bigger moves come first, then (practices) high-risk ones, then by id."""
    pairs, only_a, only_b = _pair_practices(a, b)
    practices = [
        PracticeChange(
            id=after.id,
            question=after.question,
            pillar=after.pillar,
            title=after.title,
            risk_if_missing=after.risk_if_missing,
            before=before.status,
            after=after.status,
            change=judge_status(before.status, after.status),
            before_id=None if before.id == after.id else before.id,
        )
        for before, after in pairs
        if before.status != after.status
    ]
    practices.sort(
        key=lambda c: (
            _group(c.change, order),
            -abs(STATUS_RANK[c.after] - STATUS_RANK[c.before]),
            c.risk_if_missing != "high",
            c.id,
        )
    )
    b_questions = {q.id: q for q in b.questions}
    a_ids = {q.id for q in a.questions}
    questions = [
        QuestionChange(
            id=q.id,
            pillar=q.pillar,
            phase=q.phase,
            title=q.title,
            before=q.risk,
            after=b_questions[q.id].risk,
            change=judge_risk(q.risk, b_questions[q.id].risk),
        )
        for q in a.questions
        if q.id in b_questions and q.risk != b_questions[q.id].risk
    ]
    questions.sort(
        key=lambda c: (
            _group(c.change, order),
            -abs(c.before.rank - c.after.rank),
            -max(c.before.rank, c.after.rank),
            c.id,
        )
    )
    before_counts, after_counts = a.summary.risk_counts, b.summary.risk_counts
    return ReviewDiff(
        before=_side(a, labels[0] if labels else None),
        after=_side(b, labels[1] if labels else None),
        order=order,
        lens_changed=(a.lens_id, a.lens_version) != (b.lens_id, b.lens_version),
        practices=practices,
        questions=questions,
        practices_only_before=[OneSided(id=p.id, title=p.title, value=p.status) for p in only_a],
        practices_only_after=[OneSided(id=p.id, title=p.title, value=p.status) for p in only_b],
        questions_only_before=[
            OneSided(id=q.id, title=q.title, value=q.risk) for q in a.questions if q.id not in b_questions
        ],
        questions_only_after=[
            OneSided(id=q.id, title=q.title, value=q.risk) for q in b.questions if q.id not in a_ids
        ],
        risk_counts_before=before_counts,
        risk_counts_after=after_counts,
        risk_counts_delta={
            risk: getattr(after_counts, risk) - getattr(before_counts, risk)
            for risk in RiskCounts.model_fields
        },
    )


def _side(review: Review, label: str | None) -> Side:
    return Side(
        label=label,
        workload=review.workload.name,
        lens_id=review.lens_id,
        lens_version=review.lens_version,
        generated_at=review.generated_at,
    )
