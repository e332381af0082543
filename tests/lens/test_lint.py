"""The lens linter: every check of wa-lens-format.md section 5, on AWS documents and our lens."""

from __future__ import annotations

import copy
from collections.abc import Callable
from itertools import combinations
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mllens.lens import load_shipped_lens
from mllens.lens.lint import Finding, declared_maximum, has_errors, lint_document, lint_lens
from mllens.lens.lint_semantics import risk_tables
from mllens.lens.model import Lens, Pillar, Practice, Question, RiskRule
from mllens.lens.rules import Expr, Not, Or, Var, evaluate_rules, to_condition
from mllens.lens.wa_spec import FROM_WA_RISK

Doc = dict[str, Any]

BASE: Doc = {
    "schemaVersion": "2021-11-01",
    "name": "Test lens",
    "description": "A lens for the linter tests",
    "pillars": [
        {
            "id": "security",
            "name": "Security",
            "questions": [
                {
                    "id": "SEC01",
                    "title": "How do you protect stored data?",
                    "choices": [
                        {"id": "SEC01_a", "title": "Encrypt data", "improvementPlan": {"displayText": "Turn it on"}},
                        {"id": "SEC01_b", "title": "Rotate keys", "improvementPlan": {"displayText": "Rotate yearly"}},
                        {"id": "SEC01_no", "title": "None of these"},
                    ],
                    "riskRules": [
                        {"condition": "SEC01_a && SEC01_b && !SEC01_no", "risk": "NO_RISK"},
                        {"condition": "SEC01_a && !SEC01_no", "risk": "MEDIUM_RISK"},
                        {"condition": "default", "risk": "HIGH_RISK"},
                    ],
                }
            ],
        }
    ],
}
Q = "pillars[0].questions[0]"


def doc() -> Doc:
    return copy.deepcopy(BASE)


def question(d: Doc) -> Doc:
    q: Doc = d["pillars"][0]["questions"][0]
    return q


def found(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.code, f.path) for f in findings]


def test_the_base_document_is_clean() -> None:
    assert lint_document(doc()) == []


def _set(path: list[str | int], value: Any) -> Callable[[Doc], None]:
    def mutate(d: Doc) -> None:
        target: Any = d
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _drop(path: list[str | int]) -> Callable[[Doc], None]:
    def mutate(d: Doc) -> None:
        target: Any = d
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


P0 = ["pillars", 0]
Q0 = [*P0, "questions", 0]
C0 = [*Q0, "choices", 0]
R = [*Q0, "riskRules"]

CASES: list[tuple[str, Callable[[Doc], None], list[tuple[str, str]]]] = [
    ("missing top key", _drop(["description"]), [("E01", "description")]),
    ("unknown top key", _set(["owner"], "team"), [("W01", "owner")]),
    ("unknown nested key", _set([*C0, "weight"], 3), [("W01", f"{Q}.choices[0].weight")]),
    ("schema version", _set(["schemaVersion"], "2020-01-01"), [("E02", "schemaVersion")]),
    ("null", _set([*P0, "name"], None), [("E03", "pillars[0].name")]),
    ("wrong type", _set([*Q0, "title"], 7), [("E03", f"{Q}.title")]),
    ("empty string", _set([*C0, "title"], "  "), [("E03", f"{Q}.choices[0].title")]),
    ("no pillars", _set(["pillars"], []), [("E04", "pillars")]),
    ("empty pillar", _set([*P0, "questions"], []), [("W04", "pillars[0].questions")]),
    ("bad resource type", _set([*C0, "additionalResources"], [{"type": "VIDEO", "content": []}]),
     [("E04", f"{Q}.choices[0].additionalResources[0].type")]),
    ("six extra items", _set([*C0, "additionalResources"], [
        {"type": "HELPFUL_RESOURCE", "content": [{"displayText": f"r{i}", "url": "https://x.org"} for i in range(6)]}]),
     [("E04", f"{Q}.choices[0].additionalResources[0].content")]),
    ("four rules", lambda d: question(d)["riskRules"].insert(0, {"condition": "SEC01_b", "risk": "NO_RISK"}),
     [("E04", f"{Q}.riskRules"), ("E33", f"{Q}.riskRules[1].risk")]),
    ("bad id", _set([*P0, "id"], "se"), [("E10", "pillars[0].id")]),
    ("duplicate pillar", lambda d: d["pillars"].append(copy.deepcopy(d["pillars"][0]) | {"questions": []}),
     [("E11", "pillars[1].id"), ("W04", "pillars[1].questions")]),
    ("duplicate choice", _set([*Q0, "choices", 1, "id"], "SEC01_a"),
     [("E11", f"{Q}.choices[1].id"), ("E31", f"{Q}.riskRules[0].condition")]),
    ("framework pillar case", _set([*P0, "id"], "Security"), [("W12", "pillars[0].id")]),
    ("two none choices", lambda d: question(d)["choices"].insert(0, {"id": "SEC01_x_no", "title": "None"}),
     [("W13", f"{Q}.choices"), ("W42", Q)]),
    ("no improvement plan", _drop([*C0, "improvementPlan"]), [("E14", f"{Q}.choices[0].improvementPlan")]),
    ("title too long", _set([*Q0, "title"], "x" * 129), [("E20", f"{Q}.title")]),
    ("description too long", _set([*Q0, "description"], "x" * 2049), [("E20", f"{Q}.description")]),
    ("description above safe", _set([*Q0, "description"], "x" * 1025), [("W20", f"{Q}.description")]),
    ("refused characters", _set([*C0, "title"], "Encrypt data; 100%"), [("E21", f"{Q}.choices[0].title")]),
    ("url scheme", _set([*C0, "helpfulResource"], {"displayText": "doc", "url": "ftp://x.org"}),
     [("E22", f"{Q}.choices[0].helpfulResource.url")]),
    ("url without text", _set([*C0, "helpfulResource"], {"url": "https://x.org"}),
     [("E22", f"{Q}.choices[0].helpfulResource.displayText")]),
    ("question helpful text", _set([*Q0, "helpfulResource"], {"displayText": "x" * 65}),
     [("W23", f"{Q}.helpfulResource.displayText")]),
    ("syntax", _set([*R, 0, "condition"], "SEC01_a &&"), [("E30", f"{Q}.riskRules[0].condition")]),
    ("unknown choice", _set([*R, 1, "condition"], "SEC01_z && !SEC01_no"), [("E31", f"{Q}.riskRules[1].condition")]),
    ("no default", _set([*R, 2, "condition"], "SEC01_b"), [("E32", f"{Q}.riskRules[2].condition")]),
    ("same risk twice", _set([*R, 1, "risk"], "NO_RISK"), [("E33", f"{Q}.riskRules[1].risk")]),
    ("bad risk", _set([*R, 1, "risk"], "LOW_RISK"), [("E03", f"{Q}.riskRules[1].risk")]),
    ("no rules", _set(R, []), [("E04", f"{Q}.riskRules")]),
    ("precedence", _set([*R, 1, "condition"], "SEC01_a && !SEC01_no || SEC01_b && !SEC01_no"),
     [("W34", f"{Q}.riskRules[1].condition")]),
]  # fmt: skip


@pytest.mark.parametrize(("mutate", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_structure_and_syntax_checks(mutate: Callable[[Doc], None], expected: list[tuple[str, str]]) -> None:
    d = doc()
    mutate(d)
    assert found(lint_document(d)) == expected


def test_top_level_must_be_an_object() -> None:
    assert found(lint_document([1, 2])) == [("E01", "")]


def test_document_size_limit() -> None:
    d = doc()
    for i in range(1, 20):  # 20 questions per pillar, each with long (but legal) text
        q = copy.deepcopy(question(d))
        q["id"] = f"SEC{i:02d}"
        d["pillars"][0]["questions"].append(q)
    for q in d["pillars"][0]["questions"]:
        for c in q["choices"][:2]:
            c["helpfulResource"] = {"displayText": "y" * 1000}
            c["additionalResources"] = [
                {"type": "HELPFUL_RESOURCE", "content": [{"displayText": "z" * 1000} for _ in range(5)]},
                {"type": "IMPROVEMENT_PLAN", "content": [{"displayText": "w" * 1000} for _ in range(5)]},
            ]
    d["pillars"] += [copy.deepcopy(d["pillars"][0]) | {"id": f"custom{i}"} for i in range(2)]
    codes = {f.code for f in lint_document(d)}
    assert codes == {"E05", "E11"}  # and the question ids repeat in the copied pillars


def test_long_choice_ids_warn_on_import_and_fail_on_export() -> None:
    d = doc()
    long_id = "SEC01_" + "a" * 60
    question(d)["choices"][0]["id"] = long_id
    question(d)["riskRules"][0]["condition"] = f"{long_id} && SEC01_b && !SEC01_no"
    question(d)["riskRules"][1]["condition"] = f"{long_id} && !SEC01_no"
    assert found(lint_document(d)) == [("W10", f"{Q}.choices[0].id")]
    assert found(lint_document(d, for_export=True)) == [("E10", f"{Q}.choices[0].id")]


# --- semantics ---------------------------------------------------------------------------


def _semantic(
    rules: list[tuple[str, str]], choices: list[str], declared: str | None = None
) -> list[tuple[str, str | None]]:
    d = doc()
    q = question(d)
    q["choices"] = [{"id": c, "title": c, "improvementPlan": {"displayText": c}} for c in choices]
    q["riskRules"] = [{"condition": c, "risk": r} for c, r in rules]
    findings = lint_document(d, declared_max={"SEC01": declared} if declared else None)
    return [(f.code, f.choice) for f in findings]


def test_ml_lens_sample_rule_shape_shows_its_known_defects() -> None:
    """The rule pattern of AWS's published ML lens file (section 4): MEDIUM unreachable,
    a practice no rule reads, an unguarded "None of these" and negated practices."""
    rules = [
        ("Q_BP01 && Q_BP02", "NO_RISK"),
        ("(!Q_BP01) || (!Q_BP02)", "HIGH_RISK"),
        ("default", "MEDIUM_RISK"),
    ]
    assert _semantic(rules, ["Q_BP01", "Q_BP02", "Q_BP03", "Q_no"]) == [
        ("W46", None),
        ("W46", None),
        ("W40", None),
        ("W41", "Q_BP03"),
        ("W42", "Q_no"),
    ]


def test_missing_guard_message_names_an_example() -> None:
    d = doc()
    question(d)["riskRules"][0]["condition"] = "SEC01_a && SEC01_b"
    (finding,) = lint_document(d)
    assert (finding.code, finding.choice) == ("W42", "SEC01_no")
    assert "{SEC01_a, SEC01_b, SEC01_no} gives NO_RISK" in finding.message


def test_every_practice_must_give_no_risk() -> None:
    rules = [("A_1 && B_1 && C_1 && !Q_no", "NO_RISK"), ("default", "HIGH_RISK")]
    assert _semantic(rules, ["A_1", "B_1", "Q_no"]) == [("E31", None)]
    rules = [("A_1 && !Q_no", "MEDIUM_RISK"), ("default", "HIGH_RISK")]
    assert _semantic(rules, ["A_1", "B_1", "Q_no"]) == [("W41", "B_1"), ("W43", None)]


def test_non_monotone_rules() -> None:
    rules = [("A_1 && !B_1 && !Q_no", "NO_RISK"), ("default", "HIGH_RISK")]
    assert _semantic(rules, ["A_1", "B_1", "Q_no"]) == [("W46", None), ("W44", "B_1"), ("W43", None)]


def test_rules_that_read_a_choice_without_effect() -> None:
    rules = [("(A_1 || (A_1 && B_1)) && !Q_no", "NO_RISK"), ("default", "HIGH_RISK")]
    findings = _semantic(rules, ["A_1", "B_1", "Q_no"])
    assert findings == [("W41", "B_1")]


def test_declared_maximum_higher_than_reachable() -> None:
    rules = [("A_1 && !Q_no", "NO_RISK"), ("default", "MEDIUM_RISK")]
    assert _semantic(rules, ["A_1", "Q_no"], declared="HIGH_RISK") == [("W45", None)]
    assert _semantic(rules, ["A_1", "Q_no"], declared="MEDIUM_RISK") == []


def test_fifteen_choices_are_enumerated() -> None:
    choices = [f"C_{i:02d}" for i in range(14)] + ["Q_no"]
    every = " && ".join(choices[:14])
    rules = [(f"{every} && !Q_no", "NO_RISK"), (f"{choices[0]} && !Q_no", "MEDIUM_RISK"), ("default", "HIGH_RISK")]
    assert _semantic(rules, choices) == []


# The truth-table engine against the evaluator, over every selection of small questions.

CHOICES = ["A_1", "B_1", "C_1", "Q_no"]
small_exprs: st.SearchStrategy[Expr] = st.recursive(
    st.builds(Var, st.sampled_from(CHOICES)),
    lambda kids: st.one_of(st.builds(Not, kids), st.builds(Or, st.lists(kids, min_size=2, max_size=3).map(tuple))),
    max_leaves=6,
)


@settings(max_examples=200)
@given(
    st.lists(st.tuples(small_exprs, st.sampled_from(["NO_RISK", "MEDIUM_RISK"])), max_size=2, unique_by=lambda r: r[1])
)
def test_truth_tables_agree_with_the_evaluator(rules: list[tuple[Expr, str]]) -> None:
    written = [(to_condition(e), r) for e, r in rules] + [("default", "HIGH_RISK")]
    tables = risk_tables(written, CHOICES)
    model = [RiskRule(condition=c, risk=FROM_WA_RISK[r]) for c, r in written]  # type: ignore[arg-type]
    for size in range(1, len(CHOICES) + 1):
        for picked in combinations(range(len(CHOICES)), size):
            s = sum(1 << i for i in picked)
            by_tables = next(FROM_WA_RISK[r] for (_, r), t in zip(written, tables, strict=True) if t >> s & 1)
            assert evaluate_rules(model, [CHOICES[i] for i in picked]).value == by_tables


# --- our YAML lens ----------------------------------------------------------------------


def _small_lens(rules: list[tuple[str, str]], *, description: str = "Keep data encrypted.") -> Lens:
    practices = [
        Practice(id="SEC01-BP01", title="Encrypt data", risk_if_missing="high", description=description),
        Practice(id="SEC01-BP02", title="Rotate keys", risk_if_missing="medium"),
    ]
    q = Question(
        id="SEC01",
        title="How do you protect stored data?",
        choices=practices,
        none_choice={"id": "SEC01_no"},  # type: ignore[arg-type]
        risk_rules=[RiskRule(condition=c, risk=r) for c, r in rules],  # type: ignore[arg-type]
    )
    q._pillar = "data_security"
    pillar = Pillar(id="data_security", wa_id="security", name="Security")
    return Lens(id="t", name="Test lens", version="1", description="For tests", pillars=[pillar], questions=[q])


def test_our_lens_findings_use_our_ids_and_fields() -> None:
    lens = _small_lens([("SEC01_BP01 && SEC01_BP02", "NONE"), ("default", "MEDIUM")], description="x" * 2100)
    assert [(f.code, f.pillar, f.question, f.choice, f.path) for f in lint_lens(lens)] == [
        ("E20", "data_security", "SEC01", "SEC01-BP01", "description and why (helpfulResource.displayText)"),
        ("W42", "data_security", "SEC01", "SEC01_no", ""),
        ("W45", "data_security", "SEC01", None, ""),
    ]
    assert declared_maximum(lens) == {"SEC01": "HIGH_RISK"}


def test_our_lens_rule_findings_name_risk_rules() -> None:
    lens = _small_lens([("SEC01_BP01 && !SEC01_no || SEC01_BP02 && !SEC01_no", "MEDIUM"), ("default", "HIGH")])
    (finding, warning) = lint_lens(lens)
    assert (finding.code, finding.path) == ("W34", "risk_rules[0].condition")
    assert finding.to_dict() == {
        "code": "W34",
        "pillar": "data_security",
        "question": "SEC01",
        "choice": None,
        "message": "risk_rules[0].condition: 'SEC01_BP01 && !SEC01_no || SEC01_BP02 && !SEC01_no' "
        "mixes && and || without parentheses and relies on precedence",
    }
    assert warning.code == "W43"


def test_shipped_lens_has_no_errors() -> None:
    findings = lint_lens(load_shipped_lens())
    assert not has_errors(findings), [f.message for f in findings if f.severity == "error"]


def test_shipped_lens_rules_have_no_semantic_defects() -> None:
    findings = lint_lens(load_shipped_lens())
    defects = [f"{f.code} {f.where}: {f.message}" for f in findings if f.code in ("W40", "W42", "W43", "W44", "W45")]
    assert defects == []
