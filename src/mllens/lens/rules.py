"""Risk-rule conditions in the AWS custom-lens language: parse and evaluate, never `eval`.

Grammar (wa-lens-format.md 2.1), with the usual precedence (! over && over ||):

    condition := "default" | or_expr
    or_expr   := and_expr ("||" and_expr)*
    and_expr  := not_expr ("&&" not_expr)*
    not_expr  := "!" not_expr | "(" or_expr ")" | CHOICE_ID

Evaluation is three-valued (section 2.3 and 7): a not-applicable choice is NEUTRAL and
takes the identity of the operator above it (true under &&, false under ||).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from mllens.lens.model import Risk, RiskRule

DEFAULT = "default"
_TOKEN = re.compile(r"\s*(?:(&&|\|\||!|\(|\))|([A-Za-z0-9_]+)|(\S))")


class RuleSyntaxError(ValueError):
    """A condition does not parse; `position` is the 0-based offset of the problem."""

    def __init__(self, message: str, condition: str, position: int) -> None:
        self.condition = condition
        self.position = position
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
        case _:
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
            raise RuleSyntaxError(f"unexpected character {bad!r}", condition, match.start(3))
        token = op or name
        start = match.start(1) if op else match.start(2)
        out.append((token, start))
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

    def take(self) -> str:
        token = self.tokens[self.i][0]
        self.i += 1
        return token

    def parse(self) -> Expr:
        if not self.tokens:
            raise RuleSyntaxError("empty condition", self.condition, 0)
        expr = self.or_expr()
        if self.peek() is not None:
            raise RuleSyntaxError(f"unexpected {self.peek()!r}", self.condition, self.pos())
        return expr

    def or_expr(self) -> Expr:
        operands = [self.and_expr()]
        while self.peek() == "||":
            self.take()
            operands.append(self.and_expr())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def and_expr(self) -> Expr:
        operands = [self.not_expr()]
        while self.peek() == "&&":
            self.take()
            operands.append(self.not_expr())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def not_expr(self) -> Expr:
        token = self.peek()
        if token is None:
            raise RuleSyntaxError("condition ends where an operand was expected", self.condition, self.pos())
        if token == "!":
            self.take()
            return Not(self.not_expr())
        if token == "(":
            start = self.pos()
            self.take()
            inner = self.or_expr()
            if self.peek() != ")":
                raise RuleSyntaxError("'(' is never closed", self.condition, start)
            self.take()
            return inner
        if token in ("&&", "||", ")"):
            raise RuleSyntaxError(f"expected a choice id, got {token!r}", self.condition, self.pos())
        self.take()
        if token == DEFAULT:
            raise RuleSyntaxError("'default' must stand alone", self.condition, self.tokens[self.i - 1][1])
        return Var(token)


def parse(condition: str) -> Condition:
    """Parse a condition, or raise RuleSyntaxError saying where it fails."""
    if condition.strip() == DEFAULT:
        return Default()
    return _Parser(condition).parse()


def relies_on_precedence(condition: str) -> bool:
    """True when && and || mix at one level without parentheses (validator W34)."""
    if condition.strip() == DEFAULT:
        return False
    depth_ops: dict[int, set[str]] = {}
    depth = 0
    for token, _ in _tokens(condition):
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif token in ("&&", "||"):
            depth_ops.setdefault(depth, set()).add(token)
    return any(len(ops) == 2 for ops in depth_ops.values())


class Truth(Enum):
    TRUE = "true"
    FALSE = "false"
    NEUTRAL = "neutral"


def _truth(expr: Expr, selected: set[str], not_applicable: set[str]) -> Truth:
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
        case And(ops):
            values = [v for v in (_truth(o, selected, not_applicable) for o in ops) if v is not Truth.NEUTRAL]
            if not values:
                return Truth.NEUTRAL
            return Truth.TRUE if all(v is Truth.TRUE for v in values) else Truth.FALSE
        case Or(ops):
            values = [v for v in (_truth(o, selected, not_applicable) for o in ops) if v is not Truth.NEUTRAL]
            if not values:
                return Truth.NEUTRAL
            return Truth.TRUE if any(v is Truth.TRUE for v in values) else Truth.FALSE
    raise TypeError(f"not a condition node: {expr!r}")


def holds(condition: Condition, selected: Iterable[str], not_applicable: Iterable[str] = ()) -> bool:
    """Whether a condition is true for an answer (WA-compatible treatment of not applicable)."""
    if isinstance(condition, Default):
        return True
    value = _truth(condition, set(selected), set(not_applicable))
    if value is Truth.NEUTRAL:
        # Reduced to nothing: true for an && root or a lone identifier, false for an || root.
        return not isinstance(condition, Or)
    return value is Truth.TRUE


def is_ambiguous(condition: Condition, not_applicable: Iterable[str]) -> bool:
    """True when the answer's not-applicable choices make the result depend on the
    undocumented cases (under `!`, or a condition that reduces to nothing)."""
    na = set(not_applicable)
    if isinstance(condition, Default) or not (identifiers(condition) & na):
        return False

    def walk(expr: Expr) -> bool:
        match expr:
            case Var():
                return False
            case Not(operand):
                return bool(identifiers(operand) & na) or walk(operand)
            case And(ops) | Or(ops):
                return any(walk(o) for o in ops)
        return False

    return walk(condition) or _truth(condition, set(), na) is Truth.NEUTRAL and identifiers(condition) <= na


_RISK = {"HIGH": Risk.HIGH, "MEDIUM": Risk.MEDIUM, "NONE": Risk.NONE}


def evaluate_rules(
    rules: Sequence[RiskRule],
    selected: Iterable[str],
    not_applicable: Iterable[str] = (),
    *,
    applicable: bool = True,
) -> Risk:
    """A question's risk for an answer, as the AWS tool computes it (section 2.5 and 7).

    Not applicable question -> NOT_APPLICABLE; nothing selected and nothing marked not
    applicable -> UNANSWERED (never HIGH); otherwise the first rule that holds.
    """
    if not applicable:
        return Risk.NOT_APPLICABLE
    sel = set(selected)
    na = set(not_applicable)
    if not sel and not na:
        return Risk.UNANSWERED
    for rule in rules:
        if holds(parse(rule.condition), sel, na):
            return _RISK[rule.risk]
    # A lens without a final `default` (linter E32) leaves some answers unmatched; the
    # loader refuses such lenses, so this only happens for hand-built rule lists.
    raise ValueError("no risk rule matched and there is no 'default' rule")
