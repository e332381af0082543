"""`mllens aws push --dry-run`: the calls as JSON, planned as for a new workload."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from mllens.cli import aws_cmd

EXAMPLE = Path(__file__).parents[2] / "examples" / "fraud-detection"


def _app() -> typer.Typer:
    app = typer.Typer()
    aws_cmd.register(app)
    return app


def test_dry_run_prints_the_calls_without_credentials() -> None:
    result = CliRunner().invoke(
        _app(), ["aws", "push", str(EXAMPLE), "--dry-run", "--format", "json", "--region", "eu-west-1"]
    )
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert [c["operation"] for c in plan][:4] == [
        "CreateWorkload",
        "ImportLens",
        "CreateLensVersion",
        "AssociateLenses",
    ]
    assert plan[0]["params"]["AwsRegions"] == ["eu-west-1"]
    assert all(set(c) == {"operation", "params"} for c in plan)


def test_pull_without_mllens_yaml_is_a_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["aws", "pull", str(tmp_path)], obj={"wa_client": object()})
    assert result.exit_code == 2
    assert "has no mllens.yaml" in result.output
