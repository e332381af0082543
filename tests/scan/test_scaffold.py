"""`mllens dev new-rule`: a judgement over the resource model gets fixtures per syntax."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

from mllens.scan import detectors
from mllens.scan.scaffold import new_rule
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
    assert "state_of(ctx.file)" in (ast.get_docstring(stub) or "")
    assert "  endpoint_example:\n    title: TODO" in (src / "ml_resources.yaml").read_text(encoding="utf-8")


def test_a_rule_of_a_syntax_family_keeps_one_bad_and_one_good_case(tmp_path: Path) -> None:
    src, fixtures = _copy(tmp_path, "docker"), tmp_path / "fixtures"
    new_rule("docker", "image_example", src=src, fixtures=fixtures)
    rule_dir = fixtures / "docker" / "image_example"
    assert {p.name for p in rule_dir.iterdir() if p.is_dir()} == {"bad", "good"}
    assert set(read_yaml(rule_dir / "expected.yaml")) == {"bad", "good"}
