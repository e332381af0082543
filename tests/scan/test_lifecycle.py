"""The lifecycle diagram's notes: evidence lands on the stage its lens check declares."""

from __future__ import annotations

from mllens.lens import load_shipped_lens
from mllens.lens.model import LIFECYCLE_STAGES
from mllens.scan import lifecycle
from mllens.scan.context import IndexedFile, ProjectIndex
from mllens.scan.evidence import Evidence
from mllens.scan.lifecycle import MAX_NOTES, lifecycle_notes, shipped_check_stages

# The 56 checks whose evidence the diagram showed when the stages were a table in
# lifecycle.py; the shipped lens's `stage:` fields must keep exactly these.
PINNED: dict[str, tuple[str, ...]] = {
    "data_sources": (
        "data_versioned", "dataset_versioning", "storage_versioning", "private_networking", "pii_discovery",
        "data_access_logging", "no_large_data_in_git", "data_lifecycle_expiry", "storage_tiering",
    ),
    "processing": ("data_validation", "data_pipeline", "feature_store", "shared_feature_store", "feature_baseline"),
    "training": (
        "experiment_tracking", "run_lineage", "random_seeds", "hyperparameter_search", "efficient_search_strategy",
        "early_stopping", "checkpointing", "warm_start", "spot_training", "managed_training_jobs",
        "distributed_training", "training_profiler", "training_outside_notebooks", "ml_pipeline", "training_in_ci",
        "inter_node_encryption", "bias_measurement", "explainability",
    ),
    "registry": ("model_registry", "model_approval", "evaluation_gate", "safe_model_loading", "model_card"),
    "deployment": (
        "endpoint_authentication", "endpoint_private_access", "endpoint_autoscaling", "multiple_instances",
        "safe_rollout", "automated_deployment", "staging_before_production", "versioned_serving_artifacts",
        "multi_model_hosting", "model_compilation", "health_probes", "load_tests",
    ),
    "monitoring": (
        "endpoint_data_capture", "model_monitoring_schedule", "drift_monitoring", "monitoring_alarms",
        "serving_alarms", "drift_triggered_retraining", "scheduled_retraining",
    ),
}  # fmt: skip


def finding(check: str, *, file: str = "infra/main.tf", line: int = 3, outcome: str = "supports") -> Evidence:
    return Evidence(
        rule="test.rule", practice="MLOPS03-BP02", check=check, outcome=outcome,  # type: ignore[arg-type]
        file=file, line=line, message=f"{check} seen", confidence=0.9,
    )  # fmt: skip


def test_the_shipped_lens_declares_the_stages_the_diagram_used() -> None:
    expected = {check: stage for stage, checks in PINNED.items() for check in checks}
    assert len(expected) == 56
    assert shipped_check_stages() == expected


def test_every_practice_holding_a_staged_check_id_declares_it() -> None:
    staged = shipped_check_stages()
    assert staged == load_shipped_lens().check_stages()  # the lines read as the lens loader reads them
    for practice in load_shipped_lens().practices:
        for check in practice.checks:
            assert check.stage == staged.get(check.id), f"{practice.id} {check.id}"


def test_evidence_lands_on_its_checks_stage_in_diagram_order() -> None:
    index = ProjectIndex((IndexedFile(path="data/train.csv", kind="data", size=10),))
    evidence = [
        finding("drift_monitoring", file="monitor.py", line=9),
        finding("model_registry", file="train.py", line=4),
        finding("model_registry", file="train.py", line=5, outcome="info"),  # info shows nothing
        finding("no_such_check"),
    ]
    notes = lifecycle_notes(evidence, {}, index)
    assert notes == {
        "data_sources": ["data data files in the repository"],
        "registry": ["train.py:4 model_registry seen"],
        "monitoring": ["monitor.py:9 drift_monitoring seen"],
    }
    assert list(notes) == [s for s in LIFECYCLE_STAGES if s in notes]


def test_stages_can_be_handed_in_and_a_stage_keeps_at_most_max_notes() -> None:
    evidence = [finding("custom_check", line=n) for n in range(1, MAX_NOTES + 5)]
    notes = lifecycle_notes(evidence, {}, ProjectIndex(()), stages={"custom_check": "training"})
    assert list(notes) == ["training"]
    assert notes["training"] == [f"infra/main.tf:{n} custom_check seen" for n in range(1, MAX_NOTES + 1)]


def test_lifecycle_facts_from_rules_are_notes_too() -> None:
    facts = {"lifecycle": [{"stage": "deployment", "file": "Dockerfile", "line": 2, "what": "serving image"},
                           {"stage": "deployment", "file": 7}]}  # a malformed fact is skipped
    notes = lifecycle_notes([], facts, ProjectIndex(()), stages={})
    assert notes == {"deployment": ["Dockerfile:2 serving image"]}


def test_the_diagram_stages_are_the_lens_stages_in_order() -> None:
    # kept apart so a scan does not import the lens package
    assert lifecycle.LIFECYCLE_STAGES == LIFECYCLE_STAGES
