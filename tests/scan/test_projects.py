"""Whole-project scans of the synthetic projects under tests/projects, compared exactly.

Each project is laid out like a real one of its kind (a SageMaker project with Terraform, a
SageMaker MLOps template with CloudFormation and CodeBuild, Vertex AI with Terraform, Cloud
Build and a compiled Kubeflow pipeline, Azure ML CLI v2 specs with Bicep and Azure Pipelines,
KServe and Kubeflow manifests with a Helm chart). The expectation in
project_expectations/<project>.yaml lists every (rule, practice, check, outcome, file, line)
the infrastructure, CI and container families produce, and the diagnostics of the scan
(rule errors of other families aside). Evidence of the code, data and docs families is not
compared here: their own fixtures and tests pin it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mllens.scan.run import run_scan
from mllens.yamlio import read_yaml

ROOT = Path(__file__).resolve().parents[1]
PROJECTS = ROOT / "projects"
EXPECTATIONS = Path(__file__).parent / "project_expectations"
FAMILIES = frozenset(
    {"ml_resources", "platform_resources", "terraform_platform", "cloudformation_platform", "kubernetes", "azureml",
     "bicep", "ci", "docker"}
)
NAMES = ["sagemaker-terraform", "sagemaker-cloudformation", "vertex-ai", "azure-ml", "kserve-kubernetes",
         "aws-ml-platform"]
Row = tuple[Any, ...]


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLLENS_CACHE_DIR", str(tmp_path / "cache"))


def _expected(name: str) -> tuple[set[Row], set[Row]]:
    data = read_yaml(EXPECTATIONS / f"{name}.yaml")
    evidence = {(e["rule"], e["practice"], e["check"], e["outcome"], e["file"], e["line"]) for e in data["evidence"]}
    diagnostics = {(d["file"], d["kind"]) for d in data["diagnostics"]}
    return evidence, diagnostics


def _scanned(name: str) -> tuple[list[Row], set[Row]]:
    result = run_scan(PROJECTS / name, use_cache=False, workers=1)
    evidence = [
        (e.rule, e.practice, e.check, e.outcome, e.file, e.line)
        for e in result.evidence
        if e.rule.split(".", 1)[0] in FAMILIES
    ]
    diagnostics = {
        (d.file, d.kind)
        for d in result.diagnostics
        if d.kind != "rule_error" or (d.rule or "").split(".", 1)[0] in FAMILIES
    }
    return evidence, diagnostics


@pytest.mark.parametrize("name", NAMES)
def test_project_scan_matches_expectation(name: str) -> None:
    expected_evidence, expected_diagnostics = _expected(name)
    evidence, diagnostics = _scanned(name)
    assert len(evidence) == len(set(evidence)), f"{name}: duplicate evidence rows"
    missing = sorted(expected_evidence - set(evidence), key=repr)
    unexpected = sorted(set(evidence) - expected_evidence, key=repr)
    assert (missing, unexpected) == ([], []), f"{name}: missing {missing}\nunexpected {unexpected}"
    assert diagnostics == expected_diagnostics


def test_every_project_has_an_expectation() -> None:
    # tests/projects is shared with other suites; these five are the ones compared here
    assert all((PROJECTS / name).is_dir() for name in NAMES)
    assert sorted(p.stem for p in EXPECTATIONS.glob("*.yaml")) == sorted(NAMES)


def test_projects_show_both_outcomes_for_their_stack() -> None:
    """Each project was written to carry good and bad practice for its own stack: its main
    family must both support and contradict something, or the project is too tidy to test."""
    main_family = {
        "sagemaker-terraform": "ml_resources",  # the ML services' own resources, from Terraform
        "sagemaker-cloudformation": "ml_resources",  # ... from CloudFormation
        "vertex-ai": "ml_resources",
        "azure-ml": "ml_resources",  # ... from Bicep and Azure ML CLI v2 specs
        "kserve-kubernetes": "ci",
    }
    for name, family in main_family.items():
        evidence, _ = _expected(name)
        outcomes = {row[3] for row in evidence if row[0].startswith(family + ".")}
        assert {"supports", "contradicts"} <= outcomes, f"{name}: {family} outcomes {sorted(outcomes)}"


def test_helm_templates_are_read_with_their_values() -> None:
    evidence, diagnostics = _scanned("kserve-kubernetes")
    template = "charts/feature-api/templates/deployment.yaml"
    assert not any(file == template for file, _ in diagnostics)
    # replicaCount: 2 comes from the chart's values.yaml; the line is the template's
    row = ("ml_resources.serving_instance_count", "MLREL05-BP01", "multiple_instances", "supports", template, 8)
    assert row in evidence
