"""The shipped example, examples/fraud-detection, scanned end to end and checked exactly.

It is the project the README walks through: a DVC pipeline (prepare, train, evaluate) with an
S3 remote, MLflow tracking and registration, a pandera schema with its tests, SHAP in the
evaluation, Terraform for a SageMaker endpoint with a KMS key and a locked-down bucket, two
GitHub workflows (tests; a weekly `dvc repro` with OIDC credentials) and a Dockerfile. Each
row below was checked by hand against the file and line it names. Every family is compared,
so a rule that starts or stops firing here, or moves its line, fails this test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scanfiles import Row, assert_exactly

from mllens.scan.result import ScanResult
from mllens.scan.run import run_scan

PROJECT = Path(__file__).resolve().parents[2] / "examples" / "fraud-detection"

WORKFLOWS = ".github/workflows"
EXPECTED: set[Row] = {
    # CI: pytest on every push; weekly training with OIDC and a tag-pinned third-party action
    ("ci.actions_pinned", "ci_actions_pinned", "contradicts", f"{WORKFLOWS}/train.yml", 16),
    ("ci.actions_pinned", "ci_actions_pinned", "contradicts", f"{WORKFLOWS}/ci.yml", 14),  # actions/ at a tag
    ("ci.actions_pinned", "ci_actions_pinned", "contradicts", f"{WORKFLOWS}/ci.yml", 15),
    ("ci.actions_pinned", "ci_actions_pinned", "contradicts", f"{WORKFLOWS}/train.yml", 15),
    ("ci.ci_tests", "ci_tests", "supports", f"{WORKFLOWS}/ci.yml", 19),
    ("ci.step_installs", "dependencies_pinned", "contradicts", f"{WORKFLOWS}/train.yml", 20),  # dvc[s3]
    ("ci.scheduled_training", "scheduled_retraining", "supports", f"{WORKFLOWS}/train.yml", 3),
    ("ci.short_lived_credentials", "ci_short_lived_credentials", "supports", f"{WORKFLOWS}/train.yml", 16),
    ("ci.token_permissions", "ci_token_permissions", "supports", f"{WORKFLOWS}/ci.yml", 7),
    ("ci.token_permissions", "ci_token_permissions", "supports", f"{WORKFLOWS}/train.yml", 7),
    ("ci.training_in_ci", "training_in_ci", "supports", f"{WORKFLOWS}/train.yml", 21),
    ("ci.training_in_ci", "training_pipeline_in_ci", "supports", f"{WORKFLOWS}/train.yml", 21),
    # data and tests
    ("data.data_tests", "ml_tests", "supports", "tests/test_prepare.py", 2),
    ("data.large_files", "no_large_data_in_git", "supports", "data/raw/transactions.csv.dvc", None),
    ("data.model_code_tests", "ml_tests", "supports", "tests/test_prepare.py", 5),
    ("dependencies.requirements_pinned", "dependencies_pinned", "supports", "requirements.txt", 2),
    # serving image: floating python:3.11-slim tag, no USER
    ("docker.base_image_pinned", "base_images_pinned", "contradicts", "docker/Dockerfile", 1),
    ("docker.non_root_user", "no_root_access", "contradicts", "docker/Dockerfile", 1),
    ("docs.codeowners", "codeowners", "supports", ".github/CODEOWNERS", 2),
    # DVC pipeline, data and remote
    ("dvc.data_remote", "data_versioned", "supports", ".dvc/config", 4),
    ("dvc.data_remote", "dataset_versioning", "supports", ".dvc/config", 4),
    ("dvc.metrics_tracked", "experiment_tracking", "supports", "dvc.yaml", 28),
    ("dvc.params_seed", "random_seeds", "supports", "params.yaml", 3),
    ("dvc.pipeline_stages", "data_pipeline", "supports", "dvc.yaml", 2),
    ("dvc.pipeline_stages", "ml_pipeline", "supports", "dvc.yaml", 11),
    ("dvc.tracked_data", "dataset_versioning", "supports", "data/raw/transactions.csv.dvc", 1),
    # Python modules
    ("python_code.data_validation", "data_validation", "supports", "src/fraud/prepare.py", 29),
    ("python_code.early_stopping", "early_stopping", "supports", "src/fraud/train.py", 33),
    ("python_code.experiment_tracking", "experiment_tracking", "supports", "src/fraud/train.py", 32),
    ("python_code.experiment_tracking", "run_lineage", "supports", "src/fraud/train.py", 32),
    # the evaluation step fails (main returns 1 to sys.exit) when AUC is below the agreed minimum
    ("python_code.evaluation_gate", "evaluation_gate", "supports", "src/fraud/evaluate.py", 35),
    ("python_code.explainability", "explanations_computed", "supports", "src/fraud/evaluate.py", 28),
    ("python_code.explainability", "feature_importance", "supports", "src/fraud/evaluate.py", 28),
    ("python_code.ml_tests", "ml_tests", "supports", "tests/test_prepare.py", 8),
    ("python_code.model_registry", "model_registry", "supports", "src/fraud/train.py", 41),
    ("python_code.random_seeds", "random_seeds", "supports", "src/fraud/prepare.py", 30),
    ("python_code.random_seeds", "reproducible_split", "supports", "src/fraud/prepare.py", 30),
    # the SageMaker input_fn checks the content type, then builds the frame from raw JSON
    ("python_code.request_validation", "input_validation", "contradicts", "src/fraud/serve.py", 19),
    ("python_code.request_validation", "request_schema", "contradicts", "src/fraud/serve.py", 19),
    ("python_code.random_seeds", "random_seeds", "supports", "src/fraud/train.py", 23),
    ("python_code.training_in_modules", "training_outside_notebooks", "info", "src/fraud/train.py", 40),
    ("python_code.unsafe_deserialisation", "safe_model_loading", "contradicts", "src/fraud/evaluate.py", 23),
    ("python_code.unsafe_deserialisation", "safe_model_loading", "contradicts", "src/fraud/serve.py", 13),
    # Terraform: SageMaker endpoint (CMK, one instance, no capture, no VPC) and its bucket
    ("ml_resources.ml_infrastructure_as_code", "endpoint_as_code", "supports", "infra/main.tf", 58),
    ("ml_resources.ml_infrastructure_as_code", "infrastructure_as_code", "supports", "infra/main.tf", 48),
    ("ml_resources.ml_private_networking", "private_networking", "contradicts", "infra/main.tf", 48),
    ("ml_resources.ml_resource_cmk", "storage_encrypted_cmk", "supports", "infra/main.tf", 60),
    ("ml_resources.endpoint_data_capture", "data_capture", "contradicts", "infra/main.tf", 58),
    ("ml_resources.endpoint_data_capture", "endpoint_data_capture", "contradicts", "infra/main.tf", 58),
    ("ml_resources.serving_instance_count", "multiple_instances", "contradicts", "infra/main.tf", 66),
    # nothing in the example scales, alarms on or monitors its endpoint
    ("ml_resources.unwatched_endpoints", "endpoint_autoscaling", "contradicts", "infra/main.tf", 66),
    ("ml_resources.unwatched_endpoints", "model_monitoring_schedule", "contradicts", "infra/main.tf", 70),
    ("ml_resources.unwatched_endpoints", "serving_alarms", "contradicts", "infra/main.tf", 70),
    ("platform_resources.bucket_encryption", "storage_encrypted_cmk", "supports", "infra/main.tf", 35),
    ("platform_resources.bucket_public_access", "private_networking", "supports", "infra/main.tf", 40),
    ("platform_resources.bucket_versioning", "storage_versioning", "supports", "infra/main.tf", 26),
    ("platform_resources.cost_allocation_tags", "cost_allocation_tags", "supports", "infra/main.tf", 9),
    ("platform_resources.iam_wildcard_actions", "least_privilege_iam", "contradicts", "infra/iam.tf", 26),
    ("platform_resources.kms_key_rotation", "storage_encrypted_cmk", "supports", "infra/main.tf", 16),
}
# Findings about the project as a whole (file "."): no credential pattern anywhere.
EXPECTED_PROJECT: set[Row] = {
    ("secrets.none_found", "no_secrets_in_code", "supports", ".", None),
}


@pytest.fixture(scope="module")
def scan() -> ScanResult:
    return run_scan(PROJECT, use_cache=False, workers=1)


def _rows(scan: ScanResult, *, project_level: bool) -> list[Row]:
    return [(e.rule, e.check, e.outcome, e.file, e.line) for e in scan.evidence if (e.file == ".") == project_level]


@pytest.mark.parametrize(("project_level", "expected"), [(False, EXPECTED), (True, EXPECTED_PROJECT)],
                         ids=["files", "project"])
def test_example_evidence_is_exactly_expected(scan: ScanResult, project_level: bool, expected: set[Row]) -> None:
    assert_exactly(_rows(scan, project_level=project_level), expected, "fraud-detection")


def test_example_scans_without_diagnostics(scan: ScanResult) -> None:
    assert [(d.kind, d.file, d.rule) for d in scan.diagnostics] == []
