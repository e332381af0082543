"""`mllens scan PATH --live aws` on a moto account: the JSON contract keeps its keys, and
the live evidence is in it at the resources' ARNs with no line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from moto_account import serve
from typer.testing import CliRunner

from mllens.cli import app

TRAIN = "import mlflow\n\nmlflow.log_metric('auc', 0.9)\n"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLLENS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def scan_json(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["scan", *args, "--quiet", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_live_evidence_joins_the_files_with_the_same_keys(account: Any, tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text(TRAIN, encoding="utf-8")
    config = serve(account, name="churn")
    files_only = scan_json(str(tmp_path))
    both = scan_json(str(tmp_path), "--live", "aws")
    assert set(both) == set(files_only)
    assert [set(e) for e in both["evidence"]] == [set(files_only["evidence"][0])] * len(both["evidence"])
    live = [e for e in both["evidence"] if e["file"].startswith("arn:aws:")]
    assert {(e["rule"], e["outcome"]) for e in live if e["file"] == config["EndpointConfigArn"]} >= {
        ("ml_resources.endpoint_data_capture", "contradicts")}
    assert all(e["line"] is None and e["file_class"] == "project" for e in live)
    # the files' own evidence is all still there
    assert [e for e in both["evidence"] if not e["file"].startswith("arn:")] == files_only["evidence"]


def test_a_second_scan_reads_the_account_again(account: Any, tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text(TRAIN, encoding="utf-8")
    serve(account, name="first")
    scan_json(str(tmp_path), "--live", "aws")
    serve(account, name="second")
    again = scan_json(str(tmp_path), "--live", "aws")  # the files are served from the cache, the account is not
    assert any(e["file"].endswith(":endpoint-config/second-config") for e in again["evidence"])


def test_an_unknown_cloud_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["scan", str(tmp_path), "--quiet", "--live", "gcp"])
    assert result.exit_code == 2
    assert "--live: expected a live account provider, one of aws; got 'gcp'" in result.stderr


def test_drift_between_the_files_and_the_account_is_in_the_scan(account: Any, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_sagemaker_endpoint_configuration" "c" {\n  name = "churn-config"\n'
        '  production_variants {\n    variant_name           = "main"\n    model_name             = "churn-model"\n'
        '    initial_instance_count = 2\n    instance_type          = "ml.m5.large"\n  }\n}\n', encoding="utf-8")
    config = serve(account, name="churn", instances=1)
    both = scan_json(str(tmp_path), "--live", "aws")
    drifted = [e for e in both["evidence"] if e["message"].startswith("drift between code and cloud")]
    assert [(e["rule"], e["file"], e["line"], e["outcome"]) for e in drifted] == [
        ("ml_resources.serving_instance_count", "main.tf", 6, "contradicts")]
    assert config["EndpointConfigArn"] in drifted[0]["message"]


def test_done_when_a_moto_endpoint_config_without_data_capture_is_a_gap_at_its_arn(
    account: Any, tmp_path: Path
) -> None:
    """Issue 14's "Done when": `mllens scan --live aws` on a moto account whose endpoint config
    has no data capture gives that gap as evidence at the endpoint config's ARN, no line."""
    config = serve(account, name="fraud")
    both = scan_json(str(tmp_path), "--live", "aws")
    gap = [e for e in both["evidence"] if e["rule"] == "ml_resources.endpoint_data_capture"]
    assert {(e["file"], e["line"], e["outcome"]) for e in gap} == {(config["EndpointConfigArn"], None, "contradicts")}
    assert {e["check"] for e in gap} == {"endpoint_data_capture", "data_capture"}
