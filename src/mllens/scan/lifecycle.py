"""Which ML lifecycle stages a project's files show, for the report's lifecycle diagram.

Each stage gets short notes "file:line what", taken from evidence (by the lens check it
speaks to), from `lifecycle` facts any file rule may record ({"stage", "file", "line",
"what"}), and from the index (data files, DVC pointers). Detectors stay unaware of the
diagram: this is a view over what they already found.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mllens.scan.context import ProjectIndex
from mllens.scan.evidence import Evidence

STAGES = ("data_sources", "processing", "training", "registry", "deployment", "monitoring")
MAX_NOTES = 12

STAGE_OF_CHECK: dict[str, str] = {
    **dict.fromkeys(
        (
            "data_versioned",
            "dataset_versioning",
            "storage_versioning",
            "private_networking",
            "pii_discovery",
            "data_access_logging",
            "no_large_data_in_git",
            "data_lifecycle_expiry",
            "storage_tiering",
        ),
        "data_sources",
    ),
    **dict.fromkeys(
        ("data_validation", "data_pipeline", "feature_store", "shared_feature_store", "feature_baseline"),
        "processing",
    ),
    **dict.fromkeys(
        (
            "experiment_tracking",
            "run_lineage",
            "random_seeds",
            "hyperparameter_search",
            "efficient_search_strategy",
            "early_stopping",
            "checkpointing",
            "warm_start",
            "spot_training",
            "managed_training_jobs",
            "distributed_training",
            "training_profiler",
            "training_outside_notebooks",
            "ml_pipeline",
            "training_in_ci",
            "inter_node_encryption",
            "bias_measurement",
            "explainability",
        ),
        "training",
    ),
    **dict.fromkeys(
        ("model_registry", "model_approval", "evaluation_gate", "safe_model_loading", "model_card"), "registry"
    ),
    **dict.fromkeys(
        (
            "endpoint_authentication",
            "endpoint_private_access",
            "endpoint_autoscaling",
            "multiple_instances",
            "safe_rollout",
            "automated_deployment",
            "staging_before_production",
            "versioned_serving_artifacts",
            "multi_model_hosting",
            "model_compilation",
            "health_probes",
            "load_tests",
        ),
        "deployment",
    ),
    **dict.fromkeys(
        (
            "endpoint_data_capture",
            "model_monitoring_schedule",
            "drift_monitoring",
            "monitoring_alarms",
            "serving_alarms",
            "drift_triggered_retraining",
            "scheduled_retraining",
        ),
        "monitoring",
    ),
}


def _note(file: str, line: int | None, what: str) -> str:
    what = " ".join(what.split())
    if len(what) > 90:
        what = what[:87] + "..."
    return f"{file}:{line} {what}" if line else f"{file} {what}"


def lifecycle_notes(
    evidence: Sequence[Evidence], facts: Mapping[str, list[Any]], index: ProjectIndex
) -> dict[str, list[str]]:
    notes: dict[str, list[str]] = {stage: [] for stage in STAGES}

    def add(stage: str, note: str) -> None:
        if stage in notes and note not in notes[stage] and len(notes[stage]) < MAX_NOTES:
            notes[stage].append(note)

    for fact in facts.get("lifecycle", []):
        if isinstance(fact, dict) and isinstance(fact.get("stage"), str) and isinstance(fact.get("file"), str):
            line = fact.get("line") if isinstance(fact.get("line"), int) else None
            add(fact["stage"], _note(fact["file"], line, str(fact.get("what", ""))))
    for ev in evidence:
        stage = STAGE_OF_CHECK.get(ev.check)
        # (a full stage takes no more: checked first, thousands of findings in a big tree)
        if stage in notes and ev.outcome != "info" and len(notes[stage]) < MAX_NOTES:
            add(stage, _note(ev.file, ev.line, ev.message))
    data_dirs = sorted({f.path.rpartition("/")[0] or "." for f in index.files if f.kind == "data"})
    for directory in data_dirs[:3]:
        add("data_sources", _note(directory, None, "data files in the repository"))
    for pointer in [f.path for f in index.files if f.path.endswith(".dvc")][:3]:
        add("data_sources", _note(pointer, None, "DVC-tracked data"))
    return {stage: items for stage, items in notes.items() if items}
