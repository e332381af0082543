"""The improvement plan, in the order a team works it.

Items come from questions whose risk is HIGH, MEDIUM or UNANSWERED, in tiers:

1. gaps the files prove: one item per check not met that deciding, contradicting evidence
   shows, with that evidence and the rule's fix (`kind` "fix");
2. gaps the team reported: checks answered not met, and practices answered missing or
   partial as a whole (`kind` "fix" or "practice");
3. questions still unanswered whose worst case is HIGH, as one item "answer these N
   questions" with the command that asks them; then those whose worst case is MEDIUM
   (`kind` "answer");
4. items whose risk the team has accepted (and not let expire): they are decided.

Within a tier (deterministic): the question's risk now, HIGH before MEDIUM before
UNANSWERED; then how far putting the practice alone in place lowers it, first the risk it
surely leaves (unknowns counted as missing), then the risk it may leave (unknowns counted
as in place), lowest first; then the practice's own risk if missing; then ids.
"""

from __future__ import annotations

import shlex

from mllens.lens.model import STACKS, Lens, Practice, Question, Risk
from mllens.review.advice import advise, as_found
from mllens.review.model import CheckState, PlanStep, PracticeResult, PracticeStatus, QuestionResult, Review
from mllens.review.risk import question_risk, risk_bounds

_PLANNED_RISKS = (Risk.HIGH, Risk.MEDIUM, Risk.UNANSWERED)
_TO_DO = (PracticeStatus.MISSING, PracticeStatus.PARTIAL, PracticeStatus.UNKNOWN)
_IF_MISSING_ORDER = {"high": 0, "medium": 1, None: 2}
_PROVEN, _REPORTED, _ASK_HIGH, _ASK_MEDIUM, _ACCEPTED = range(5)
_ASK_TIER = {Risk.HIGH: _ASK_HIGH, Risk.MEDIUM: _ASK_MEDIUM}

Key = tuple[int, int, int, int, int, str, int]


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


def answer_command(questions: list[str], *, path: str = ".") -> str:
    """The command that asks a team the practices of `questions` still unanswered."""
    return " ".join(["mllens review", shlex.quote(path), *(f"--question {q}" for q in questions)])


def _practice_items(
    question: Question,
    q: QuestionResult,
    practice: Practice,
    result: PracticeResult,
    statuses: dict[str, PracticeStatus],
) -> list[tuple[Key, PlanStep]]:
    """The plan items of one practice still to do: one per failing check, else one for the
    practice (missing or partial; unknown ones only when accepted, the rest are asked)."""
    if_done = {**statuses, practice.id: PracticeStatus.IMPLEMENTED}
    best, worst = risk_bounds(question, if_done)
    accepted = accepted_active(result)
    base = PlanStep(
        rank=0,
        practice=practice.id,
        question=q.id,
        pillar=q.pillar,
        phase=q.phase,
        title=practice.title,
        risk_now=q.risk,
        risk_after=question_risk(question, if_done).risk,
        status=result.status,
        accepted=accepted,
    )
    order = (-q.risk.rank, worst.rank, best.rank, _IF_MISSING_ORDER[practice.risk_if_missing], practice.id)
    items: list[tuple[Key, PlanStep]] = []
    for i, check in enumerate(c for c in result.checks if c.state is CheckState.NOT_MET):
        proof = [as_found(e) for e in check.evidence if e.outcome == "contradicts" and e.decides]
        tier = _ACCEPTED if accepted else _PROVEN if proof else _REPORTED
        item = base.model_copy(update={"kind": "fix", "checks": [check.id], "evidence": proof})
        items.append(((tier, *order, i), item))
    if items:
        return items
    if result.status is PracticeStatus.UNKNOWN and not accepted:
        return []
    return [((_ACCEPTED if accepted else _REPORTED, *order, 0), base)]


def _ask_items(lens: Lens, review: Review, statuses: dict[str, PracticeStatus]) -> list[tuple[Key, PlanStep]]:
    """One item per worst-case risk (HIGH, MEDIUM): the questions with practices nobody
    has answered or the files have not shown, whose risk those could raise to it."""
    groups: dict[Risk, list[tuple[QuestionResult, list[str]]]] = {}
    for q in review.questions:
        if q.risk not in _PLANNED_RISKS:
            continue
        unknown = [
            p for p in q.unknown if not accepted_active(review.practice(p))
        ]
        if not unknown:
            continue
        _, worst = risk_bounds(lens.question(q.id), statuses)
        if worst in _ASK_TIER:
            groups.setdefault(worst, []).append((q, unknown))
    items: list[tuple[Key, PlanStep]] = []
    for level, found in groups.items():
        found.sort(key=lambda pair: (-pair[0].risk.rank, pair[0].id))
        ids = [q.id for q, _ in found]
        asked = f"question {ids[0]}" if len(ids) == 1 else f"these {len(ids)} questions"
        listed = f": {', '.join(ids)}" if len(ids) > 1 else ""
        item = PlanStep(
            rank=0,
            practice="",
            question="",
            pillar="",
            phase=None,
            title=f"Answer {asked}, which may carry {level.value} risk{listed}",
            risk_now=level,
            risk_after=Risk.UNANSWERED,
            status=PracticeStatus.UNKNOWN,
            kind="answer",
            questions=ids,
            practices=[p for _, unknown in found for p in unknown],
            command=answer_command(ids),
        )
        items.append(((_ASK_TIER[level], 0, 0, 0, 0, "", 0), item))
    return items


def build_plan(lens: Lens, review: Review) -> list[PlanStep]:
    """The ordered improvement plan of a review (the lens supplies the steps' text)."""
    statuses = {p.id: p.status for p in review.practices}
    results = {p.id: p for p in review.practices}
    unranked: list[tuple[Key, PlanStep]] = []
    for q in review.questions:
        if q.risk not in _PLANNED_RISKS:
            continue
        question = lens.question(q.id)
        for practice in question.choices:
            result = results[practice.id]
            if result.status in _TO_DO:
                unranked += _practice_items(question, q, practice, result, statuses)
    unranked += _ask_items(lens, review, statuses)
    unranked.sort(key=lambda item: item[0])
    return [
        _with_guidance(step.model_copy(update={"rank": rank}), lens)
        for rank, (_, step) in enumerate(unranked, start=1)
    ]


def _with_guidance(step: PlanStep, lens: Lens) -> PlanStep:
    if step.kind == "answer":
        return step
    try:
        practice = lens.practice(step.practice)
    except KeyError:  # a stored review of a practice this lens no longer has
        return step
    check = step.checks[0] if step.checks else None
    if check is not None and practice.check(check) is None:
        check = None  # a check this lens no longer has: the practice's step
    advice = advise(lens, practice.id, check=check, evidence=step.evidence[0] if step.evidence else None)
    return step.model_copy(
        update={"steps": [s.text for s in practice.improvement], "stacks": _stacks(practice), "advice": advice}
    )


def attach_guidance(review: Review, lens: Lens) -> Review:
    """Fill each plan step's how-to text and advice from the lens (and the rules' fixes).

    The text belongs to the lens, not to the review: stored reviews keep only ids and
    states (see `mllens.review.serialise`), and get their guidance back from the lens when loaded."""
    return review.model_copy(update={"plan": [_with_guidance(step, lens) for step in review.plan]})
