"""The rule catalog: documented, mapped to real automated checks, fixtured, and its
generated docs/rules.md up to date."""

from __future__ import annotations

from pathlib import Path

import pytest

from mllens.lens import load_shipped_lens
from mllens.review.advice import syntax_of
from mllens.review.model import PlanEvidence
from mllens.scan.catalog import GENERATED_MARK, coverage, rule_problems, rules_markdown
from mllens.scan.registry import Rule, all_rules, families
from mllens.scan.run import run_scan

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "scan" / "detectors" / "fixtures"
RULES = sorted({r.id: r for r in all_rules().values()}.values(), key=lambda r: r.id)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_is_documented_mapped_and_fixtured(rule) -> None:  # type: ignore[no-untyped-def]
    assert rule_problems(load_shipped_lens(), rule, FIXTURES) == []


def test_no_fixture_dir_without_a_rule() -> None:
    known = {(r.family, r.name) for r in RULES}
    orphans = [
        f"{d.parent.name}/{d.name}"
        for family_dir in FIXTURES.iterdir()
        if family_dir.is_dir() and family_dir.name in {f.name for f in families()}
        for d in family_dir.iterdir()
        if d.is_dir() and (family_dir.name, d.name) not in known
    ]
    assert orphans == []


def test_our_families_are_registered() -> None:
    names = [f.name for f in families()]
    assert names[:2] == ["python_code", "notebooks"] or {"python_code", "notebooks"} <= set(names)


def test_docs_rules_md_is_current() -> None:
    docs = ROOT / "docs" / "rules.md"
    expected = rules_markdown(load_shipped_lens())
    assert docs.is_file() and docs.read_text(encoding="utf-8") == expected, (
        "docs/rules.md is stale: run `.venv/bin/mllens rules --markdown > docs/rules.md`"
    )
    assert expected.startswith(GENERATED_MARK)
    assert "### `python_code.experiment_tracking`" in expected


def test_coverage_counts_automated_checks() -> None:
    rows = {row.pillar: row for row in coverage(load_shipped_lens())}
    overall = rows["all"]
    assert overall.total == sum(r.total for name, r in rows.items() if name != "all")
    assert "MLOPS03-BP02/experiment_tracking" not in overall.uncovered
    assert overall.covered + len(overall.uncovered) == overall.total


def test_rule_problems_flags_orphan_mapping() -> None:
    from mllens.scan.registry import Mapping, Rule

    lens = load_shipped_lens()
    real = all_rules()["python_code.random_seeds"]
    broken_meta = real.meta.model_copy(
        update={
            "maps": [
                Mapping(practice="MLOPS02-BP04", check="no_such_check"),
                Mapping(practice="MLOPS02-BP01", check="owner_named"),
            ]
        }
    )
    broken = Rule(id=real.id, family=real.family, name=real.name, scope=real.scope, meta=broken_meta, func=real.func)
    problems = rule_problems(lens, broken)
    assert any("no check 'no_such_check'" in p for p in problems)


CONTRADICTING = [r for r in RULES if "contradicts" in r.meta.outcomes]


def fix_key_of_case(case: str) -> str:
    """The `fix` key for a fixture case named bad_<syntax> (bad_cdk_python -> cdk,
    bad_vertex_python and bad_notebook -> python, bad_arm -> arm)."""
    syntax = case.removeprefix("bad_")
    if syntax.startswith("cdk_"):
        return "cdk"
    if syntax == "notebook" or syntax == "python" or syntax.endswith("_python"):
        return "python"
    return syntax


def bad_cases(rule: Rule) -> list[Path]:
    rule_dir = FIXTURES / rule.family / rule.name
    return sorted(p for p in rule_dir.glob("bad_*") if p.is_dir())


@pytest.mark.parametrize("rule", CONTRADICTING, ids=[r.id for r in CONTRADICTING])
def test_a_contradicting_rule_has_a_fix_for_each_syntax_it_reads(rule: Rule) -> None:
    needed = {fix_key_of_case(case.name) for case in bad_cases(rule)}
    assert sorted(needed - set(rule.meta.fix)) == []
    if (FIXTURES / rule.family / rule.name / "bad").is_dir():  # a family of one syntax
        assert rule.meta.fix


@pytest.mark.parametrize("rule", CONTRADICTING, ids=[r.id for r in CONTRADICTING])
def test_the_fix_shown_for_a_bad_case_is_the_one_for_its_syntax(rule: Rule) -> None:
    """What the reports show (advice.syntax_of over the finding) is the snippet of the
    syntax the bad case is written in, never another syntax's or none."""
    wrong = []
    for case in bad_cases(rule):
        for e in run_scan(case, use_cache=False, workers=1).evidence:
            if e.rule != rule.id or e.outcome != "contradicts":
                continue
            shown = syntax_of(PlanEvidence(rule=e.rule, file=e.file, line=e.line, message=e.message), rule.meta.fix)
            if shown != fix_key_of_case(case.name):
                wrong.append(f"{case.name}/{e.file}:{e.line} {e.message!r} -> {shown}")
    assert wrong == []


def test_fix_key_of_case_normalises_the_case_names() -> None:
    names = ["bad_cdk_typescript", "bad_vertex_python", "bad_notebook", "bad_python", "bad_arm", "bad_serverless"]
    assert [fix_key_of_case(n) for n in names] == ["cdk", "python", "python", "python", "arm", "serverless"]
