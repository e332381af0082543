"""review.evaluate: check states, practice statuses, question risks, roll-ups, accepted risks."""

from __future__ import annotations

import datetime as dt

from mllens.answers.model import (
    AcceptedRisk,
    AnswersFile,
    PracticeAnswer,
    QuestionAnswer,
    Workload,
)
from mllens.lens import Lens, Risk
from mllens.review import CheckState, PracticeStatus, Source, evaluate


def answers(**kwargs: object) -> AnswersFile:
    return AnswersFile(workload=Workload(name="demo"), **kwargs)  # type: ignore[arg-type]


def status(practice: str, value: str, **extra: object) -> dict[str, PracticeAnswer]:
    return {practice: PracticeAnswer(status=value, **extra)}  # type: ignore[arg-type]


# --- checks -----------------------------------------------------------------------------


def test_contradicting_evidence_wins_over_supporting(mini: Lens, ev) -> None:
    review = evaluate(
        mini,
        [ev("SEC1-A", "encrypted", "supports"), ev("SEC1-A", "encrypted", "contradicts", line=9)],
    )
    check = review.practice("SEC1-A").checks[0]
    assert check.id == "encrypted"
    assert check.state is CheckState.NOT_MET
    assert check.evidence_state is CheckState.NOT_MET
    assert check.source is Source.EVIDENCE
    assert [e.line for e in check.evidence] == [1, 9]


def test_info_evidence_changes_nothing_and_no_evidence_is_unknown(mini: Lens, ev) -> None:
    review = evaluate(mini, [ev("SEC1-A", "encrypted", "info")])
    encrypted, rotation, _ = review.practice("SEC1-A").checks
    assert encrypted.state is CheckState.UNKNOWN
    assert encrypted.source is Source.NONE
    assert len(encrypted.evidence) == 1  # kept for the report, without effect
    assert rotation.state is CheckState.UNKNOWN
    assert rotation.evidence == []


def test_evidence_about_unknown_practice_or_check_is_kept_but_ignored(mini: Lens, ev) -> None:
    stray = [ev("SEC9-Z", "encrypted", "contradicts"), ev("SEC1-A", "no_such_check", "contradicts")]
    review = evaluate(mini, stray)
    assert review.evidence == stray
    assert review.practice("SEC1-A").status is PracticeStatus.UNKNOWN
    assert all(c.evidence == [] for c in review.practice("SEC1-A").checks)


def test_evidence_naming_a_2023_id_lands_on_the_current_practice(shipped: Lens, ev) -> None:
    review = evaluate(shipped, [ev("MLSEC-04", "private_networking", "contradicts")])
    check = next(c for c in review.practice("MLSEC03-BP02").checks if c.id == "private_networking")
    assert check.state is CheckState.NOT_MET


def test_answer_overrides_evidence_and_both_states_are_kept(mini: Lens, ev) -> None:
    review = evaluate(
        mini,
        [ev("SEC1-A", "encrypted", "contradicts")],
        answers(answers={"SEC1-A": PracticeAnswer(checks={"encrypted": "met"})}),
    )
    practice = review.practice("SEC1-A")
    check = practice.checks[0]
    assert (check.state, check.evidence_state, check.answer_state) == (
        CheckState.MET,
        CheckState.NOT_MET,
        CheckState.MET,
    )
    assert check.source is Source.BOTH
    assert check.disagrees
    assert [c.id for c in practice.disagreements] == ["encrypted"]


def test_an_answer_of_unknown_does_not_override_evidence(mini: Lens, ev) -> None:
    review = evaluate(
        mini,
        [ev("SEC1-A", "encrypted", "contradicts")],
        answers(answers={"SEC1-A": PracticeAnswer(checks={"encrypted": "unknown"})}),
    )
    check = review.practice("SEC1-A").checks[0]
    assert check.state is CheckState.NOT_MET
    assert check.answer_state is CheckState.UNKNOWN
    assert check.source is Source.EVIDENCE
    assert not check.disagrees


# --- practice status --------------------------------------------------------------------


def test_all_applicable_checks_met_is_implemented(mini: Lens, ev) -> None:
    review = evaluate(
        mini,
        [ev("SEC1-A", "encrypted", "supports"), ev("SEC1-A", "key_rotation", "supports")],
        answers(answers={"SEC1-A": PracticeAnswer(checks={"reviewed": "not_applicable"})}),
    )
    practice = review.practice("SEC1-A")
    assert practice.status is PracticeStatus.IMPLEMENTED
    assert practice.source is Source.BOTH
    # From the files alone the manual check is unknown, so the files cannot tell.
    assert practice.evidence_status is PracticeStatus.UNKNOWN


def test_some_met_some_not_is_partial_and_none_met_is_missing(mini: Lens, ev) -> None:
    partial = evaluate(
        mini, [ev("SEC1-A", "encrypted", "supports"), ev("SEC1-A", "key_rotation", "contradicts")]
    )
    assert partial.practice("SEC1-A").status is PracticeStatus.PARTIAL
    missing = evaluate(mini, [ev("SEC1-A", "key_rotation", "contradicts")])
    assert missing.practice("SEC1-A").status is PracticeStatus.MISSING
    assert missing.practice("SEC1-A").source is Source.EVIDENCE


def test_support_that_leaves_other_checks_unknown_is_not_implemented(mini: Lens, ev) -> None:
    review = evaluate(mini, [ev("SEC1-A", "encrypted", "supports")])
    assert review.practice("SEC1-A").status is PracticeStatus.UNKNOWN
    assert review.practice("SEC1-A").source is Source.EVIDENCE


def test_every_check_not_applicable_is_not_applicable(mini: Lens) -> None:
    review = evaluate(
        mini, [], answers(answers={"SEC1-B": PracticeAnswer(checks={"logs": "not_applicable"})})
    )
    assert review.practice("SEC1-B").status is PracticeStatus.NOT_APPLICABLE
    assert review.practice("SEC1-B").source is Source.ANSWERS


def test_practice_without_checks_stays_unknown_until_answered(mini: Lens) -> None:
    review = evaluate(mini, [])
    assert review.practice("SEC1-C").status is PracticeStatus.UNKNOWN
    assert review.practice("SEC1-C").source is Source.NONE


def test_a_person_status_overrides_everything(mini: Lens, ev) -> None:
    review = evaluate(
        mini,
        [ev("SEC1-A", "encrypted", "contradicts")],
        answers(
            answers={
                "SEC1-A": PracticeAnswer(status="implemented", notes="KMS everywhere"),
                "SEC1-C": PracticeAnswer(status="not_applicable", reason="out_of_scope"),
            }
        ),
    )
    a, c = review.practice("SEC1-A"), review.practice("SEC1-C")
    assert (a.status, a.source, a.evidence_status) == (
        PracticeStatus.IMPLEMENTED,
        Source.BOTH,
        PracticeStatus.MISSING,
    )
    assert a.notes == "KMS everywhere"
    assert (c.status, c.source, c.na_reason) == (
        PracticeStatus.NOT_APPLICABLE,
        Source.ANSWERS,
        "out_of_scope",
    )


def test_answers_keyed_by_2023_ids_apply(shipped: Lens) -> None:
    review = evaluate(shipped, [], answers(answers=status("MLSEC-04", "partial")))
    assert review.practice("MLSEC03-BP02").status is PracticeStatus.PARTIAL


# --- question risk ----------------------------------------------------------------------


def risk_of(lens: Lens, question: str, statuses: dict[str, str], **kw: object) -> Risk:
    answered = {pid: PracticeAnswer(status=s) for pid, s in statuses.items()}  # type: ignore[arg-type]
    return evaluate(lens, [], answers(answers=answered, **kw)).question(question).risk


def test_all_practices_unknown_is_unanswered(mini: Lens) -> None:
    assert risk_of(mini, "SEC1", {}) is Risk.UNANSWERED


def test_unknowns_that_could_go_either_way_leave_the_question_unanswered(mini: Lens) -> None:
    # A in place, B and C unknown: NONE if they turn out in place, MEDIUM if not.
    assert risk_of(mini, "SEC1", {"SEC1-A": "implemented"}) is Risk.UNANSWERED


def test_unknowns_that_cannot_change_the_risk_do_not_block_it(mini: Lens) -> None:
    # A missing: HIGH whatever B and C turn out to be.
    assert risk_of(mini, "SEC1", {"SEC1-A": "missing"}) is Risk.HIGH
    # A and B in place, C missing: MEDIUM.
    assert (
        risk_of(mini, "SEC1", {"SEC1-A": "implemented", "SEC1-B": "implemented", "SEC1-C": "missing"})
        is Risk.MEDIUM
    )


def test_everything_known_missing_gives_the_maximum_risk_through_the_none_choice(mini: Lens) -> None:
    every = {"SEC1-A": "missing", "SEC1-B": "partial", "SEC1-C": "missing"}
    review = evaluate(mini, [], answers(answers={k: PracticeAnswer(status=v) for k, v in every.items()}))  # type: ignore[arg-type]
    q = review.question("SEC1")
    assert q.risk is Risk.HIGH
    assert q.missing == ["SEC1-A", "SEC1-B", "SEC1-C"]
    assert q.selected == []


def test_without_a_none_choice_missing_falls_to_the_default_rule(mini: Lens) -> None:
    assert risk_of(mini, "SEC2", {"SEC2-A": "missing"}) is Risk.MEDIUM
    assert risk_of(mini, "SEC2", {"SEC2-A": "implemented"}) is Risk.NONE


def test_all_implemented_is_no_risk_with_selected_practices(mini: Lens) -> None:
    review = evaluate(
        mini,
        [],
        answers(answers={p: PracticeAnswer(status="implemented") for p in ("REL2-A", "REL2-B")}),
    )
    q = review.question("REL2")
    assert (q.risk, q.selected, q.strict_risk) == (Risk.NONE, ["REL2-A", "REL2-B"], None)


def test_not_applicable_practices_are_neutral_and_strict_risk_shows_the_difference(mini: Lens) -> None:
    review = evaluate(
        mini,
        [],
        answers(
            answers={
                "SEC1-A": PracticeAnswer(status="implemented"),
                "SEC1-B": PracticeAnswer(status="not_applicable"),
                "SEC1-C": PracticeAnswer(status="not_applicable"),
            }
        ),
    )
    q = review.question("SEC1")
    assert q.risk is Risk.NONE
    assert q.strict_risk is Risk.MEDIUM
    assert q.not_applicable == ["SEC1-B", "SEC1-C"]
    assert q.rule_ambiguous is False


def test_a_rule_reduced_to_nothing_is_flagged_ambiguous(mini: Lens) -> None:
    review = evaluate(mini, [], answers(answers=status("SEC2-A", "not_applicable")))
    q = review.question("SEC2")
    assert (q.risk, q.strict_risk, q.rule_ambiguous) == (Risk.NONE, Risk.MEDIUM, True)


def test_a_question_marked_not_applicable_is_not_applicable(mini: Lens) -> None:
    risk = risk_of(
        mini,
        "REL2",
        {"REL2-A": "missing"},
        questions={"rel2": QuestionAnswer(applicable=False, reason="architecture_constraints")},
    )
    assert risk is Risk.NOT_APPLICABLE


def test_shipped_lens_evidence_and_answers_together(shipped: Lens, ev) -> None:
    serving = shipped.practice("MLOPS05-BP01")
    # The files show every automated check of MLOPS05-BP01; a person vouches for the rest.
    found = [ev(serving.id, c.id, "supports") for c in serving.checks if c.kind == "automated"]
    manual = {c.id: "met" for c in serving.checks if c.kind == "manual"}
    others = ("MLSEC03-BP01", "MLSEC03-BP03", "MLSEC03-BP04", "MLSEC03-BP05")
    review = evaluate(
        shipped,
        [*found, ev("MLSEC03-BP02", "no_secrets_in_code", "contradicts", file="train.py", line=3)],
        answers(
            answers={
                serving.id: PracticeAnswer(checks=manual),  # type: ignore[arg-type]
                **{pid: PracticeAnswer(status="implemented") for pid in others},
            }
        ),
    )
    assert review.practice("MLOPS05-BP01").status is PracticeStatus.IMPLEMENTED
    assert review.question("MLOPS05").risk is Risk.NONE
    assert review.question("MLOPS05").selected == ["MLOPS05-BP01"]
    sec = review.question("MLSEC03")
    assert sec.risk is Risk.HIGH
    assert sec.missing == ["MLSEC03-BP02"]
    assert review.practice("MLSEC03-BP02").status is PracticeStatus.MISSING


# --- roll-ups and accepted risks --------------------------------------------------------


def test_counts_cover_every_pillar_and_phase_with_zeros(mini: Lens) -> None:
    review = evaluate(
        mini,
        [],
        answers(
            answers={
                "SEC1-A": PracticeAnswer(status="missing"),
                "SEC2-A": PracticeAnswer(status="implemented"),
            }
        ),
    )
    s = review.summary
    assert s.risk_counts.model_dump() == {
        "HIGH": 1, "MEDIUM": 0, "NONE": 1, "UNANSWERED": 1, "NOT_APPLICABLE": 0
    }
    assert list(s.by_pillar) == ["security", "reliability"]
    assert s.by_pillar["security"].model_dump() == {
        "HIGH": 1, "MEDIUM": 0, "NONE": 1, "UNANSWERED": 0, "NOT_APPLICABLE": 0
    }
    assert s.by_pillar["reliability"].UNANSWERED == 1
    assert list(s.by_phase) == ["business_goal", "deployment"]
    assert (s.by_phase["business_goal"].HIGH, s.by_phase["deployment"].NONE) == (1, 1)


def test_shipped_lens_counts_have_all_six_pillars_and_phases(shipped: Lens) -> None:
    review = evaluate(shipped, [])
    assert list(review.summary.by_pillar) == [
        "operational_excellence",
        "security",
        "reliability",
        "performance_efficiency",
        "cost_optimization",
        "sustainability",
    ]
    assert review.summary.by_pillar["reliability"].UNANSWERED == 5
    assert review.summary.by_phase["business_goal"].UNANSWERED == 5
    assert review.summary.risk_counts.UNANSWERED == 35


def test_accepted_risks_attach_to_the_practice_and_expire(mini: Lens) -> None:
    accepted = [
        AcceptedRisk(practice="SEC-A", reason="legacy", owner="ana", expires=dt.date(2027, 3, 31)),
        AcceptedRisk(practice="REL2-B", reason="soon", owner="bo", expires=dt.date(2026, 1, 1)),
    ]
    review = evaluate(
        mini, [], answers(accepted_risks=accepted), today=dt.date(2026, 6, 1)
    )
    a, b = review.practice("SEC1-A"), review.practice("REL2-B")
    assert a.accepted is not None and a.accepted.owner == "ana"
    assert a.accepted_expired is False
    assert b.accepted is not None and b.accepted_expired is True
    assert review.practice("SEC1-B").accepted is None
    assert review.accepted_risks == accepted
    # Accepting a risk does not change the risk the lens gives.
    assert review.question("SEC1").risk is Risk.UNANSWERED


def test_review_carries_workload_lens_and_time(mini: Lens) -> None:
    now = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
    review = evaluate(mini, [], answers(), now=now)
    assert (review.lens_id, review.lens_version, review.workload.name) == ("mini", "0.1", "demo")
    assert review.generated_at == now
    assert [q.id for q in review.questions] == ["SEC1", "SEC2", "REL2"]
    assert evaluate(mini, []).workload.name == "workload"
