"""Family metadata: the facts families share are declared in their YAML, and checked."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from mllens.errors import InputError
from mllens.scan.context import FileContext, ParsedFile, ProjectContext
from mllens.scan.registry import SCAN_READS, Family, FamilyMeta, Rule, RuleMeta, check_facts, families
from mllens.validation import validate_model

SCAN_SOURCE = Path(__file__).parents[2] / "src" / "mllens" / "scan"


def _meta(name: str, facts: dict[str, Any]) -> FamilyMeta:
    data = {"family": name, "description": "a family under test", "kinds": ["python"], "facts": facts, "rules": {}}
    return validate_model(FamilyMeta, data, file=f"{name}.yaml")


def _family(name: str, **facts: Any) -> Family:
    return Family(name=name, meta=_meta(name, facts), rules=())


def _rule(family: Family) -> Rule:
    meta = RuleMeta(
        title="A rule under test", confidence=0.5, maps=[{"practice": "MLOPS03-BP02", "check": "experiment_tracking"}],
        outcomes=["info"], why="only for this test", how="only for this test",
    )  # fmt: skip
    return Rule(id=f"{family.name}.r", family=family.name, name="r", scope="file", meta=meta, func=print,
                facts=family.meta.facts)


def _literal_keys(method: str) -> set[str]:
    """Fact keys passed as a string literal to `ctx.<method>(...)` anywhere in the scanner."""
    keys: set[str] = set()
    for path in SCAN_SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == method
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                keys.add(node.args[0].value)
    return keys


def test_facts_shared_between_families_are_declared_on_both_sides() -> None:
    by_name = {f.name: f.meta.facts for f in families()}
    assert "dvc_out" in by_name["dvc"].produces and "dvc_out" in by_name["data"].consumes
    assert "training" in by_name["notebooks"].produces and "training" in by_name["python_code"].consumes
    assert "training" in by_name["python_code"].produces and "training" in by_name["notebooks"].consumes


def test_every_fact_read_is_recorded_and_every_fact_recorded_is_read() -> None:
    recorded = {key for f in families() for key in f.meta.facts.produces}
    read = {key for f in families() for key in f.meta.facts.consumes}
    assert read <= recorded
    assert recorded - read <= SCAN_READS
    check_facts(families())  # what families() already ran, named here


def test_every_fact_key_in_the_code_is_declared() -> None:
    recorded = {key for f in families() for key in f.meta.facts.produces}
    read = {key for f in families() for key in f.meta.facts.consumes}
    in_code_recorded, in_code_read = _literal_keys("fact"), _literal_keys("facts_of")
    assert {"dvc_out", "training", "seeds"} <= in_code_recorded  # the walk sees the real calls
    assert in_code_recorded <= recorded
    assert in_code_read <= read


def test_a_fact_read_that_no_family_records_names_the_reader() -> None:
    reader = _family("reader", consumes=["tracked_paths"])
    with pytest.raises(InputError) as caught:
        check_facts([_family("writer", produces={"models": "a model file the project holds"}), reader])
    assert str(caught.value) == (
        "reader.yaml: facts.consumes[0]: reads fact 'tracked_paths', which no family records (recorded: models)"
    )


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({"produces": {"Bad Key": "a value of some kind"}}, "fact key 'Bad Key' is not lower_snake_case"),
        ({"produces": {"paths": "a path"}}, "fact 'paths': say what one value holds"),
        ({"consumes": ["paths", "paths"]}, "fact 'paths' is listed twice"),
        ({"reads": ["paths"]}, "facts.reads: unknown key 'reads'"),
    ],
)
def test_fact_declarations_are_validated(facts: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=r"^probe\.yaml: facts") as caught:
        _meta("probe", facts)
    assert message in str(caught.value)


def test_a_rule_may_record_and_read_only_what_its_family_declares() -> None:
    family = _family("probe", produces={"models": "a model file the project holds"}, consumes=["models"])
    ctx = FileContext(_rule(family), file=ParsedFile(path="a.py", kind="python", text=""))
    ctx.fact("models", {"file": "a.py"})
    assert ctx.facts == {"models": [{"file": "a.py"}]}
    with pytest.raises(ValueError, match=r"records fact 'seeds', which probe\.yaml does not declare"):
        ctx.fact("seeds", {"file": "a.py"})
    project = ProjectContext(_rule(family), facts={"models": [1], "seeds": [2]})
    assert list(project.facts_of("models")) == [1]
    with pytest.raises(ValueError, match=r"reads fact 'seeds', which probe\.yaml does not declare"):
        project.facts_of("seeds")
