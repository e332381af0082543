"""Risk-rule conditions in the AWS custom-lens language: tokens, tree, parser, printer, checks.

Grammar (wa-lens-format.md 2.1), with the usual precedence (! over && over ||):

    condition := "default" | or_expr
    or_expr   := and_expr ("||" and_expr)*
    and_expr  := not_expr ("&&" not_expr)*
    not_expr  := "!" not_expr | "(" or_expr ")" | CHOICE_ID

Nothing here evaluates a condition (see `mllens.lens.rules`) and nothing ever calls `eval`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

DEFAULT = "default"
_TOKEN = re.compile(r"\s*(?:(&&|\|\||!|\(|\))|([A-Za-z0-9_]+)|(\S))")


class RuleSyntaxError(ValueError):
    """A condition does not parse; `position` is the 0-based offset of the problem."""

    def __init__(self, message: str, condition: str, position: int) -> None:
        self.condition = condition
        self.position = position
        self.reason = message
        super().__init__(f"{message} at offset {position} in {condition!r}")


@dataclass(frozen=True, slots=True)
class Var:
    name: str


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr


@dataclass(frozen=True, slots=True)
class And:
    operands: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Or:
    operands: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Default:
    pass


Expr = Var | Not | And | Or
Condition = Expr | Default


def identifiers(expr: Condition) -> set[str]:
    """Every choice id a condition reads."""
    match expr:
        case Var(name):
            return {name}
        case Not(operand):
            return identifiers(operand)
        case And(ops) | Or(ops):
            return set().union(*(identifiers(o) for o in ops))
    return set()


def _tokens(condition: str) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    pos = 0
    while pos < len(condition):
        match = _TOKEN.match(condition, pos)
        if match is None:  # only trailing whitespace is left
            break
        op, name, bad = match.groups()
        if bad is not None:
            hint = " (use && and ||)" if bad in "&|" else ""
            raise RuleSyntaxError(f"unexpected character {bad!r}{hint}", condition, match.start(3))
        token = op or name
        out.append((token, match.start(1) if op else match.start(2)))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, condition: str) -> None:
        self.condition = condition
        self.tokens = _tokens(condition)
        self.i = 0

    def peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def pos(self) -> int:
        return self.tokens[self.i][1] if self.i < len(self.tokens) else len(self.condition)

    def fail(self, message: str, position: int | None = None) -> RuleSyntaxError:
        return RuleSyntaxError(message, self.condition, self.pos() if position is None else position)

    def parse(self) -> Expr:
        if not self.tokens:
            raise self.fail("empty condition", 0)
        expr = self.or_expr()
        if self.peek() is not None:
            raise self.fail(f"expected && or || or the end, got {self.peek()!r}")
        return expr

    def or_expr(self) -> Expr:
        operands = [self.and_expr()]
        while self.peek() == "||":
            self.i += 1
            operands.append(self.and_expr())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def and_expr(self) -> Expr:
        operands = [self.not_expr()]
        while self.peek() == "&&":
            self.i += 1
            operands.append(self.not_expr())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def not_expr(self) -> Expr:
        token = self.peek()
        if token is None:
            raise self.fail("condition ends where a choice id was expected")
        if token == "!":
            self.i += 1
            return Not(self.not_expr())
        if token == "(":
            start = self.pos()
            self.i += 1
            inner = self.or_expr()
            if self.peek() != ")":
                raise self.fail("'(' is never closed", start)
            self.i += 1
            return inner
        if token in ("&&", "||", ")"):
            raise self.fail(f"expected a choice id, got {token!r}")
        if token == DEFAULT:
            raise self.fail("'default' must stand alone")
        self.i += 1
        return Var(token)


@lru_cache(maxsize=4096)
def parse(condition: str) -> Condition:
    """Parse a condition, or raise RuleSyntaxError saying where it fails (cached: the
    result is immutable and lenses reuse the same few hundred conditions)."""
    if condition.strip() == DEFAULT:
        return Default()
    return _Parser(condition).parse()


def to_condition(expr: Condition) -> str:
    """Print a condition so that `parse` gives back the same tree.

    Every nested && or || is parenthesised, so mixed operators never rely on precedence
    (the exporter's rule, section 8) and same-operator nesting survives the round trip.
    """
    match expr:
        case Default():
            return DEFAULT
        case Var(name):
            return name
        case Not(operand):
            inner = to_condition(operand)
            return f"!({inner})" if isinstance(operand, And | Or) else f"!{inner}"
        case And(ops) | Or(ops):
            glue = " && " if isinstance(expr, And) else " || "
            return glue.join(f"({to_condition(o)})" if isinstance(o, And | Or) else to_condition(o) for o in ops)
    raise TypeError(f"not a condition node: {expr!r}")


def relies_on_precedence(condition: str) -> bool:
    """True when && and || mix inside one pair of parentheses (validator W34)."""
    if condition.strip() == DEFAULT:
        return False
    groups: list[set[str]] = [set()]
    for token, _ in _tokens(condition):
        if token == "(":
            groups.append(set())
        elif token == ")" and len(groups) > 1:
            if len(groups.pop()) == 2:
                return True
        elif token in ("&&", "||"):
            groups[-1].add(token)
    return any(len(ops) == 2 for ops in groups)


def guarded(expr: Condition, none_id: str) -> bool:
    """Whether ticking `none_id` always makes the condition false (a `!<q>_no` guard).

    Structural and sound, not complete: a guard as an && operand, or under every ||
    branch. The exporter adds a guard only where this says there is none.
    """
    match expr:
        case Not(Var(name)):
            return name == none_id
        case And(ops):
            return any(guarded(o, none_id) for o in ops)
        case Or(ops):
            return all(guarded(o, none_id) for o in ops)
    return False


def with_guard(expr: Condition, none_id: str) -> Condition:
    """The condition with `&& !none_id` added unless it already has such a guard."""
    if isinstance(expr, Default) or guarded(expr, none_id):
        return expr
    guard = Not(Var(none_id))
    if isinstance(expr, And):
        return And((*expr.operands, guard))
    return And((expr, guard))


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """One defect of a question's rule list: `index` of the rule, its `field`
    (condition or risk), the validator code (section 5) and a message."""

    index: int
    field: str
    code: str
    message: str


def _negations(expr: Condition) -> list[Expr]:
    match expr:
        case Not(operand):
            return [operand, *_negations(operand)]
        case And(ops) | Or(ops):
            return [n for o in ops for n in _negations(o)]
    return []


def check_rules(
    rules: Sequence[tuple[str, str]],
    choice_ids: Sequence[str],
    *,
    question: str,
    none_ids: Sequence[str] = (),
) -> list[RuleProblem]:
    """Syntax checks of one question's (condition, risk) list: E30-E33, W34 and W46.

    Problems come in rule order, so the first error is the one a reader meets first.
    `none_ids` are the question's "None of these" choices, the only ones `!` should guard.
    """
    problems: list[RuleProblem] = []
    known = set(choice_ids)
    risks: set[str] = set()
    last = len(rules) - 1
    for index, (condition, risk) in enumerate(rules):
        try:
            expr = parse(condition)
        except RuleSyntaxError as exc:
            problems.append(RuleProblem(index, "condition", "E30", str(exc)))
            expr = None
        if expr is not None:
            for name in sorted(identifiers(expr) - known):
                listed = ", ".join(choice_ids)
                message = f"{name!r} is not a choice of question {question} (choices: {listed})"
                problems.append(RuleProblem(index, "condition", "E31", message))
            if relies_on_precedence(condition):
                message = f"{condition!r} mixes && and || without parentheses and relies on precedence"
                problems.append(RuleProblem(index, "condition", "W34", message))
            for operand in _negations(expr):
                if not (isinstance(operand, Var) and operand.name in none_ids):
                    message = (
                        f"'!' applied to {to_condition(operand)!r}: only the 'None of these' guard "
                        "should be negated (makes the rule non-monotone and not-applicable unsafe)"
                    )
                    problems.append(RuleProblem(index, "condition", "W46", message))
        if risk in risks:
            problems.append(RuleProblem(index, "risk", "E33", f"a second rule with risk {risk}"))
        risks.add(risk)
        is_default = condition.strip() == DEFAULT
        if is_default and index != last:
            problems.append(RuleProblem(index, "condition", "E32", "rules after 'default' can never apply"))
        if not is_default and index == last:
            problems.append(RuleProblem(index, "condition", "E32", "the last rule must be 'default'"))
    return problems
