"""A question's risk from the status of its practices, through the lens's risk rules.

The rules themselves are AWS's (mllens.lens.rules); what this module adds is how a review
with incomplete knowledge maps onto them:

- implemented -> SELECTED, not applicable -> NOT_APPLICABLE, missing/partial -> UNSELECTED;
- unknown practices are indeterminate: the rules are run with every unknown selected (best
  case) and with every unknown unselected (worst case); a risk both agree on is the risk,
  otherwise the question stays UNANSWERED;
- when the only thing known is that practices are missing, the worst case ticks the
  question's "none of these" choice, so the `!..._no` guard yields the question's maximum
  risk instead of AWS's "empty answer" UNANSWERED.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mllens.lens.model import Question, Risk
from mllens.lens.rules import evaluate_rules, holds, is_ambiguous, parse
from mllens.review.model import PracticeStatus

_RULE_RISK = {"HIGH": Risk.HIGH, "MEDIUM": Risk.MEDIUM, "NONE": Risk.NONE}


@dataclass(frozen=True)
class RiskOutcome:
    risk: Risk
    strict_risk: Risk  # the same with not-applicable practices counted as missing
    rule_ambiguous: bool


def _rules_risk(question: Question, selected: list[str], not_applicable: list[str]) -> Risk:
    if selected or not_applicable:
        return evaluate_rules(question.risk_rules, selected, not_applicable)
    # Every known practice is missing: answer "none of these" rather than nothing.
    if question.none_choice is not None:
        return evaluate_rules(question.risk_rules, [question.none_choice.id])
    # A lens without a "none of these" choice: the first rule that holds on an empty
    # selection (evaluate_rules would call an empty selection UNANSWERED).
    for rule in question.risk_rules:
        if holds(parse(rule.condition), ()):
            return _RULE_RISK[rule.risk]
    raise ValueError(f"question {question.id}: no risk rule matched and there is no 'default' rule")


def _choices(
    question: Question, statuses: Mapping[str, PracticeStatus], *, strict: bool
) -> tuple[list[str], list[str], list[str], bool]:
    """Choice ids selected, not applicable and unknown, and whether any is known missing."""
    selected: list[str] = []
    not_applicable: list[str] = []
    unknown: list[str] = []
    known_missing = False
    for practice in question.choices:
        status = statuses.get(practice.id, PracticeStatus.UNKNOWN)
        if status is PracticeStatus.IMPLEMENTED:
            selected.append(practice.choice_id)
        elif status is PracticeStatus.NOT_APPLICABLE and not strict:
            not_applicable.append(practice.choice_id)
        elif status is PracticeStatus.UNKNOWN:
            unknown.append(practice.choice_id)
        else:  # missing, partial, or not applicable under strict scoring
            known_missing = True
    return selected, not_applicable, unknown, known_missing


def risk_bounds(question: Question, statuses: Mapping[str, PracticeStatus]) -> tuple[Risk, Risk]:
    """(best, worst): the risk if every unknown practice turns out in place, and if none
    does. Never UNANSWERED; used to rank how surely a change lowers a question's risk."""
    selected, not_applicable, unknown, _ = _choices(question, statuses, strict=False)
    best = _rules_risk(question, selected + unknown, not_applicable)
    return best, _rules_risk(question, selected, not_applicable)


def _risk(question: Question, statuses: Mapping[str, PracticeStatus], *, strict: bool) -> Risk:
    selected, not_applicable, unknown, known_missing = _choices(question, statuses, strict=strict)
    if not selected and not not_applicable and not known_missing:
        return Risk.UNANSWERED
    best = _rules_risk(question, selected + unknown, not_applicable)
    if not unknown:
        return best
    worst = _rules_risk(question, selected, not_applicable)
    return best if best == worst else Risk.UNANSWERED


def question_risk(
    question: Question,
    statuses: Mapping[str, PracticeStatus],
    *,
    applicable: bool = True,
) -> RiskOutcome:
    """The risk of `question` given the status of each of its practices (by practice id;
    a practice left out is unknown). A question the team marked not applicable is
    NOT_APPLICABLE whatever its practices say."""
    if not applicable:
        return RiskOutcome(Risk.NOT_APPLICABLE, Risk.NOT_APPLICABLE, rule_ambiguous=False)
    risk = _risk(question, statuses, strict=False)
    strict = _risk(question, statuses, strict=True)
    na = [
        p.choice_id
        for p in question.choices
        if statuses.get(p.id) is PracticeStatus.NOT_APPLICABLE
    ]
    return RiskOutcome(risk, strict, rule_ambiguous=_ambiguous(question, na))


def _ambiguous(question: Question, not_applicable: Iterable[str]) -> bool:
    na = list(not_applicable)
    if not na:
        return False
    return any(is_ambiguous(parse(rule.condition), na) for rule in question.risk_rules)
