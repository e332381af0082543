"""What `status: stable` means for a detector rule, checked against the example projects.

A rule becomes stable once it runs clean on the example projects (examples/fraud-detection
and the synthetic projects under tests/projects): it produced evidence on at least one of
them, every finding there was checked by hand against the file and line it names, and those
findings are pinned exactly by the project tests (project_expectations/*.yaml with
test_projects.py, test_projects_oss.py, test_projects_code.py, test_example_project.py).
The hand check cannot be a test; what can is that no rule is stable
without being exercised: a stable rule that stops firing on every example project must go
back to preview, or an example project must show it again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mllens.scan.registry import families
from mllens.scan.run import run_scan

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_PROJECTS: tuple[Path, ...] = (
    ROOT / "examples" / "fraud-detection",
    *sorted(p for p in (ROOT / "tests" / "projects").iterdir() if p.is_dir()),
)


@pytest.fixture(scope="module")
def fired() -> dict[str, set[str]]:
    """Rule id -> the example projects it produced evidence on; each project scanned once."""
    by_rule: dict[str, set[str]] = {}
    for project in EXAMPLE_PROJECTS:
        for item in run_scan(project, use_cache=False, workers=1).evidence:
            by_rule.setdefault(item.rule, set()).add(project.name)
    return by_rule


def test_the_example_projects_are_scanned() -> None:
    names = {p.name for p in EXAMPLE_PROJECTS}
    assert {"fraud-detection", "sagemaker-terraform", "notebook-only", "open-source-dvc-mlflow"} <= names


def test_every_stable_rule_fires_on_an_example_project(fired: dict[str, set[str]]) -> None:
    stable = {r.id for family in families() for r in family.rules if r.meta.status == "stable"}
    assert stable, "no rule is stable: this test would pass without checking anything"
    idle = sorted(stable - fired.keys())
    assert idle == [], (
        f"stable rules with no evidence on any example project: {idle}; set them back to "
        "`status: preview`, or make an example project show them and pin that in its expectation"
    )
