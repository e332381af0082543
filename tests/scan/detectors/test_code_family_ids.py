"""One code family: the notebook twins of python_code's rules are gone, their ids live on as
redirects, and a baseline written with an old id still knows the finding."""

from __future__ import annotations

from mllens.scan.evidence import Evidence
from mllens.scan.fingerprint import findings
from mllens.scan.registry import all_rules, families

TWINS = (
    "random_seeds", "experiment_tracking", "model_registry", "data_validation", "explainability", "bias_measurement",
    "unsafe_deserialisation", "hyperparameter_search", "search_strategy", "early_stopping", "checkpointing",
    "spot_training", "distributed_training", "training_profiler",
)  # fmt: skip


def test_no_rule_name_in_both_code_families() -> None:
    by_family = {f.name: {r.name for r in f.rules} for f in families()}
    assert by_family["python_code"] & by_family["notebooks"] == set()
    assert by_family["notebooks"] == {"training_in_notebook", "training_only_in_notebooks"}
    code = next(f for f in families() if f.name == "python_code")
    assert code.meta.kinds == ["python", "notebook"]


def test_old_notebook_ids_redirect_to_the_one_rule() -> None:
    rules = all_rules()
    for name in TWINS:
        assert rules[f"notebooks.{name}"] is rules[f"python_code.{name}"]
        assert rules[f"python_code.{name}"].meta.redirect_from == [f"notebooks.{name}"]


def test_a_finding_under_its_old_id_is_the_same_finding() -> None:
    def item(rule: str) -> Evidence:
        return Evidence(
            rule=rule, practice="MLSEC05-BP01", check="safe_model_loading", outcome="contradicts",
            file="explore.ipynb", line=20, message="pickle.load can run code hidden in the file it loads (cell 2)",
            confidence=0.7,
        )  # fmt: skip

    old = findings([item("notebooks.unsafe_deserialisation")])
    new = findings([item("python_code.unsafe_deserialisation")])
    assert [f.fingerprint for f in old] == [f.fingerprint for f in new]
    assert old[0].evidence.rule == "python_code.unsafe_deserialisation"
