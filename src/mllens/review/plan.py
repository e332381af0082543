"""The improvement plan: which practices to put in place, most useful first.

One step per practice that is missing, partial or unknown in a question whose risk is
HIGH, MEDIUM or UNANSWERED. Order (deterministic):

1. steps whose risk the team has accepted (and not let expire) go last: they are decided;
2. the question's risk now, HIGH before MEDIUM before UNANSWERED;
3. how far putting this practice alone in place lowers the question's risk: first the
   risk it surely leaves (other practices still unknown counted as missing), then the risk
   it may leave (unknowns counted as in place), lowest first. So a practice that closes a
   question outranks one that only helps, and a sure MEDIUM outranks a maybe-NONE-maybe-
   HIGH (shown as `risk_after` UNANSWERED);
4. the practice's own risk if missing (high before medium), then its id.
"""

from __future__ import annotations

from mllens.lens.model import STACKS, Lens, Practice, Risk
from mllens.review.model import PlanStep, PracticeResult, PracticeStatus, Review
from mllens.review.risk import question_risk, risk_bounds

_PLANNED_RISKS = (Risk.HIGH, Risk.MEDIUM, Risk.UNANSWERED)
_TO_DO = (PracticeStatus.MISSING, PracticeStatus.PARTIAL, PracticeStatus.UNKNOWN)
_IF_MISSING_ORDER = {"high": 0, "medium": 1, None: 2}


def _stacks(practice: Practice) -> dict[str, list[str]]:
    notes: dict[str, list[str]] = {}
    for step in practice.improvement:
        for stack in STACKS:
            note = getattr(step.stacks, stack)
            if note:
                notes.setdefault(stack, []).append(note)
    return notes


def accepted_active(result: PracticeResult) -> bool:
    """The team accepted this practice's risk and the acceptance has not expired."""
    return result.accepted is not None and not result.accepted_expired


def build_plan(lens: Lens, review: Review) -> list[PlanStep]:
    """The ordered improvement plan of a review (the lens supplies the steps' text)."""
    statuses = {p.id: p.status for p in review.practices}
    results = {p.id: p for p in review.practices}
    unranked: list[tuple[tuple[int, int, int, int, int, str], PlanStep]] = []
    for q in review.questions:
        if q.risk not in _PLANNED_RISKS:
            continue
        question = lens.question(q.id)
        for practice in question.choices:
            result = results[practice.id]
            if result.status not in _TO_DO:
                continue
            if_done = {**statuses, practice.id: PracticeStatus.IMPLEMENTED}
            after = question_risk(question, if_done).risk
            best, worst = risk_bounds(question, if_done)
            accepted = accepted_active(result)
            step = PlanStep(
                rank=0,
                practice=practice.id,
                question=q.id,
                pillar=q.pillar,
                phase=q.phase,
                title=practice.title,
                risk_now=q.risk,
                risk_after=after,
                status=result.status,
                accepted=accepted,
            )
            key = (
                int(accepted),
                -q.risk.rank,
                worst.rank,
                best.rank,
                _IF_MISSING_ORDER[practice.risk_if_missing],
                practice.id,
            )
            unranked.append((key, step))
    unranked.sort(key=lambda item: item[0])
    return [
        _with_guidance(step.model_copy(update={"rank": rank}), lens)
        for rank, (_, step) in enumerate(unranked, start=1)
    ]


def _with_guidance(step: PlanStep, lens: Lens) -> PlanStep:
    try:
        practice = lens.practice(step.practice)
    except KeyError:  # a stored review of a practice this lens no longer has
        return step
    return step.model_copy(update={"steps": [s.text for s in practice.improvement], "stacks": _stacks(practice)})


def attach_guidance(review: Review, lens: Lens) -> Review:
    """Fill each plan step's how-to text from the lens.

    The text belongs to the lens, not to the review: stored reviews keep only ids and
    states (see `mllens.review.serialise`), and get their guidance back from the lens when loaded."""
    return review.model_copy(update={"plan": [_with_guidance(step, lens) for step in review.plan]})

