"""`mllens dev new-rule`: a judgement over the resource model gets fixtures per syntax and an
attribute entry in its metadata, so a new attribute takes three files (metadata, judgement, fixtures)."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from mllens.errors import InputError
from mllens.lens import load_shipped_lens
from mllens.scan import detectors
from mllens.scan.catalog import rule_problems
from mllens.scan.model.attributes_read import declared_reads
from mllens.scan.registry import Family, FamilyMeta, Rule
from mllens.scan.scaffold import ATTRIBUTE, new_rule
from mllens.validation import validate_model
from mllens.yamlio import read_yaml

DETECTORS = Path(detectors.__file__).parent


def _copy(tmp_path: Path, family: str) -> Path:
    src = tmp_path / "detectors"
    src.mkdir()
    shutil.copy(DETECTORS / f"{family}.yaml", src / f"{family}.yaml")
    if (DETECTORS / family).is_dir():
        shutil.copytree(DETECTORS / family, src / family, ignore=shutil.ignore_patterns("__pycache__"))
    else:
        shutil.copy(DETECTORS / f"{family}.py", src / f"{family}.py")
    return src


def test_a_model_judgement_gets_a_bad_and_good_case_per_syntax(tmp_path: Path) -> None:
    src, fixtures = _copy(tmp_path, "ml_resources"), tmp_path / "fixtures"
    new_rule("ml_resources", "endpoint_example", src=src, fixtures=fixtures)
    rule_dir = fixtures / "ml_resources" / "endpoint_example"
    cases = {"bad_terraform", "good_terraform", "bad_cloudformation", "good_cloudformation"}
    assert {p.name for p in rule_dir.iterdir() if p.is_dir()} == cases
    assert set(read_yaml(rule_dir / "expected.yaml")) == cases
    code = (src / "ml_resources" / "endpoint_example.py").read_text(encoding="utf-8")  # a package family
    tree = ast.parse(code)  # the stub is valid Python
    stub = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "endpoint_example")
    assert f"model.attr('{ATTRIBUTE}')" in ast.unparse(stub)  # a working judgement of the declared attribute
    assert "  endpoint_example:\n    title: TODO" in (src / "ml_resources.yaml").read_text(encoding="utf-8")


def test_the_three_stubs_carry_a_new_attribute_without_touching_the_model(tmp_path: Path) -> None:
    src, fixtures = _copy(tmp_path, "ml_resources"), tmp_path / "fixtures"
    written = new_rule("ml_resources", "endpoint_example", src=src, fixtures=fixtures)
    # metadata, the judgement and the fixture folder: no file of mllens.scan.model
    assert written == [src / "ml_resources" / "endpoint_example.py", src / "ml_resources.yaml",
                       fixtures / "ml_resources" / "endpoint_example" / "expected.yaml"]
    meta = validate_model(FamilyMeta, read_yaml(src / "ml_resources.yaml"), file="ml_resources.yaml")
    entry = meta.rules["endpoint_example"]
    assert entry.reads == {f"Model.{ATTRIBUTE}": {}}  # the attribute entry, its types to fill in
    rule = Rule(id="ml_resources.endpoint_example", family="ml_resources", name="endpoint_example", scope="file",
                meta=entry, func=print)
    family = Family(name="ml_resources", meta=meta, rules=(rule,))
    assert declared_reads([family]) == {}  # the stub loads (the scanner keeps working) and reads nothing
    problems = rule_problems(load_shipped_lens(), rule)
    assert f"ml_resources.endpoint_example: reads Model.{ATTRIBUTE} from no resource type (name one: {{type: path}})" \
        in problems


def test_a_rule_whose_metadata_exists_leaves_no_stray_module(tmp_path: Path) -> None:
    src, fixtures = _copy(tmp_path, "ml_resources"), tmp_path / "fixtures"
    with pytest.raises(InputError, match="already has metadata"):
        new_rule("ml_resources", "serving_instance_count", src=src, fixtures=fixtures)
    assert not (src / "ml_resources" / "serving_instance_count.py").exists()


def test_a_rule_of_a_syntax_family_keeps_one_bad_and_one_good_case(tmp_path: Path) -> None:
    src, fixtures = _copy(tmp_path, "docker"), tmp_path / "fixtures"
    new_rule("docker", "image_example", src=src, fixtures=fixtures)
    rule_dir = fixtures / "docker" / "image_example"
    assert {p.name for p in rule_dir.iterdir() if p.is_dir()} == {"bad", "good"}
    assert set(read_yaml(rule_dir / "expected.yaml")) == {"bad", "good"}
