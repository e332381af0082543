"""The improvement plan: which practices, in which order, with which steps."""

from __future__ import annotations

import datetime as dt
import random

from mllens.answers.model import AcceptedRisk, AnswersFile, PracticeAnswer, Workload
from mllens.lens import Lens, Risk
from mllens.review import PracticeStatus, evaluate


def answered(statuses: dict[str, str], **kw: object) -> AnswersFile:
    return AnswersFile(
        workload=Workload(name="demo"),
        answers={pid: PracticeAnswer(status=s) for pid, s in statuses.items()},  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


# SEC1 HIGH (A, B missing; C unknown), SEC2 MEDIUM (A missing), REL2 HIGH (A missing, B in place)
STATUSES = {
    "SEC1-A": "missing",
    "SEC1-B": "partial",
    "SEC2-A": "missing",
    "REL2-A": "missing",
    "REL2-B": "implemented",
}


def test_plan_order_risk_then_reduction_then_practice_risk_then_id(mini: Lens) -> None:
    review = evaluate(mini, [], answered(STATUSES))
    assert [(s.rank, s.practice, s.risk_now, s.risk_after) for s in review.plan] == [
        # HIGH questions first; REL2-A alone closes REL2, SEC1-A alone brings SEC1 to MEDIUM.
        (1, "REL2-A", Risk.HIGH, Risk.NONE),
        (2, "SEC1-A", Risk.HIGH, Risk.MEDIUM),
        # Neither B nor C alone lowers SEC1; both are medium-risk practices: by id.
        (3, "SEC1-B", Risk.HIGH, Risk.HIGH),
        (4, "SEC1-C", Risk.HIGH, Risk.HIGH),
        (5, "SEC2-A", Risk.MEDIUM, Risk.NONE),
    ]
    assert [s.status for s in review.plan[2:4]] == [PracticeStatus.PARTIAL, PracticeStatus.UNKNOWN]


def test_practice_risk_breaks_ties_before_the_id(mini: Lens) -> None:
    # SEC1-A alone surely brings SEC1 to MEDIUM at worst (NONE if B and C turn out in
    # place: shown as UNANSWERED). Nothing else alone lowers a HIGH question; there the
    # high-risk REL2 practices come before SEC1's medium-risk ones, then ids decide.
    review = evaluate(mini, [], answered({"REL2-A": "missing", "REL2-B": "missing", "SEC1-A": "missing"}))
    assert [(s.practice, s.risk_after) for s in review.plan] == [
        ("SEC1-A", Risk.UNANSWERED),
        ("REL2-A", Risk.HIGH),
        ("REL2-B", Risk.HIGH),
        ("SEC1-B", Risk.HIGH),
        ("SEC1-C", Risk.HIGH),
        ("SEC2-A", Risk.NONE),  # SEC2 is UNANSWERED: after the HIGH questions
    ]
    assert review.plan[-1].risk_now is Risk.UNANSWERED


def test_no_steps_for_questions_without_risk_or_not_applicable(mini: Lens) -> None:
    review = evaluate(
        mini,
        [],
        answered(
            {"SEC2-A": "implemented", "REL2-A": "missing"},
            questions={"REL2": {"applicable": False}},
        ),
    )
    assert review.question("SEC2").risk is Risk.NONE
    assert review.question("REL2").risk is Risk.NOT_APPLICABLE
    assert [s.practice for s in review.plan] == ["SEC1-A", "SEC1-B", "SEC1-C"]
    assert all(s.risk_now is Risk.UNANSWERED for s in review.plan)


def test_steps_carry_improvement_text_and_stack_notes_in_order(mini: Lens) -> None:
    review = evaluate(mini, [], answered(STATUSES))
    step = next(s for s in review.plan if s.practice == "SEC1-A")
    assert step.title == "Encrypt data"
    assert (step.question, step.pillar, step.phase) == ("SEC1", "security", "business_goal")
    assert step.steps == ["Turn on encryption with a managed key", "Rotate keys every year"]
    assert step.stacks == {
        "aws": ["Use a KMS key", "Enable key rotation"],
        "open_source": ["Use Vault transit"],
    }
    no_steps = next(s for s in review.plan if s.practice == "SEC1-C")
    assert (no_steps.steps, no_steps.stacks) == ([], {})


def test_accepted_risks_go_last_unless_expired(mini: Lens) -> None:
    accepted = [
        AcceptedRisk(practice="REL2-A", reason="rollout tool next quarter", owner="ana",
                     expires=dt.date(2027, 1, 1)),
        AcceptedRisk(practice="SEC1-B", reason="old", owner="bo", expires=dt.date(2025, 1, 1)),
    ]
    review = evaluate(mini, [], answered(STATUSES, accepted_risks=accepted), today=dt.date(2026, 6, 1))
    assert [(s.practice, s.accepted) for s in review.plan] == [
        ("SEC1-A", False),
        ("SEC1-B", False),  # its acceptance expired: planned as usual
        ("SEC1-C", False),
        ("SEC2-A", False),
        ("REL2-A", True),
    ]
    assert [s.rank for s in review.plan] == [1, 2, 3, 4, 5]


def test_plan_is_deterministic_whatever_the_evidence_order(mini: Lens, ev) -> None:
    evidence = [
        ev("SEC1-A", "encrypted", "contradicts"),
        ev("SEC1-A", "key_rotation", "supports"),
        ev("SEC1-B", "logs", "contradicts"),
        ev("REL2-A", "pipeline", "contradicts"),
    ]
    first = evaluate(mini, evidence, answered({}))
    shuffled = list(evidence)
    random.Random(7).shuffle(shuffled)
    second = evaluate(mini, shuffled, answered({}))
    assert [s.model_dump() for s in first.plan] == [s.model_dump() for s in second.plan]
    # SEC1-A surely lowers SEC1 to MEDIUM; REL2-A may close REL2 (if REL2-B is in place).
    assert [(s.practice, s.risk_after) for s in first.plan] == [
        ("SEC1-A", Risk.MEDIUM),
        ("REL2-A", Risk.UNANSWERED),
        ("REL2-B", Risk.HIGH),
        ("SEC1-B", Risk.HIGH),
        ("SEC1-C", Risk.HIGH),
        ("SEC2-A", Risk.NONE),
    ]


def test_shipped_lens_plan_puts_high_questions_first(shipped: Lens) -> None:
    review = evaluate(
        shipped,
        [],
        answered({"MLOPS04-BP01": "missing", "MLOPS04-BP02": "missing", "MLPERF03-BP01": "missing"}),
    )
    assert [(s.practice, s.risk_now, s.risk_after) for s in review.plan[:3]] == [
        ("MLOPS04-BP01", Risk.HIGH, Risk.MEDIUM),  # BP01 alone satisfies the MEDIUM rule
        ("MLOPS04-BP02", Risk.HIGH, Risk.HIGH),
        ("MLPERF03-BP01", Risk.MEDIUM, Risk.NONE),
    ]
    assert review.plan[3].risk_now is Risk.UNANSWERED
