"""Two realistic projects scanned end to end, checked exactly for the evidence of the
dependencies, dvc, mlflow, data, docs and secrets families (and of ci, which test_projects.py
does not compare on these two).

- open-source-dvc-mlflow: a DVC pipeline with a remote, a committed demo MLflow store (runs,
  registered model, MLmodel with signature), uv.lock, model card, datasheet, ADRs, tests.
- notebook-only: Kaggle-style notebooks, unpinned requirements, a 48 MB train.csv (made by
  bigfiles.py: too large to commit), an AWS key in a cell and a Hugging Face token printed in
  a cell output, no tests, no CODEOWNERS.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from scanfiles import Row, assert_exactly, rows_of

from mllens.scan.result import ScanResult
from mllens.scan.run import run_scan

PROJECTS = Path(__file__).resolve().parents[1] / "projects"
OURS = ("dependencies.", "dvc.", "mlflow.", "data.", "docs.", "secrets.")

RUN = "mlruns/614213958870352741"
EXPECTED: dict[str, set[Row]] = {
    "open-source-dvc-mlflow": {
        ("data.data_tests", "ml_tests", "supports", "tests/test_prepare.py", 2),
        ("data.large_files", "no_large_data_in_git", "supports", "data/raw/reviews.csv.dvc", None),
        ("data.model_code_tests", "ml_tests", "supports", "tests/test_featurize.py", 1),
        ("data.model_code_tests", "ml_tests", "supports", "tests/test_prepare.py", 4),
        ("dependencies.lock_file", "dependencies_pinned", "supports", "uv.lock", 1),
        ("dependencies.manifest_unlocked", "dependencies_pinned", "supports", "python_env.yaml", 1),
        ("docs.codeowners", "codeowners", "supports", ".github/CODEOWNERS", 2),
        ("docs.dataset_datasheet", "dataset_datasheet", "supports", "DATASHEET.md", 1),
        ("docs.lessons_log", "lessons_log", "supports", "docs/adr/0001-version-data-with-dvc.md", 1),
        ("docs.lessons_log", "lessons_log", "supports", "docs/adr/0002-log-runs-to-mlflow.md", 1),
        ("docs.model_card", "model_card", "supports", "MODEL_CARD.md", 1),
        ("dvc.data_remote", "data_versioned", "supports", ".dvc/config", 4),
        ("dvc.data_remote", "dataset_versioning", "supports", ".dvc/config", 4),
        ("dvc.lock_lineage", "dataset_versioning", "supports", "dvc.lock", 3),
        ("dvc.lock_lineage", "run_lineage", "supports", "dvc.lock", 3),
        ("dvc.metrics_tracked", "experiment_tracking", "supports", "dvc.yaml", 37),
        ("dvc.params_seed", "random_seeds", "supports", "params.yaml", 3),
        ("dvc.pipeline_stages", "data_pipeline", "supports", "dvc.yaml", 2),
        ("dvc.pipeline_stages", "ml_pipeline", "supports", "dvc.yaml", 20),
        ("dvc.tracked_data", "dataset_versioning", "supports", "data/raw/reviews.csv.dvc", 1),
        ("mlflow.mlproject", "run_lineage", "supports", "MLproject", 6),
        ("mlflow.model_signature", "request_schema", "supports",
         f"{RUN}/c3a9e1f0b27d4e5c9a8b7c6d5e4f3a21/artifacts/model/MLmodel", 20),
        ("mlflow.registered_model", "model_registry", "supports", "mlruns/models/review-sentiment/meta.yaml", 4),
        ("mlflow.run_git_commit", "run_lineage", "supports", f"{RUN}/meta.yaml", 1),
        ("mlflow.tracked_runs", "experiment_tracking", "supports", f"{RUN}/meta.yaml", 6),
        ("secrets.none_found", "no_secrets_in_code", "supports", ".", None),
    },
    "notebook-only": {
        ("data.large_files", "no_large_data_in_git", "contradicts", "data/train.csv", None),
        ("data.no_tests", "ml_tests", "contradicts", ".", None),
        ("dependencies.requirements_pinned", "dependencies_pinned", "contradicts", "requirements.txt", 1),
        ("docs.codeowners_missing", "codeowners", "info", ".", None),
        ("secrets.aws_access_key", "no_secrets_in_code", "contradicts", "notebooks/01_eda.ipynb", 41),
        ("secrets.ml_service_token", "no_secrets_in_code", "contradicts", "notebooks/03_lgbm.ipynb", 82),
    },
    # An LLM fine-tuning repo: a Slack webhook in the notification config and a GitHub token
    # shown by `git remote -v` in a cell output (fetch and push lines); pinned pyproject, no lock.
    "llm-finetune": {
        ("data.model_code_tests", "ml_tests", "supports", "tests/test_data.py", 5),
        ("data.model_code_tests", "ml_tests", "supports", "tests/test_fairness.py", 4),
        ("docs.codeowners_missing", "codeowners", "info", ".", None),
        ("secrets.git_host_token", "no_secrets_in_code", "contradicts", "notebooks/01_data_exploration.ipynb", 51),
        ("secrets.git_host_token", "no_secrets_in_code", "contradicts", "notebooks/01_data_exploration.ipynb", 52),
        ("secrets.slack_token", "no_secrets_in_code", "contradicts", "configs/notify.yaml", 4),
    },
    # The infrastructure projects of test_projects.py, checked here for these families only.
    "azure-ml": {
        # its only test asserts callable(train.main): a placeholder, which python_code.ml_tests
        # reports (tests/test_train.py:4); data.no_tests no longer says it a second time
        ("dependencies.manifest_unlocked", "dependencies_pinned", "supports", "environment/conda.yml", 1),
        ("docs.codeowners_missing", "codeowners", "info", ".", None),
        ("secrets.none_found", "no_secrets_in_code", "supports", ".", None),
    },
    "aws-ml-platform": {  # infrastructure only: no code, no secrets scan finding to report
        ("docs.codeowners_missing", "codeowners", "info", ".", None),
    },
    "kserve-kubernetes": {
        ("dependencies.requirements_pinned", "dependencies_pinned", "supports", "server/requirements.txt", 1),
        ("docs.codeowners_missing", "codeowners", "info", ".", None),
    },
    "sagemaker-cloudformation": {
        ("data.model_code_tests", "ml_tests", "supports", "tests/test_pipeline.py", 1),
        ("dependencies.requirements_pinned", "dependencies_pinned", "supports", "requirements.txt", 1),
        ("docs.codeowners_missing", "codeowners", "info", ".", None),
        ("secrets.none_found", "no_secrets_in_code", "supports", ".", None),
    },
    "sagemaker-terraform": {
        ("data.model_code_tests", "ml_tests", "supports", "tests/test_features.py", 3),
        ("dependencies.requirements_pinned", "dependencies_pinned", "supports", "requirements.txt", 1),
        ("docs.codeowners_missing", "codeowners", "info", ".", None),
        ("secrets.none_found", "no_secrets_in_code", "supports", ".", None),
    },
    "vertex-ai": {
        ("data.no_tests", "ml_tests", "contradicts", ".", None),
        ("dependencies.requirements_pinned", "dependencies_pinned", "supports", "serving/requirements.txt", 1),
        ("docs.codeowners_missing", "codeowners", "info", ".", None),
        ("secrets.none_found", "no_secrets_in_code", "supports", ".", None),
    },
}

# The CI family on the two projects test_projects.py does not compare: the DVC project's one
# workflow (pinned third-party action, scoped token, pytest; `dvc repro --dry` is not
# training) and none at all in the notebook project.
CI = ("ci.",)
EXPECTED_CI: dict[str, set[Row]] = {
    "open-source-dvc-mlflow": {
        ("ci.actions_pinned", "ci_actions_pinned", "supports", ".github/workflows/ci.yml", 13),
        ("ci.actions_pinned", "ci_actions_pinned", "supports", ".github/workflows/ci.yml", 12),  # actions/checkout
        ("ci.ci_tests", "ci_tests", "supports", ".github/workflows/ci.yml", 15),
        ("ci.step_installs", "dependencies_pinned", "supports", ".github/workflows/ci.yml", 14),
        ("ci.token_permissions", "ci_token_permissions", "supports", ".github/workflows/ci.yml", 6),
    },
    "notebook-only": set(),
}


@pytest.fixture(scope="module")
def scans() -> dict[str, ScanResult]:
    return {name: run_scan(PROJECTS / name, use_cache=False, workers=1) for name in EXPECTED}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_project_evidence_is_exactly_expected(name: str, scans: dict[str, ScanResult]) -> None:
    assert_exactly(rows_of(scans[name], OURS), EXPECTED[name], name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_our_families_leave_no_diagnostics(name: str, scans: dict[str, ScanResult]) -> None:
    ours = [d for d in scans[name].diagnostics if d.rule is not None and d.rule.startswith(OURS)]
    assert ours == []


@pytest.mark.parametrize("name", sorted(EXPECTED_CI))
def test_ci_evidence_is_exactly_expected(name: str, scans: dict[str, ScanResult]) -> None:
    assert_exactly(rows_of(scans[name], CI), EXPECTED_CI[name], name)


def _notebook_text(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "".join("".join(c["source"]) + "".join("".join(o.get("text", [])) for o in c["outputs"]) for c in cells
                   if c["cell_type"] == "code")


def test_secret_values_never_reach_the_report(scans: dict[str, ScanResult]) -> None:
    """The leaked key and token are in the notebooks; only their kind and a fingerprint are shown."""
    notebooks = PROJECTS / "notebook-only" / "notebooks"
    text = _notebook_text(notebooks / "01_eda.ipynb") + _notebook_text(notebooks / "03_lgbm.ipynb")
    leaked = re.findall(r'AKIA[0-9A-Z]{16}|hf_[A-Za-z]{34}|(?<=aws_secret_access_key=")[^"]+', text)
    assert len(leaked) == 3
    dumped = scans["notebook-only"].model_dump_json()
    for value in leaked:
        assert value[4:] not in dumped
    messages = {e.rule: e.message for e in scans["notebook-only"].evidence if e.rule.startswith("secrets.")}
    assert messages["secrets.aws_access_key"].endswith("AKIA... (20 chars)")
    assert "in cell 4" in messages["secrets.aws_access_key"]
    assert "cell output" in messages["secrets.ml_service_token"]


def test_dev_placeholders_and_generated_environments_are_not_findings(scans: dict[str, ScanResult]) -> None:
    """.env.example holds <your-...> placeholders; mlruns/ holds environments MLflow wrote
    beside the logged model: neither is evidence about the project's own files."""
    files = {e.file for e in scans["open-source-dvc-mlflow"].evidence if e.rule.startswith(OURS)}
    assert ".env.example" not in files
    assert not any(f.startswith("mlruns/") and f.endswith(("requirements.txt", "conda.yaml", "python_env.yaml"))
                   for f in files)
