"""Risk rules: evaluate a question's rules for an answer the way the AWS tool does.

Evaluation is three-valued (wa-lens-format.md sections 2.3 and 7): a not-applicable choice is
NEUTRAL and is dropped from the && or || above it, so it takes that operator's identity
(true under &&, false under ||). The cases AWS never measured follow the proposal of
section 2.3: `!NA` stays neutral; a condition that reduces to nothing is true for an &&
root (a lone identifier counts as an && of one) and false for an || root. Answers whose
risk depends on one of those guesses are reported as ambiguous (`assess_rules`).

The grammar, parser and printer live in `mllens.lens.rules_syntax` and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from mllens.lens.model import Risk, RiskRule
from mllens.lens.rules_syntax import (
    DEFAULT,
    And,
    Condition,
    Default,
    Expr,
    Not,
    Or,
    RuleProblem,
    RuleSyntaxError,
    Var,
    check_rules,
    guarded,
    identifiers,
    parse,
    relies_on_precedence,
    to_condition,
    with_guard,
)

__all__ = [
    "DEFAULT",
    "And",
    "Assessment",
    "Condition",
    "Default",
    "Expr",
    "Not",
    "Or",
    "RuleProblem",
    "RuleSyntaxError",
    "Truth",
    "Var",
    "assess_rules",
    "check_rules",
    "evaluate_rules",
    "guarded",
    "holds",
    "identifiers",
    "is_ambiguous",
    "parse",
    "possible_truths",
    "relies_on_precedence",
    "to_condition",
    "with_guard",
]


class Truth(Enum):
    TRUE = "true"
    FALSE = "false"
    NEUTRAL = "neutral"


def _fold(values: Iterable[Truth], *, conjunction: bool) -> Truth:
    """&& or || over operand values, dropping NEUTRAL ones; nothing left -> NEUTRAL."""
    kept = [v for v in values if v is not Truth.NEUTRAL]
    if not kept:
        return Truth.NEUTRAL
    absorbing = Truth.FALSE if conjunction else Truth.TRUE
    return absorbing if absorbing in kept else (Truth.TRUE if conjunction else Truth.FALSE)


def _truth(expr: Expr, selected: frozenset[str], not_applicable: frozenset[str]) -> Truth:
    match expr:
        case Var(name):
            if name in not_applicable:
                return Truth.NEUTRAL
            return Truth.TRUE if name in selected else Truth.FALSE
        case Not(operand):
            inner = _truth(operand, selected, not_applicable)
            if inner is Truth.NEUTRAL:
                return Truth.NEUTRAL
            return Truth.FALSE if inner is Truth.TRUE else Truth.TRUE
        case And(ops) | Or(ops):
            values = (_truth(o, selected, not_applicable) for o in ops)
            return _fold(values, conjunction=isinstance(expr, And))
    raise TypeError(f"not a condition node: {expr!r}")


def holds(condition: Condition, selected: Iterable[str], not_applicable: Iterable[str] = ()) -> bool:
    """Whether a condition is true for an answer (WA-compatible treatment of not applicable)."""
    if isinstance(condition, Default):
        return True
    value = _truth(condition, frozenset(selected), frozenset(not_applicable))
    if value is Truth.NEUTRAL:
        # Reduced to nothing: true for an && root or a lone identifier, false for an || root.
        return not isinstance(condition, Or)
    return value is Truth.TRUE


def _readings(expr: Expr, na: frozenset[str], sel: frozenset[str], *, root: bool) -> set[Truth]:
    """Every value `expr` may take under any reading of the undocumented cases.

    Documented: a not-applicable identifier under && or || is dropped, and an && root
    that reduces to nothing is true. Undocumented (so TRUE and FALSE are also possible):
    `!` over something neutral, a nested && or || that reduces to nothing, and a root
    that is a lone identifier, an || or a `!`.
    """
    match expr:
        case Var(name):
            out = {_truth(expr, sel, na)}
            if root and name in na:
                out |= {Truth.TRUE, Truth.FALSE}
            return out
        case Not(operand):
            out = set()
            for value in _readings(operand, na, sel, root=False):
                if value is Truth.NEUTRAL:
                    out |= {Truth.NEUTRAL, Truth.TRUE, Truth.FALSE}
                else:
                    out.add(Truth.FALSE if value is Truth.TRUE else Truth.TRUE)
            return out
        case And(ops) | Or(ops):
            conjunction = isinstance(expr, And)
            # Fold over sets of (some operand kept, absorbing value seen) instead of the
            # product of all operand readings: at most four states whatever the width.
            states = {(False, False)}
            absorbing = Truth.FALSE if conjunction else Truth.TRUE
            for op in ops:
                values = _readings(op, na, sel, root=False)
                states = {
                    (kept or v is not Truth.NEUTRAL, hit or v is absorbing) for kept, hit in states for v in values
                }
            out = set()
            for kept, hit in states:
                if not kept:
                    out.add(Truth.NEUTRAL)
                    if not (root and conjunction):
                        out |= {Truth.TRUE, Truth.FALSE}
                elif hit:
                    out.add(absorbing)
                else:
                    out.add(Truth.TRUE if conjunction else Truth.FALSE)
            return out
    raise TypeError(f"not a condition node: {expr!r}")


def possible_truths(condition: Condition, selected: Iterable[str], not_applicable: Iterable[str] = ()) -> set[bool]:
    """{holds(...)} when the answer is covered by documented behaviour; {True, False}
    when the outcome depends on how AWS treats an undocumented not-applicable case."""
    if isinstance(condition, Default):
        return {True}
    na = frozenset(not_applicable)
    if not identifiers(condition) & na:
        return {holds(condition, selected)}
    values = _readings(condition, na, frozenset(selected), root=True)
    out = {v is Truth.TRUE for v in values if v is not Truth.NEUTRAL}
    if Truth.NEUTRAL in values:
        out.add(not isinstance(condition, Or))
    return out


def is_ambiguous(condition: Condition, not_applicable: Iterable[str], selected: Iterable[str] = ()) -> bool:
    """True when the condition's value for this answer rests on an undocumented case."""
    return len(possible_truths(condition, selected, not_applicable)) > 1


_RISK = {"HIGH": Risk.HIGH, "MEDIUM": Risk.MEDIUM, "NONE": Risk.NONE}


@dataclass(frozen=True, slots=True)
class Assessment:
    """A question's risk for one answer, with what a report needs to explain it.

    `risk` is what the AWS tool would show; `strict_risk` counts not-applicable choices
    as not done (section 7, strict mode); `rule` is the index of the rule that set
    `risk`; `ambiguous` says other readings of undocumented cases give another risk.
    """

    risk: Risk
    strict_risk: Risk
    rule: int | None
    ambiguous: bool


def _first_match(rules: Sequence[RiskRule], sel: set[str], na: set[str]) -> tuple[Risk, int]:
    for index, rule in enumerate(rules):
        if holds(parse(rule.condition), sel, na):
            return _RISK[rule.risk], index
    # A lens without a final `default` (linter E32) leaves some answers unmatched; the
    # loader refuses such lenses, so this only happens for hand-built rule lists.
    conditions = [rule.condition for rule in rules]
    raise ValueError(f"no risk rule matched and there is no 'default' rule: {conditions}")


def _possible_risks(rules: Sequence[RiskRule], sel: set[str], na: set[str]) -> set[Risk]:
    out: set[Risk] = set()
    for rule in rules:
        truths = possible_truths(parse(rule.condition), sel, na)
        if True in truths:
            out.add(_RISK[rule.risk])
        if False not in truths:
            break
    return out


def evaluate_rules(
    rules: Sequence[RiskRule],
    selected: Iterable[str],
    not_applicable: Iterable[str] = (),
    *,
    applicable: bool = True,
    strict: bool = False,
    backed_not_applicable: Iterable[str] = (),
) -> Risk:
    """A question's risk for an answer, as the AWS tool computes it (sections 2.5 and 7).

    Not applicable question -> NOT_APPLICABLE; nothing selected and nothing marked not
    applicable -> UNANSWERED (never HIGH); otherwise the risk of the first rule that holds.
    With `strict=True` a not-applicable choice counts as not done (FALSE), except those
    in `backed_not_applicable`, whose not-applicable status has recorded evidence.
    """
    if not applicable:
        return Risk.NOT_APPLICABLE
    sel = set(selected)
    na = set(not_applicable) - sel  # a choice both ticked and excused counts as ticked
    if not sel and not na:
        return Risk.UNANSWERED
    if strict:
        na &= set(backed_not_applicable)
    return _first_match(rules, sel, na)[0]


def assess_rules(
    rules: Sequence[RiskRule],
    selected: Iterable[str],
    not_applicable: Iterable[str] = (),
    *,
    applicable: bool = True,
    backed_not_applicable: Iterable[str] = (),
) -> Assessment:
    """Both risks of an answer (WA-compatible and strict), the rule that decided the
    first, and whether it relies on undocumented behaviour (report it as ambiguous)."""
    if not applicable:
        return Assessment(Risk.NOT_APPLICABLE, Risk.NOT_APPLICABLE, None, False)
    sel = set(selected)
    na = set(not_applicable) - sel
    if not sel and not na:
        return Assessment(Risk.UNANSWERED, Risk.UNANSWERED, None, False)
    risk, index = _first_match(rules, sel, na)
    strict_risk = _first_match(rules, sel, na & set(backed_not_applicable))[0]
    ambiguous = len(_possible_risks(rules, sel, na)) > 1
    return Assessment(risk, strict_risk, index, ambiguous)
