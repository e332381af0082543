"""The synthetic projects under tests/projects, checked exactly for the evidence of the
python_code and notebooks families (test_projects_oss.py does the same for the dependency,
DVC, MLflow, data, docs and secrets families; test_projects.py for infrastructure, CI and
containers). Each row was checked by hand against the file and line it names.

- open-source-dvc-mlflow: MLflow tracking and registration behind an AUC gate, seeds, pandera
  in a test, joblib loads; its unit test that fits a TF-IDF vectorizer is not training.
- notebook-only: LightGBM trained in a notebook with early stopping and no seed anywhere.
- vertex-ai: a Kubeflow pipeline whose component calls the trainer package, no seed anywhere.
- the other infrastructure projects: their few modules and tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scanfiles import Row, assert_exactly, rows_of

from mllens.scan.result import ScanResult
from mllens.scan.run import run_scan

PROJECTS = Path(__file__).resolve().parents[1] / "projects"
CODE = ("python_code.", "notebooks.")

EXPECTED_CODE: dict[str, set[Row]] = {
    "open-source-dvc-mlflow": {
        ("python_code.data_validation", "data_validation", "supports", "tests/test_prepare.py", 19),
        ("python_code.evaluation_gate", "evaluation_gate", "supports", "src/sentiment/evaluate.py", 31),
        ("python_code.experiment_tracking", "experiment_tracking", "supports", "src/sentiment/evaluate.py", 28),
        ("python_code.experiment_tracking", "experiment_tracking", "supports", "src/sentiment/train.py", 21),
        ("python_code.experiment_tracking", "run_lineage", "supports", "src/sentiment/train.py", 22),
        ("python_code.ml_tests", "ml_tests", "supports", "tests/test_featurize.py", 4),
        ("python_code.ml_tests", "ml_tests", "supports", "tests/test_prepare.py", 10),
        ("python_code.model_registry", "model_registry", "supports", "src/sentiment/evaluate.py", 32),
        ("python_code.random_seeds", "random_seeds", "supports", "src/sentiment/prepare.py", 25),
        ("python_code.random_seeds", "random_seeds", "supports", "src/sentiment/train.py", 18),
        ("python_code.training_in_modules", "training_outside_notebooks", "supports", "src/sentiment/train.py", 24),
        ("python_code.unsafe_deserialisation", "safe_model_loading", "contradicts", "src/sentiment/evaluate.py", 19),
        ("python_code.unsafe_deserialisation", "safe_model_loading", "contradicts", "src/sentiment/evaluate.py", 20),
        ("python_code.unsafe_deserialisation", "safe_model_loading", "contradicts", "src/sentiment/train.py", 19),
    },
    "notebook-only": {
        ("notebooks.early_stopping", "early_stopping", "supports", "notebooks/03_lgbm.ipynb", 48),
        ("notebooks.training_in_notebook", "training_outside_notebooks", "info", "notebooks/03_lgbm.ipynb", 46),
        ("notebooks.training_only_in_notebooks", "training_outside_notebooks", "contradicts",
         "notebooks/03_lgbm.ipynb", 46),
        ("python_code.unseeded_training", "random_seeds", "contradicts", "notebooks/03_lgbm.ipynb", 46),
    },
    "azure-ml": {
        ("python_code.experiment_tracking", "experiment_tracking", "supports", "src/train.py", 16),
        ("python_code.experiment_tracking", "run_lineage", "supports", "src/train.py", 16),
        ("python_code.ml_tests", "ml_tests", "supports", "tests/test_train.py", 4),
        ("python_code.random_seeds", "random_seeds", "supports", "src/train.py", 17),
        ("python_code.training_in_modules", "training_outside_notebooks", "supports", "src/train.py", 18),
    },
    "kserve-kubernetes": set(),
    "sagemaker-cloudformation": {
        ("python_code.ml_pipeline", "ml_pipeline", "supports", "pipelines/churn/pipeline.py", 9),
        ("python_code.ml_tests", "ml_tests", "supports", "tests/test_pipeline.py", 4),
    },
    "sagemaker-terraform": {
        ("python_code.ml_tests", "ml_tests", "supports", "tests/test_features.py", 6),
    },
    "vertex-ai": {
        ("python_code.ml_pipeline", "ml_pipeline", "supports", "pipelines/pipeline.py", 13),
        ("python_code.training_in_modules", "training_outside_notebooks", "supports", "pipelines/pipeline.py", 10),
        ("python_code.unseeded_training", "random_seeds", "contradicts", "pipelines/pipeline.py", 10),
    },
}


@pytest.fixture(scope="module")
def scans() -> dict[str, ScanResult]:
    return {name: run_scan(PROJECTS / name, use_cache=False, workers=1) for name in EXPECTED_CODE}


def test_every_synthetic_project_is_compared() -> None:
    assert sorted(EXPECTED_CODE) == sorted(p.name for p in PROJECTS.iterdir() if p.is_dir())


@pytest.mark.parametrize("name", sorted(EXPECTED_CODE))
def test_code_evidence_is_exactly_expected(name: str, scans: dict[str, ScanResult]) -> None:
    assert_exactly(rows_of(scans[name], CODE), EXPECTED_CODE[name], name)


@pytest.mark.parametrize("name", sorted(EXPECTED_CODE))
def test_code_families_leave_no_diagnostics(name: str, scans: dict[str, ScanResult]) -> None:
    ours = [d for d in scans[name].diagnostics if d.rule is not None and d.rule.startswith(CODE)]
    assert ours == []
