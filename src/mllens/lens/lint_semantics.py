"""Semantic checks of one question's risk rules (W40-W45) over every possible selection.

A question has n <= 15 choices, so there are 2^n selections. Each condition becomes a truth
table: an integer whose bit s is set when the condition holds for selection s (bit i of s
set = choice i ticked). && is `&`, || is `|`, ! is complement, so all 32,768 selections of
the widest question are checked with a handful of big-integer operations. The empty
selection is left out everywhere: it is UNANSWERED, never scored by the rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mllens.lens.rules_syntax import And, Condition, Default, Not, Or, Var, identifiers, parse
from mllens.lens.wa_spec import RISK_RANK


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    detail: str
    rule: int | None = None  # index of the rule concerned, if one
    choice: str | None = None  # the choice concerned, if one


def var_table(i: int, n: int) -> int:
    """Truth table of "choice i is ticked" over the 2^n selections."""
    block = ((1 << (1 << i)) - 1) << (1 << i)  # upper half of a 2^(i+1)-bit block
    width = 1 << (i + 1)
    return block * (((1 << (1 << n)) - 1) // ((1 << width) - 1))


def truth_table(expr: Condition, index: dict[str, int], n: int) -> int:
    full = (1 << (1 << n)) - 1
    match expr:
        case Default():
            return full
        case Var(name):
            return var_table(index[name], n)
        case Not(operand):
            return full & ~truth_table(operand, index, n)
        case And(ops):
            table = full
            for op in ops:
                table &= truth_table(op, index, n)
            return table
        case Or(ops):
            table = 0
            for op in ops:
                table |= truth_table(op, index, n)
            return table
    raise TypeError(f"not a condition node: {expr!r}")


def risk_tables(rules: Sequence[tuple[str, str]], choice_ids: Sequence[str]) -> list[int]:
    """Per rule, the selections (as a truth table) for which that rule sets the risk.

    The empty selection (bit 0) is included: the tool never scores it (UNANSWERED), but
    it belongs to the rules' truth function, which W41 asks about."""
    n = len(choice_ids)
    index = {cid: i for i, cid in enumerate(choice_ids)}
    remaining = (1 << (1 << n)) - 1  # every selection, the empty one included
    fired: list[int] = []
    for condition, _ in rules:
        table = truth_table(parse(condition), index, n)
        fired.append(table & remaining)
        remaining &= ~table
    return fired


def _names(selection: int, choice_ids: Sequence[str]) -> str:
    return "{" + ", ".join(c for i, c in enumerate(choice_ids) if selection >> i & 1) + "}"


def _lowest(table: int) -> int:
    return (table & -table).bit_length() - 1


def _first_raise(by_risk: dict[str, int], without: int, step: int) -> tuple[int, str, str] | None:
    """A selection lacking the choice at `step` whose risk rises when the choice is added."""
    for low, low_table in by_risk.items():
        for high, high_table in by_risk.items():
            worse = low_table & without & (high_table >> step)
            if RISK_RANK[high] > RISK_RANK[low] and worse:
                return _lowest(worse), low, high
    return None


def check_semantics(
    rules: Sequence[tuple[str, str]],
    choice_ids: Sequence[str],
    none_ids: Sequence[str],
    *,
    declared_max: str | None = None,
) -> list[Issue]:
    """W40-W45 for one question whose rules passed the syntax checks (E30-E33)."""
    n = len(choice_ids)
    with_empty = risk_tables(rules, choice_ids)
    fired = [table & ~1 for table in with_empty]
    by_risk: dict[str, int] = {}
    function: dict[str, int] = {}  # the same including the empty selection
    for (_, risk), table, full_table in zip(rules, fired, with_empty, strict=True):
        by_risk[risk] = by_risk.get(risk, 0) | table
        function[risk] = function.get(risk, 0) | full_table
    issues: list[Issue] = []

    def risk_of(selection: int) -> str:
        return next(risk for risk, table in by_risk.items() if table >> selection & 1)

    for i, ((condition, risk), table) in enumerate(zip(rules, fired, strict=True)):
        if table == 0:
            detail = f"{risk} can never be produced: rule {condition!r} is never the first to hold"
            issues.append(Issue("W40", detail, rule=i))
    reachable = [risk for risk, table in by_risk.items() if table]
    top = max(reachable, key=RISK_RANK.__getitem__)

    read = set().union(*(identifiers(parse(c)) for c, _ in rules))
    practices = [(i, c) for i, c in enumerate(choice_ids) if c not in none_ids]
    all_but_empty = ((1 << (1 << n)) - 1) & ~1
    for i, cid in practices:
        lacking = ~var_table(i, n) & ((1 << (1 << n)) - 1)  # selections without cid
        without = lacking & all_but_empty
        step = 1 << i
        if cid not in read:
            issues.append(Issue("W41", "no rule reads this choice: ticking it cannot change the risk", choice=cid))
        elif all((table & lacking) == ((table >> step) & lacking) for table in function.values()):
            issues.append(Issue("W41", "rules read this choice but ticking it never changes the risk", choice=cid))
        raised = _first_raise(by_risk, without, step)
        if raised is not None:
            s, low, high = raised
            detail = f"non-monotone: {_names(s, choice_ids)} gives {low} but adding {cid} gives {high}"
            issues.append(Issue("W44", detail, choice=cid))

    for none_id in none_ids:
        with_none = var_table(choice_ids.index(none_id), n)
        escape = with_none & ~by_risk[top]
        if escape:
            s = _lowest(escape)
            detail = (
                f"selecting {none_id} does not always give the question's maximum risk {top}: "
                f"{_names(s, choice_ids)} gives {risk_of(s)} (add '&& !{none_id}' to the lower-risk rules)"
            )
            issues.append(Issue("W42", detail, choice=none_id))

    every = sum(1 << i for i, _ in practices)
    if every and risk_of(every) != "NO_RISK":
        detail = f"selecting every practice gives {risk_of(every)}, not NO_RISK"
        issues.append(Issue("W43", detail))
    if declared_max is not None and RISK_RANK[top] < RISK_RANK[declared_max]:
        detail = f"the highest risk the rules can produce is {top}, below the declared maximum {declared_max}"
        issues.append(Issue("W45", detail))
    return issues
