"""The rule catalog: documented, mapped to real automated checks, fixtured, and its
generated docs/rules.md up to date."""

from __future__ import annotations

from pathlib import Path

import pytest

from mllens.lens import load_shipped_lens
from mllens.scan.catalog import GENERATED_MARK, coverage, rule_problems, rules_markdown
from mllens.scan.registry import all_rules, families

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
