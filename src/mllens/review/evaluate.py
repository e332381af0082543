"""Answers + evidence -> Review: check states, practice statuses, question risks, roll-ups.

The engine knows nothing of files: it reads Evidence records and the team's answers and
decides, in this order,

1. each (practice, check): only evidence from the project's own files and tests decides
   (vendored code, test data, generated files and examples stay in Review.evidence with
   their `file_class`, and decide nothing); contradicting evidence wins over supporting
   evidence, `info` changes nothing, no evidence leaves it unknown; a person's answer overrides the files
   (an answer of `unknown` overrides nothing) and both states are kept for the reports;
2. each practice: a person's `status` wins; otherwise its checks decide (see
   `_status_from_checks`);
3. each question: its risk rules over its practices (mllens.review.risk);
4. counts per pillar and phase, accepted risks, and the improvement plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from mllens.answers.model import AcceptedRisk, AnswersFile, PracticeAnswer, Workload
from mllens.lens.model import Lens, Practice
from mllens.review.model import (
    CheckResult,
    CheckState,
    PracticeResult,
    PracticeStatus,
    QuestionResult,
    Review,
    RiskCounts,
    Source,
    Summary,
)
from mllens.review.plan import build_plan
from mllens.review.risk import question_risk
from mllens.scan.evidence import Evidence

_KNOWN = (CheckState.MET, CheckState.NOT_MET)


def _index_evidence(lens: Lens, evidence: Iterable[Evidence]) -> dict[tuple[str, str], list[Evidence]]:
    """Evidence that decides, by (current practice id, check id); evidence about a practice
    or check the lens does not have, or from files not the project's own, is left out here
    (it stays in Review.evidence)."""
    index: dict[tuple[str, str], list[Evidence]] = {}
    for item in evidence:
        if not item.decides:
            continue
        practice_id = lens.resolve(item.practice)
        if practice_id is None or lens.practice(practice_id).check(item.check) is None:
            continue
        index.setdefault((practice_id, item.check), []).append(item)
    return index


def _evidence_state(items: Sequence[Evidence]) -> CheckState:
    outcomes = {item.outcome for item in items}
    if "contradicts" in outcomes:
        return CheckState.NOT_MET
    if "supports" in outcomes:
        return CheckState.MET
    return CheckState.UNKNOWN


def _source(*, evidence: bool, answers: bool) -> Source:
    if evidence and answers:
        return Source.BOTH
    if evidence:
        return Source.EVIDENCE
    return Source.ANSWERS if answers else Source.NONE


def _status_from_checks(states: Sequence[CheckState]) -> PracticeStatus:
    """All applicable checks met -> implemented; any not met -> partial (some met) or
    missing; every check not applicable -> not applicable; anything else (including a
    practice without checks) -> unknown."""
    if not states:
        return PracticeStatus.UNKNOWN
    applicable = [s for s in states if s is not CheckState.NOT_APPLICABLE]
    if not applicable:
        return PracticeStatus.NOT_APPLICABLE
    if CheckState.NOT_MET in applicable:
        return PracticeStatus.PARTIAL if CheckState.MET in applicable else PracticeStatus.MISSING
    if all(s is CheckState.MET for s in applicable):
        return PracticeStatus.IMPLEMENTED
    return PracticeStatus.UNKNOWN


def _check_results(
    practice: Practice, index: dict[tuple[str, str], list[Evidence]], answer: PracticeAnswer | None
) -> list[CheckResult]:
    results = []
    for check in practice.checks:
        items = index.get((practice.id, check.id), [])
        from_files = _evidence_state(items)
        said = answer.checks.get(check.id) if answer is not None else None
        answer_state = CheckState(said) if said is not None else None
        answered = answer_state is not None and answer_state is not CheckState.UNKNOWN
        state = answer_state if answer_state is not None and answered else from_files
        results.append(
            CheckResult(
                id=check.id,
                kind=check.kind,
                text=check.text,
                state=state,
                source=_source(evidence=from_files in _KNOWN, answers=answered),
                evidence_state=from_files,
                answer_state=answer_state,
                evidence=items,
            )
        )
    return results


def _practice_result(
    practice: Practice,
    index: dict[tuple[str, str], list[Evidence]],
    answer: PracticeAnswer | None,
    accepted: AcceptedRisk | None,
    today: dt.date,
) -> PracticeResult:
    checks = _check_results(practice, index, answer)
    evidence_status = _status_from_checks([c.evidence_state for c in checks])
    has_evidence = any(c.evidence_state in _KNOWN for c in checks)
    if answer is not None and answer.status is not None:
        status = PracticeStatus(answer.status)
        source = _source(evidence=has_evidence, answers=True)
    else:
        status = _status_from_checks([c.state for c in checks])
        answered_checks = any(c.source in (Source.ANSWERS, Source.BOTH) for c in checks)
        source = _source(evidence=has_evidence, answers=answered_checks)
    return PracticeResult(
        id=practice.id,
        id_2023=practice.id_2023,
        question=practice.question,
        pillar=practice.pillar,
        phase=practice.phase,
        title=practice.title,
        risk_if_missing=practice.risk_if_missing,
        status=status,
        source=source,
        evidence_status=evidence_status,
        checks=checks,
        notes=answer.notes if answer is not None else None,
        na_reason=answer.reason if answer is not None else None,
        accepted=accepted,
        accepted_expired=accepted is not None and accepted.expires < today,
    )


def _answers_by_practice(lens: Lens, answers: AnswersFile) -> dict[str, PracticeAnswer]:
    """Answers keyed by current practice id. Keys the lens does not know are skipped (the
    answers loader reports them); a key in the current numbering wins over a 2023 alias."""
    out: dict[str, PracticeAnswer] = {}
    for key, answer in answers.answers.items():
        practice_id = lens.resolve(key)
        if practice_id is not None and (practice_id not in out or key == practice_id):
            out[practice_id] = answer
    return out


def _accepted_by_practice(lens: Lens, accepted: Iterable[AcceptedRisk]) -> dict[str, AcceptedRisk]:
    """One acceptance per practice: the one that runs longest."""
    out: dict[str, AcceptedRisk] = {}
    for item in accepted:
        practice_id = lens.resolve(item.practice)
        if practice_id is not None and (
            practice_id not in out or item.expires > out[practice_id].expires
        ):
            out[practice_id] = item
    return out


def _summary(lens: Lens, questions: Sequence[QuestionResult]) -> Summary:
    total = RiskCounts()
    by_pillar = {pillar.id: RiskCounts() for pillar in lens.pillars}
    by_phase = {phase.id: RiskCounts() for phase in lens.phases}
    for q in questions:
        total.add(q.risk)
        by_pillar.setdefault(q.pillar, RiskCounts()).add(q.risk)
        if q.phase is not None:
            by_phase.setdefault(q.phase, RiskCounts()).add(q.risk)
    return Summary(risk_counts=total, by_pillar=by_pillar, by_phase=by_phase)


def evaluate(
    lens: Lens,
    evidence: Iterable[Evidence],
    answers: AnswersFile | None = None,
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    plan: bool = True,
) -> Review:
    """Review a workload: `answers` may be None (no mllens.yaml), `today` is the day
    accepted risks are judged against, `now` stamps the review (both default to now);
    `plan=False` leaves the improvement plan empty, for a caller that shows none (the plan
    is most of an evaluation's time)."""
    answers = answers or AnswersFile(workload=Workload(name="workload"))
    now = now or dt.datetime.now(dt.UTC)
    today = today or dt.date.today()
    evidence = list(evidence)
    index = _index_evidence(lens, evidence)
    by_practice = _answers_by_practice(lens, answers)
    accepted = _accepted_by_practice(lens, answers.accepted_risks)
    practices = [
        _practice_result(p, index, by_practice.get(p.id), accepted.get(p.id), today)
        for p in lens.practices
    ]
    statuses = {p.id: p.status for p in practices}
    question_answers = {
        lens.question(key).id: value for key, value in answers.questions.items() if lens.has_question(key)
    }
    questions = []
    for question in lens.questions:
        q_answer = question_answers.get(question.id)
        outcome = question_risk(
            question, statuses, applicable=q_answer is None or q_answer.applicable
        )
        in_question = [p for p in practices if p.question == question.id]
        questions.append(
            QuestionResult(
                id=question.id,
                pillar=question.pillar,
                phase=question.phase,
                title=question.title,
                risk=outcome.risk,
                selected=[p.id for p in in_question if p.status is PracticeStatus.IMPLEMENTED],
                not_applicable=[p.id for p in in_question if p.status is PracticeStatus.NOT_APPLICABLE],
                missing=[
                    p.id
                    for p in in_question
                    if p.status in (PracticeStatus.MISSING, PracticeStatus.PARTIAL)
                ],
                unknown=[p.id for p in in_question if p.status is PracticeStatus.UNKNOWN],
                notes=q_answer.notes if q_answer is not None else None,
                rule_ambiguous=outcome.rule_ambiguous,
                strict_risk=outcome.strict_risk if outcome.strict_risk != outcome.risk else None,
            )
        )
    review = Review(
        lens_id=lens.id,
        lens_version=lens.version,
        workload=answers.workload,
        generated_at=now,
        evidence=evidence,
        practices=practices,
        questions=questions,
        summary=_summary(lens, questions),
        accepted_risks=list(answers.accepted_risks),
    )
    if plan:
        review.plan = build_plan(lens, review)
    return review
