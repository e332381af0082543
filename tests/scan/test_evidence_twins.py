"""One judgement per ML concept: no two rules say the same thing about the same line.

Issue 10 asks each judgement to be written once, over the resource model. A twin left in
another family (a code signal judging the SageMaker Pipeline the model already judges) shows
up as two rules emitting evidence with the same file, line, practice, check and outcome. On
the shipped example project and every project of tests/projects, there is none; an
exception would be listed below with the reason it is not a twin.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pytest

from mllens.scan.evidence import Evidence
from mllens.scan.run import run_scan

ROOT = Path(__file__).resolve().parents[2]
PROJECTS = [ROOT / "examples" / "fraud-detection", *sorted(p for p in (ROOT / "tests" / "projects").iterdir()
                                                         if p.is_dir())]  # fmt: skip

# (project folder, file, line, practice, check, outcome) -> why two rules may both say it. None now.
EXCEPTIONS: dict[tuple[str, str, int | None, str, str, str], str] = {}

Key = tuple[str, int | None, str, str, str]


def twins(evidence: Iterable[Evidence]) -> dict[Key, list[str]]:
    """Each (file, line, practice, check, outcome) more than one rule emits, with those rules."""
    said: dict[Key, set[str]] = defaultdict(set)
    for item in evidence:
        said[(item.file or "", item.line, item.practice, item.check, item.outcome)].add(item.rule)
    return {key: sorted(rules) for key, rules in said.items() if len(rules) > 1}


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_no_two_rules_emit_the_same_evidence(project: Path) -> None:
    evidence = run_scan(project, use_cache=False, workers=1).evidence
    found = {key: rules for key, rules in twins(evidence).items() if (project.name, *key) not in EXCEPTIONS}
    assert not found, f"{project.name}: the same evidence from two rules (one judgement written twice): {found}"


def test_a_twin_is_found_and_the_same_rule_twice_or_another_check_is_not() -> None:
    base = Evidence(rule="ml_resources.pipeline_resource", practice="MLOPS04-BP01", check="ml_pipeline",
                    outcome="supports", file="pipeline.py", line=5, message="m", confidence=0.8)
    twin = base.model_copy(update={"rule": "python_code.ml_pipeline"})
    again = base.model_copy(update={"message": "said again"})
    other = twin.model_copy(update={"check": "data_pipeline", "practice": "MLREL02-BP02"})
    assert twins([base, twin]) == {("pipeline.py", 5, "MLOPS04-BP01", "ml_pipeline", "supports"):
                                   ["ml_resources.pipeline_resource", "python_code.ml_pipeline"]}
    assert twins([base, again, other]) == {}
