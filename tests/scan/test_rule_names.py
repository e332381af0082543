"""Rule names in more than one family: judgements still written once per syntax. The list
may only shrink (issue 10's target: at most 5, each explained)."""

from __future__ import annotations

from mllens.scan.registry import families, shared_rule_names

# Each still written twice, and why: none now.
KNOWN: set[str] = set()


def test_no_new_rule_name_is_shared_between_families() -> None:
    shared = shared_rule_names()
    assert set(shared) <= KNOWN, f"newly shared: {sorted(set(shared) - KNOWN)}"


def test_the_ml_service_twins_are_one_judgement() -> None:
    shared = shared_rule_names()
    for name in ("ml_resource_cmk", "notebook_root_access", "ml_private_networking", "feature_store", "idle_shutdown",
                 "inference_mode", "serving_instance_types", "pipeline_triggers"):
        assert name not in shared
    names = {r.name for f in families() if f.name == "ml_resources" for r in f.rules}
    assert {"endpoint_data_capture", "model_monitoring", "ml_resource_cmk"} <= names
