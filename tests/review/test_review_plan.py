"""The improvement plan: which practices, in which order, with which steps."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from mllens.answers.model import AcceptedRisk, AnswersFile, PracticeAnswer, Workload
from mllens.lens import Lens, Risk
from mllens.review import PracticeStatus, Review, evaluate
from mllens.review.plan import answer_command
from mllens.workflow import review_project


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
    assert [(s.rank, s.kind, s.practice, s.risk_now, s.risk_after) for s in review.plan] == [
        # Gaps the team reported, HIGH questions first; REL2-A alone closes REL2, SEC1-A
        # alone brings SEC1 to MEDIUM, SEC1-B alone does not lower it.
        (1, "practice", "REL2-A", Risk.HIGH, Risk.NONE),
        (2, "practice", "SEC1-A", Risk.HIGH, Risk.MEDIUM),
        (3, "practice", "SEC1-B", Risk.HIGH, Risk.HIGH),
        (4, "practice", "SEC2-A", Risk.MEDIUM, Risk.NONE),
        # Then what nobody answered, one item per worst-case risk: SEC1-C may keep SEC1 HIGH.
        (5, "answer", "", Risk.HIGH, Risk.UNANSWERED),
    ]
    assert review.plan[2].status is PracticeStatus.PARTIAL
    assert (review.plan[4].questions, review.plan[4].practices) == (["SEC1"], ["SEC1-C"])
    assert review.plan[4].command == "mllens review . --question SEC1"


def test_practice_risk_breaks_ties_before_the_id(mini: Lens) -> None:
    # SEC1-A alone surely brings SEC1 to MEDIUM at worst (NONE if B and C turn out in
    # place: shown as UNANSWERED). Nothing else alone lowers a HIGH question; there the
    # high-risk REL2 practices come before SEC1's medium-risk ones, then ids decide.
    review = evaluate(mini, [], answered({"REL2-A": "missing", "REL2-B": "missing", "SEC1-A": "missing"}))
    assert [(s.practice, s.risk_after) for s in review.plan[:3]] == [
        ("SEC1-A", Risk.UNANSWERED),
        ("REL2-A", Risk.HIGH),
        ("REL2-B", Risk.HIGH),
    ]
    # Unknown practices are asked, grouped: SEC1's may leave it HIGH, SEC2's MEDIUM.
    assert [(s.kind, s.risk_now, s.questions, s.practices) for s in review.plan[3:]] == [
        ("answer", Risk.HIGH, ["SEC1"], ["SEC1-B", "SEC1-C"]),
        ("answer", Risk.MEDIUM, ["SEC2"], ["SEC2-A"]),
    ]


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
    # Only SEC1 is left, and nothing in it is answered: one item asks its three practices.
    assert [(s.kind, s.questions, s.practices) for s in review.plan] == [
        ("answer", ["SEC1"], ["SEC1-A", "SEC1-B", "SEC1-C"])
    ]


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
    assert step.advice is not None and step.advice.text == "Turn on encryption with a managed key"
    assert step.advice.stacks == {"aws": "Use a KMS key", "open_source": "Use Vault transit"}
    review = evaluate(mini, [], answered({**STATUSES, "SEC1-C": "missing"}))
    no_steps = next(s for s in review.plan if s.practice == "SEC1-C")
    assert (no_steps.steps, no_steps.stacks) == ([], {})
    assert no_steps.advice is not None and no_steps.advice.text == "Put practice SEC1-C in place: Review access."


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
        ("SEC2-A", False),
        ("", False),  # SEC1-C, asked
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
    # Gaps the files prove first, each with its check and evidence: SEC1-A surely lowers
    # SEC1 to MEDIUM; REL2-A may close REL2 (if REL2-B is in place); SEC1-B alone does not.
    assert [(s.kind, s.practice, s.checks, s.risk_after) for s in first.plan[:3]] == [
        ("fix", "SEC1-A", ["encrypted"], Risk.MEDIUM),
        ("fix", "REL2-A", ["pipeline"], Risk.UNANSWERED),
        ("fix", "SEC1-B", ["logs"], Risk.HIGH),
    ]
    assert [e.model_dump() for e in first.plan[0].evidence] == [
        {"rule": "test.rule", "file": "infra/main.tf", "line": 1, "message": "encrypted contradicts"}
    ]
    assert [(s.kind, s.questions) for s in first.plan[3:]] == [("answer", ["REL2", "SEC1"]), ("answer", ["SEC2"])]


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
    # Then two items, not one step per unknown practice: questions that may be HIGH, then MEDIUM.
    assert [(s.kind, s.risk_now) for s in review.plan[3:]] == [("answer", Risk.HIGH), ("answer", Risk.MEDIUM)]
    assert "MLSEC03" in review.plan[3].questions and "MLSUS02" in review.plan[4].questions


@pytest.fixture(scope="module")
def example_review() -> Review:
    root = Path(__file__).parents[2] / "examples" / "fraud-detection"
    review, _ = review_project(root, use_cache=False, today=dt.date(2026, 6, 1))
    return review


def test_on_the_example_the_first_five_items_are_gaps_the_files_prove(example_review: Review) -> None:
    first = example_review.plan[:5]
    for step in first:
        assert step.kind == "fix" and step.evidence and len(step.checks) == 1, step.rank
        result = example_review.practice(step.practice)
        check = next(c for c in result.checks if c.id == step.checks[0])
        proof = [(e.rule, e.file, e.line, e.message) for e in check.evidence if e.outcome == "contradicts"]
        assert [(e.rule, e.file, e.line, e.message) for e in step.evidence] == proof
        assert step.advice is not None and step.advice.source == "rule" and step.advice.snippet
        assert step.advice.rule == step.evidence[0].rule
    # The IAM wildcard the issue found at step 13 is among the HIGH gaps the files prove, with its place
    # in the files (the endpoint's missing alarms, scaling and monitoring are HIGH gaps proven too).
    iam = next(s for s in example_review.plan if s.checks == ["least_privilege_iam"])
    assert [(e.file, e.line) for e in iam.evidence] == [("infra/iam.tf", 26)]
    before = example_review.plan[: example_review.plan.index(iam)]
    assert all(s.kind == "fix" and s.evidence and s.risk_now == Risk.HIGH for s in before)
    # By risk: every item the files prove under a HIGH question comes before the others.
    proven = [s for s in example_review.plan if s.kind == "fix" and s.evidence and not s.accepted]
    assert [s.risk_now for s in proven] == sorted((s.risk_now for s in proven), key=lambda r: -r.rank)


def test_on_the_example_unanswered_questions_are_asked_in_two_items(example_review: Review) -> None:
    asks = [s for s in example_review.plan if s.kind == "answer"]
    assert [s.risk_now for s in asks] == [Risk.HIGH, Risk.MEDIUM]
    assert all(s.command == answer_command(s.questions) for s in asks)
    high_ask = example_review.plan.index(asks[0])
    # Every gap the files prove (and the team did not accept) comes before the first question to answer.
    assert all(not s.evidence for s in example_review.plan[high_ask:] if not s.accepted)
    assert len(example_review.plan) < 20  # not one step per unknown practice


def test_an_evaluation_without_the_plan_differs_from_one_with_it_only_by_the_plan(
    example_review: Review, shipped: Lens
) -> None:
    answers = answered({"MLOPS04-BP01": "implemented", "MLSEC03-BP01": "missing"})
    now = example_review.generated_at
    full = evaluate(shipped, example_review.evidence, answers, today=dt.date(2026, 6, 1), now=now)
    bare = evaluate(shipped, example_review.evidence, answers, today=dt.date(2026, 6, 1), now=now, plan=False)
    assert full.plan and bare.plan == []
    assert bare.model_copy(update={"plan": full.plan}) == full
