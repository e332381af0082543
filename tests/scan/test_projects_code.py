"""The synthetic projects under tests/projects, checked exactly for the evidence of the
python_code and notebooks families (test_projects_oss.py does the same for the dependency,
DVC, MLflow, data, docs and secrets families; test_projects.py for infrastructure, CI and
containers). Each row was checked by hand against the file and line it names.

- open-source-dvc-mlflow: MLflow tracking and registration behind an AUC gate, seeds, pandera
  in a test, joblib loads; its unit test that fits a TF-IDF vectorizer is not training.
- notebook-only: LightGBM trained in a notebook with early stopping and no seed anywhere.
- vertex-ai: a Kubeflow pipeline whose component calls the trainer package, no seed anywhere.
- llm-finetune: DDP fine-tuning with checkpoints and a profiler, an Optuna TPE sweep, a SageMaker
  spot launcher, whylogs baseline, Fairlearn report, safetensors + ONNX export, a Locust file,
  and two notebooks (data checks; profile, sweep, register, SHAP, per-group error rates).
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
NB1 = "notebooks/01_data_exploration.ipynb"  # llm-finetune
NB2 = "notebooks/02_sweep_and_error_analysis.ipynb"  # llm-finetune

EXPECTED_CODE: dict[str, set[Row]] = {
    "open-source-dvc-mlflow": {
        ("python_code.data_validation", "data_validation", "supports", "tests/test_prepare.py", 19),
        # the prepare stage reads the raw reviews and checks nothing about them (the pandera schema is only in a test)
        ("python_code.data_validation", "data_validation", "contradicts", "src/sentiment/prepare.py", 24),
        ("python_code.evaluation_gate", "evaluation_gate", "supports", "src/sentiment/evaluate.py", 31),
        ("python_code.experiment_tracking", "experiment_tracking", "supports", "src/sentiment/evaluate.py", 29),
        ("python_code.experiment_tracking", "experiment_tracking", "supports", "src/sentiment/train.py", 22),
        ("python_code.experiment_tracking", "run_lineage", "supports", "src/sentiment/train.py", 22),
        ("python_code.ml_tests", "ml_tests", "supports", "tests/test_featurize.py", 4),
        ("python_code.ml_tests", "ml_tests", "supports", "tests/test_prepare.py", 10),
        ("python_code.model_registry", "model_registry", "supports", "src/sentiment/evaluate.py", 32),
        ("python_code.random_seeds", "random_seeds", "supports", "src/sentiment/prepare.py", 25),
        ("python_code.random_seeds", "reproducible_split", "supports", "src/sentiment/prepare.py", 25),
        ("python_code.random_seeds", "random_seeds", "supports", "src/sentiment/train.py", 18),
        ("python_code.training_in_modules", "training_outside_notebooks", "info", "src/sentiment/train.py", 24),
        ("python_code.unsafe_deserialisation", "safe_model_loading", "contradicts", "src/sentiment/evaluate.py", 19),
        ("python_code.unsafe_deserialisation", "safe_model_loading", "contradicts", "src/sentiment/evaluate.py", 20),
        ("python_code.unsafe_deserialisation", "safe_model_loading", "contradicts", "src/sentiment/train.py", 19),
    },
    "notebook-only": {
        ("python_code.early_stopping", "early_stopping", "supports", "notebooks/03_lgbm.ipynb", 48),
        ("notebooks.training_in_notebook", "training_outside_notebooks", "info", "notebooks/03_lgbm.ipynb", 46),
        ("notebooks.training_only_in_notebooks", "training_outside_notebooks", "contradicts",
         "notebooks/03_lgbm.ipynb", 46),
        ("python_code.unseeded_training", "random_seeds", "contradicts", "notebooks/03_lgbm.ipynb", 46),
        # a time-ordered split (TimeSeriesSplit) is reproducible; training only in notebooks is no CI
        ("python_code.random_seeds", "reproducible_split", "supports", "notebooks/03_lgbm.ipynb", 44),
        ("notebooks.training_only_in_notebooks", "training_in_ci", "contradicts", "notebooks/03_lgbm.ipynb", 46),
    },
    "azure-ml": {
        ("python_code.experiment_tracking", "experiment_tracking", "supports", "src/train.py", 16),
        ("python_code.experiment_tracking", "run_lineage", "supports", "src/train.py", 16),
        # its only test asserts callable(train.main): a placeholder, which checks nothing computed (a gap)
        ("python_code.ml_tests", "ml_tests", "contradicts", "tests/test_train.py", 4),
        ("python_code.random_seeds", "random_seeds", "supports", "src/train.py", 17),
        ("python_code.training_in_modules", "training_outside_notebooks", "info", "src/train.py", 18),
    },
    "kserve-kubernetes": set(),
    "aws-ml-platform": set(),  # infrastructure only
    "llm-finetune": {
        # whylogs profile of the training table, written out as the drift baseline
        ("python_code.data_validation", "data_validation", "supports", "src/toxft/baseline.py", 30),
        ("python_code.feature_baseline", "feature_baseline", "supports", "src/toxft/baseline.py", 31),
        # Fairlearn MetricFrame of per-identity error rates; its unit tests import no fairlearn
        ("python_code.bias_measurement", "bias_measurement", "supports", "src/toxft/evaluate_fairness.py", 41),
        ("python_code.bias_measurement", "bias_metrics_computed", "supports", "src/toxft/evaluate_fairness.py", 41),
        # safetensors weights read back, then torch.onnx.export
        ("python_code.safe_weights_loading", "safe_model_loading", "supports", "src/toxft/export_onnx.py", 28),
        ("python_code.model_compilation", "model_compilation", "supports", "src/toxft/export_onnx.py", 33),
        ("python_code.load_tests", "load_tests", "supports", "loadtest/locustfile.py", 24),
        ("python_code.load_tests", "benchmark_job", "supports", "loadtest/locustfile.py", 24),
        # the SageMaker launcher: 2 instances with torch_distributed, spot, checkpoint_s3_uri; fit() submits it
        # (its spot and checkpoint settings are the resource model's: test_the_launchers_job_settings...)
        ("python_code.distributed_training", "distributed_training", "supports", "scripts/launch_sagemaker.py", 26),
        ("python_code.managed_training", "managed_training_jobs", "supports", "scripts/launch_sagemaker.py", 26),
        ("python_code.training_in_modules", "training_outside_notebooks", "info",
         "scripts/launch_sagemaker.py", 46),
        # torchrun DDP loop: seed, pre-trained weights, resume with weights_only=True, MLflow,
        # torch.profiler for the first steps, a checkpoint dict with optimizer state and step
        ("python_code.distributed_training", "distributed_training", "supports", "src/toxft/train.py", 32),
        ("python_code.random_seeds", "random_seeds", "supports", "src/toxft/train.py", 66),
        ("python_code.warm_start", "warm_start", "supports", "src/toxft/train.py", 69),
        ("python_code.warm_start", "pretrained_start", "supports", "src/toxft/train.py", 69),
        ("python_code.safe_weights_loading", "safe_model_loading", "supports", "src/toxft/train.py", 89),
        ("python_code.experiment_tracking", "experiment_tracking", "supports", "src/toxft/train.py", 98),
        ("python_code.experiment_tracking", "run_lineage", "supports", "src/toxft/train.py", 98),
        ("python_code.training_profiler", "training_profiler", "supports", "src/toxft/train.py", 103),
        ("python_code.training_in_modules", "training_outside_notebooks", "info", "src/toxft/train.py", 120),
        ("python_code.checkpointing", "checkpointing", "supports", "src/toxft/train.py", 135),
        # Optuna study with a seeded TPESampler and a MedianPruner around short Trainer runs
        # (save_strategy="no": trials keep no checkpoints)
        ("python_code.warm_start", "warm_start", "supports", "src/toxft/tune.py", 28),
        ("python_code.warm_start", "pretrained_start", "supports", "src/toxft/tune.py", 28),
        # each trial is scored on the validation split the Trainer was given, not on what it trained on
        ("python_code.held_out_evaluation", "cross_validation", "supports", "src/toxft/tune.py", 47),
        # the tuning trials fine-tune MODEL ("Qwen/Qwen2.5-0.5B") with no pinned revision
        ("python_code.hub_revisions", "base_model_pinned", "contradicts", "src/toxft/tune.py", 28),
        ("python_code.training_in_modules", "training_outside_notebooks", "info", "src/toxft/tune.py", 46),
        ("python_code.hyperparameter_search", "hyperparameter_search", "supports", "src/toxft/tune.py", 69),
        ("python_code.search_strategy", "efficient_search_strategy", "supports", "src/toxft/tune.py", 69),
        ("python_code.random_seeds", "random_seeds", "supports", "src/toxft/tune.py", 74),
        ("python_code.early_stopping", "early_stopping", "supports", "src/toxft/tune.py", 75),
        ("python_code.ml_tests", "ml_tests", "supports", "tests/test_data.py", 14),
        ("python_code.ml_tests", "ml_tests", "supports", "tests/test_fairness.py", 15),
        # notebook 01: seeds, a cached frame read with read_pickle, a pandera schema
        ("python_code.random_seeds", "random_seeds", "supports", NB1, 27),
        ("python_code.random_seeds", "reproducible_split", "supports", NB1, 213),
        ("python_code.unsafe_deserialisation", "safe_model_loading", "contradicts", NB1, 81),
        ("python_code.data_validation", "data_validation", "supports", NB1, 155),
        # notebook 02: set_seed; DataParallel steps under torch.profiler; Optuna (default TPE
        # sampler, MedianPruner; its trials save nothing); retrain with TrainingArguments that save
        # each epoch, MLflow run and registration; SHAP on false positives; Fairlearn by identity
        ("python_code.random_seeds", "random_seeds", "supports", NB2, 41),
        ("python_code.distributed_training", "distributed_training", "supports", NB2, 103),
        ("python_code.training_profiler", "training_profiler", "supports", NB2, 108),
        ("notebooks.training_in_notebook", "training_outside_notebooks", "info", NB2, 116),
        ("python_code.early_stopping", "early_stopping", "supports", NB2, 204),
        ("python_code.hyperparameter_search", "hyperparameter_search", "supports", NB2, 204),
        ("python_code.search_strategy", "efficient_search_strategy", "supports", NB2, 204),
        ("python_code.checkpointing", "checkpointing", "supports", NB2, 238),
        ("python_code.experiment_tracking", "experiment_tracking", "supports", NB2, 255),
        ("python_code.experiment_tracking", "run_lineage", "supports", NB2, 255),
        ("python_code.model_registry", "model_registry", "supports", NB2, 257),
        ("python_code.explainability", "explanations_computed", "supports", NB2, 289),
        ("python_code.explainability", "feature_importance", "supports", NB2, 289),
        ("python_code.bias_measurement", "bias_measurement", "supports", NB2, 340),
        ("python_code.bias_measurement", "bias_metrics_computed", "supports", NB2, 340),
    },
    "sagemaker-cloudformation": {
        # its SageMaker Pipeline (line 9) is ml_resources.pipeline_resource's, pinned in
        # project_expectations/sagemaker-cloudformation.yaml
        ("python_code.ml_tests", "ml_tests", "supports", "tests/test_pipeline.py", 4),
    },
    "sagemaker-terraform": {
        ("python_code.ml_tests", "ml_tests", "supports", "tests/test_features.py", 6),
    },
    "vertex-ai": {
        ("python_code.ml_pipeline", "ml_pipeline", "supports", "pipelines/pipeline.py", 13),
        ("python_code.training_in_modules", "training_outside_notebooks", "info", "pipelines/pipeline.py", 10),
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


def test_the_launchers_job_settings_are_judged_over_the_resource_model(scans: dict[str, ScanResult]) -> None:
    """llm-finetune's SageMaker estimator: spot capacity and checkpoint_s3_uri, once each, at their own
    lines (the code family judged them at the call, line 26, before the model read estimators)."""
    rows = {r for r in rows_of(scans["llm-finetune"], ("ml_resources.spot_compute",))
            if r[3] == "scripts/launch_sagemaker.py"}  # fmt: skip
    assert rows == {
        ("ml_resources.spot_compute", "spot_training", "supports", "scripts/launch_sagemaker.py", 38),
        ("ml_resources.spot_compute", "checkpointing", "supports", "scripts/launch_sagemaker.py", 41),
    }
