"""Risk rules: parser, printer and the three-valued evaluator (wa-lens-format.md 2 and 7).

The evaluator is checked against a reference written differently on purpose: it prunes
the not-applicable identifiers out of the tree first and then evaluates a plain boolean
tree, where `rules.py` propagates a NEUTRAL value.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mllens.lens.model import Risk, RiskRule
from mllens.lens.rules import (
    And,
    Default,
    Expr,
    Not,
    Or,
    RuleSyntaxError,
    Var,
    assess_rules,
    check_rules,
    evaluate_rules,
    guarded,
    holds,
    identifiers,
    is_ambiguous,
    parse,
    possible_truths,
    relies_on_precedence,
    to_condition,
    with_guard,
)

NAMES = ["c01", "c02", "c03", "c04", "c05", "X_BP01"]

# --- strategies -------------------------------------------------------------------------

names = st.sampled_from(NAMES)
exprs: st.SearchStrategy[Expr] = st.recursive(
    st.builds(Var, names),
    lambda kids: st.one_of(
        st.builds(Not, kids),
        st.builds(And, st.lists(kids, min_size=2, max_size=4).map(tuple)),
        st.builds(Or, st.lists(kids, min_size=2, max_size=4).map(tuple)),
    ),
    max_leaves=12,
)
choice_sets = st.frozensets(names)
spaces = st.sampled_from(["", " ", "  ", "\t", "\n "])


def render(expr: Expr, draw: Callable[[st.SearchStrategy[object]], object], *, parent: str = "") -> str:
    """Print `expr` the way a person might: random spacing, redundant parentheses,
    n-ary operators regrouped, and parentheses left out where precedence allows."""
    gap = lambda: str(draw(spaces))  # noqa: E731
    match expr:
        case Var(name):
            text = name
        case Not(operand):
            inner = render(operand, draw, parent="!")
            text = f"!{gap()}{inner}"
        case And(ops) | Or(ops):
            op = "&&" if isinstance(expr, And) else "||"
            parts = [render(o, draw, parent=op) for o in ops]
            split = int(draw(st.integers(0, len(parts) - 2))) if len(parts) > 2 else 0
            if split >= 2:  # (a && b) && c: same truth, other tree
                parts = [f"({f'{gap()}{op}{gap()}'.join(parts[:split])})", *parts[split:]]
            text = f"{gap()}{op}{gap()}".join(parts)
            # Needed under ! and for || inside &&; optional (same truth) everywhere else.
            needs = parent == "!" or (parent == "&&" and op == "||")
            if needs or (parent and draw(st.booleans())):
                text = f"({gap()}{text}{gap()})"
    if draw(st.integers(0, 5)) == 0:
        text = f"({gap()}{text}{gap()})"
    return f"{gap()}{text}{gap()}"


# --- reference evaluator ------------------------------------------------------------------


def _prune(expr: Expr, na: frozenset[str]) -> Expr | None:
    """The tree without not-applicable identifiers; None when nothing is left."""
    match expr:
        case Var(name):
            return None if name in na else expr
        case Not(operand):
            kept = _prune(operand, na)
            return None if kept is None else Not(kept)
        case And(ops) | Or(ops):
            kids = tuple(k for k in (_prune(o, na) for o in ops) if k is not None)
            return type(expr)(kids) if kids else None
    raise AssertionError(expr)


def _boolean(expr: Expr, selected: frozenset[str]) -> bool:
    match expr:
        case Var(name):
            return name in selected
        case Not(operand):
            return not _boolean(operand, selected)
        case And(ops):
            return all(_boolean(o, selected) for o in ops)
        case Or(ops):
            return any(_boolean(o, selected) for o in ops)
    raise AssertionError(expr)


def reference_holds(expr: Expr, selected: frozenset[str], na: frozenset[str]) -> bool:
    pruned = _prune(expr, na)
    if pruned is None:  # section 2.3 proposal: && root (or lone id) true, || root false
        return not isinstance(expr, Or)
    return _boolean(pruned, selected)


def identity_reading(expr: Expr, selected: frozenset[str], na: frozenset[str], *, under_not: bool) -> bool:
    """Another reading of the undocumented cases: a not-applicable id is the identity of
    the operator right above it, and `under_not` under a `!` (or at the root)."""

    def value(e: Expr, parent: type | None) -> bool:
        match e:
            case Var(name):
                if name in na:
                    return {And: True, Or: False}.get(parent, under_not)  # type: ignore[arg-type]
                return name in selected
            case Not(operand):
                return not value(operand, Not)
            case And(ops):
                return all(value(o, And) for o in ops)
            case Or(ops):
                return any(value(o, Or) for o in ops)
        raise AssertionError(e)

    return value(expr, None)


RISK = {"HIGH": Risk.HIGH, "MEDIUM": Risk.MEDIUM, "NONE": Risk.NONE}


def reference_first(rules: list[tuple[Expr | None, str]], selected: frozenset[str], na: frozenset[str]) -> Risk:
    for expr, risk in rules:
        if expr is None or reference_holds(expr, selected, na):
            return RISK[risk]
    raise AssertionError("no default")


def reference_risk(rules: list[tuple[Expr | None, str]], selected: frozenset[str], na: frozenset[str]) -> Risk:
    na = na - selected  # a choice both ticked and excused counts as ticked
    if not selected and not na:
        return Risk.UNANSWERED
    return reference_first(rules, selected, na)


# --- properties ---------------------------------------------------------------------------


@given(exprs)
def test_print_then_parse_gives_the_same_tree(expr: Expr) -> None:
    assert parse(to_condition(expr)) == expr


@given(exprs)
def test_printed_conditions_never_rely_on_precedence(expr: Expr) -> None:
    assert not relies_on_precedence(to_condition(expr))


@settings(max_examples=400)
@given(exprs, st.data(), choice_sets, choice_sets)
def test_any_spelling_evaluates_like_the_reference(
    expr: Expr, data: st.DataObject, selected: frozenset[str], na: frozenset[str]
) -> None:
    text = render(expr, data.draw)
    assert holds(parse(text), selected, na) == reference_holds(expr, selected, na), text


@settings(max_examples=300)
@given(
    st.lists(st.tuples(exprs, st.sampled_from(["NONE", "MEDIUM"])), min_size=0, max_size=2, unique_by=lambda r: r[1]),
    choice_sets,
    choice_sets,
)
def test_first_matching_rule_wins_like_the_reference(
    rules: list[tuple[Expr, str]], selected: frozenset[str], na: frozenset[str]
) -> None:
    model = [RiskRule(condition=to_condition(e), risk=r) for e, r in rules] + [
        RiskRule(condition="default", risk="HIGH")
    ]
    reference: list[tuple[Expr | None, str]] = [*rules, (None, "HIGH")]
    assert evaluate_rules(model, selected, na) == reference_risk(reference, selected, na)


@given(st.lists(st.tuples(exprs, st.sampled_from(["NONE", "MEDIUM"])), max_size=2, unique_by=lambda r: r[1]),
       choice_sets, choice_sets, choice_sets)  # fmt: skip
def test_strict_mode_counts_not_applicable_as_not_done(
    rules: list[tuple[Expr, str]], selected: frozenset[str], na: frozenset[str], backed: frozenset[str]
) -> None:
    model = [RiskRule(condition=to_condition(e), risk=r) for e, r in rules] + [
        RiskRule(condition="default", risk="HIGH")
    ]
    reference: list[tuple[Expr | None, str]] = [*rules, (None, "HIGH")]
    strict = evaluate_rules(model, selected, na, strict=True, backed_not_applicable=backed)
    if not selected and not na:
        assert strict is Risk.UNANSWERED
    else:  # unbacked not-applicable choices count as plain unselected ones
        assert strict == reference_first(reference, selected, (na - selected) & backed)
    assessed = assess_rules(model, selected, na, backed_not_applicable=backed)
    assert (assessed.risk, assessed.strict_risk) == (
        evaluate_rules(model, selected, na),
        strict,
    )


@settings(max_examples=400)
@given(exprs, choice_sets, choice_sets)
def test_ambiguity_covers_other_readings_of_undocumented_cases(
    expr: Expr, selected: frozenset[str], na: frozenset[str]
) -> None:
    possible = possible_truths(expr, selected, na)
    assert holds(expr, selected, na) in possible
    assert identity_reading(expr, selected, na, under_not=False) in possible
    assert identity_reading(expr, selected, na, under_not=True) in possible
    if not na & identifiers(expr):
        assert possible == {holds(expr, selected, na)}


# --- the six measured cases of section 2.3 -------------------------------------------------

NO_RISK_ABCD = [RiskRule(condition="a_1 && b_1 && c_1 && d_1", risk="NONE"), RiskRule(condition="default", risk="HIGH")]


def test_measured_1_three_selected_one_not_applicable_is_no_risk() -> None:
    assert evaluate_rules(NO_RISK_ABCD, {"a_1", "b_1", "c_1"}, {"d_1"}) is Risk.NONE


def test_measured_2_medium_rule_with_not_applicable_partner_is_medium() -> None:
    rules = [RiskRule(condition="a_1 && b_1", risk="MEDIUM"), RiskRule(condition="default", risk="HIGH")]
    assert evaluate_rules(rules, {"a_1"}, {"b_1"}) is Risk.MEDIUM


def test_measured_3_all_not_applicable_nothing_selected_is_no_risk() -> None:
    assessed = assess_rules(NO_RISK_ABCD, (), {"a_1", "b_1", "c_1", "d_1"})
    assert (assessed.risk, assessed.ambiguous) == (Risk.NONE, False)


def test_measured_4_one_not_applicable_nothing_selected_is_high() -> None:
    assert evaluate_rules(NO_RISK_ABCD, (), {"d_1"}) is Risk.HIGH


def test_measured_5_not_applicable_shortcut_under_or_does_not_count() -> None:
    rules = [
        RiskRule(condition="s_1 || (a_1 && b_1)", risk="NONE"),
        RiskRule(condition="a_1", risk="MEDIUM"),
        RiskRule(condition="default", risk="HIGH"),
    ]
    assert evaluate_rules(rules, {"a_1"}, {"s_1"}) is Risk.MEDIUM


def test_measured_6_or_with_not_applicable_and_nothing_selected_is_high() -> None:
    rules = [RiskRule(condition="a_1 || b_1", risk="MEDIUM"), RiskRule(condition="default", risk="HIGH")]
    assert evaluate_rules(rules, (), {"b_1"}) is Risk.HIGH


# --- section 2.7 worked example -------------------------------------------------------------

WORKED = [
    RiskRule(condition="c1_ && c2_ && c3_", risk="NONE"),
    RiskRule(condition="((c1_ || c2_) && c3_) || (!c1_ && c3_)", risk="MEDIUM"),
    RiskRule(condition="default", risk="HIGH"),
]


@pytest.mark.parametrize(
    ("selected", "risk"),
    [
        ({"c1_", "c2_", "c3_"}, Risk.NONE),
        ({"c1_", "c3_"}, Risk.MEDIUM),
        ({"c2_", "c3_"}, Risk.MEDIUM),
        ({"c3_"}, Risk.MEDIUM),
        ({"c1_", "c2_"}, Risk.HIGH),
        ({"c1_"}, Risk.HIGH),
        ({"c2_"}, Risk.HIGH),
        (set(), Risk.UNANSWERED),
    ],
)
def test_worked_example(selected: set[str], risk: Risk) -> None:
    assert evaluate_rules(WORKED, selected) is risk


def test_question_marked_not_applicable() -> None:
    assert evaluate_rules(WORKED, {"c3_"}, applicable=False) is Risk.NOT_APPLICABLE


def test_empty_answer_is_unanswered_even_in_strict_mode() -> None:
    assert evaluate_rules(WORKED, (), strict=True) is Risk.UNANSWERED


def test_strict_mode_shows_what_not_applicable_hides() -> None:
    assessed = assess_rules(NO_RISK_ABCD, {"a_1", "b_1", "c_1"}, {"d_1"})
    assert (assessed.risk, assessed.strict_risk, assessed.rule) == (Risk.NONE, Risk.HIGH, 0)
    backed = assess_rules(NO_RISK_ABCD, {"a_1", "b_1", "c_1"}, {"d_1"}, backed_not_applicable={"d_1"})
    assert backed.strict_risk is Risk.NONE


def test_no_default_and_no_match_is_a_lens_defect() -> None:
    with pytest.raises(ValueError, match="no risk rule matched"):
        evaluate_rules([RiskRule(condition="a_1", risk="NONE")], {"b_1"})


# --- undocumented cases: the proposal and the ambiguity flag --------------------------------


@pytest.mark.parametrize(
    ("condition", "selected", "na", "value", "ambiguous"),
    [
        ("a_1 && !b_1", {"a_1"}, {"b_1"}, True, True),  # !NA dropped from its parent
        ("a_1 || b_1", set(), {"a_1", "b_1"}, False, True),  # || root reduced to nothing
        ("a_1 && b_1", set(), {"a_1", "b_1"}, True, False),  # measured case 3
        ("a_1", set(), {"a_1"}, True, True),  # lone identifier = && of one
        ("x_1 && (a_1 || b_1)", set(), {"a_1", "b_1"}, False, False),  # x_1 decides anyway
        ("x_1 && (a_1 || b_1)", {"x_1"}, {"a_1", "b_1"}, True, True),  # nested || reduced
        ("a_1 && b_1", {"a_1"}, set(), False, False),
    ],
)
def test_undocumented_cases(condition: str, selected: set[str], na: set[str], value: bool, ambiguous: bool) -> None:
    expr = parse(condition)
    assert holds(expr, selected, na) is value
    assert is_ambiguous(expr, na, selected) is ambiguous


def test_answer_is_ambiguous_only_when_the_risk_could_differ() -> None:
    rules = [RiskRule(condition="a_1 && !b_1", risk="NONE"), RiskRule(condition="default", risk="HIGH")]
    assert assess_rules(rules, {"a_1"}, {"b_1"}).ambiguous
    same = [RiskRule(condition="a_1 && !b_1", risk="NONE"), RiskRule(condition="default", risk="NONE")]
    assert not assess_rules(same, {"a_1"}, {"b_1"}).ambiguous


# --- syntax ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "offset", "reason"),
    [
        ("", 0, "empty condition"),
        ("a_1 && && b_1", 7, "expected a choice id, got '&&'"),
        ("a_1 & b_1", 4, "unexpected character '&' (use && and ||)"),
        ("a_1 | b_1", 4, "unexpected character '|' (use && and ||)"),
        ("(a_1 || b_1", 0, "'(' is never closed"),
        ("a_1 || (b_1 && (c_1)", 7, "'(' is never closed"),
        ("a_1 b_1", 4, "expected && or || or the end, got 'b_1'"),
        ("a_1 &&", 6, "condition ends where a choice id was expected"),
        ("a_1 && default", 7, "'default' must stand alone"),
        ("a-1 && b_1", 1, "unexpected character '-'"),
        ("a_1)", 3, "expected && or || or the end, got ')'"),
    ],
)
def test_syntax_errors_give_the_offset(condition: str, offset: int, reason: str) -> None:
    with pytest.raises(RuleSyntaxError) as caught:
        parse(condition)
    assert (caught.value.position, caught.value.reason) == (offset, reason)
    assert f"at offset {offset}" in str(caught.value)


def test_default_and_spacing() -> None:
    assert parse("  default ") == Default()
    assert parse(" !( a_1||b_1 )&&c_1 ") == And((Not(Or((Var("a_1"), Var("b_1")))), Var("c_1")))


def test_precedence_is_not_over_and_over_or() -> None:
    assert parse("!a_1 && b_1 || c_1") == Or((And((Not(Var("a_1")), Var("b_1"))), Var("c_1")))


@pytest.mark.parametrize(
    ("condition", "relies"),
    [
        ("a_1 && b_1 || c_1", True),
        ("(a_1 && b_1) || c_1", False),
        ("(a_1 && b_1) || (c_1 || d_1)", False),  # two groups at one depth are not one group
        ("(a_1 || b_1 && c_1)", True),
        ("((c1 || c2) && c3) || (!c1 && c3)", False),
        ("default", False),
    ],
)
def test_relies_on_precedence(condition: str, relies: bool) -> None:
    assert relies_on_precedence(condition) is relies


def test_guard_is_added_once_and_printed_flat() -> None:
    expr = parse("a_1 && b_1")
    guarded_expr = with_guard(expr, "q_no")
    assert to_condition(guarded_expr) == "a_1 && b_1 && !q_no"
    assert with_guard(guarded_expr, "q_no") == guarded_expr
    assert to_condition(with_guard(parse("a_1 || b_1"), "q_no")) == "(a_1 || b_1) && !q_no"
    assert guarded(parse("(a_1 && !q_no) || (b_1 && !q_no)"), "q_no")
    assert not guarded(parse("(a_1 && !q_no) || b_1"), "q_no")


def test_check_rules_reports_in_rule_order() -> None:
    rules = [("a_1 && zz_9", "NONE"), ("default", "HIGH"), ("a_1 &&", "NONE"), ("!a_1 || b_1 && c_1", "HIGH")]
    problems = [(p.index, p.field, p.code) for p in check_rules(rules, ["a_1", "b_1", "c_1"], question="Q1")]
    assert problems == [
        (0, "condition", "E31"),
        (1, "condition", "E32"),
        (2, "condition", "E30"),
        (2, "risk", "E33"),
        (3, "condition", "W34"),
        (3, "condition", "W46"),
        (3, "risk", "E33"),
        (3, "condition", "E32"),
    ]
    messages = [(p.index, p.message) for p in check_rules(rules, ["a_1", "b_1", "c_1"], question="Q1")]
    assert (0, "'zz_9' is not a choice of question Q1 (choices: a_1, b_1, c_1)") in messages
    assert (1, "rules after 'default' can never apply") in messages
    assert (3, "the last rule must be 'default'") in messages
    assert (2, "a second rule with risk NONE") in messages


def test_negated_none_choice_is_the_allowed_guard() -> None:
    problems = check_rules(
        [("a_1 && !q_no", "NONE"), ("default", "HIGH")], ["a_1", "q_no"], question="Q", none_ids=["q_no"]
    )
    assert problems == []
