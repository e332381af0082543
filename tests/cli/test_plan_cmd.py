"""`mllens plan export`: the example's plan as a CSV or JSON backlog."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from mllens.cli import plan_cmd

EXAMPLE = Path(__file__).parents[2] / "examples" / "fraud-detection"


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    plan_cmd.register(app)
    return app


def test_csv_backlog_to_a_file_leads_with_proven_gaps(app: typer.Typer, tmp_path: Path) -> None:
    out = tmp_path / "backlog.csv"
    result = CliRunner().invoke(app, ["plan", "export", str(EXAMPLE), "--no-cache", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["rank"] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
    assert all(r["kind"] == "fix" and r["evidence"] and r["fix"] for r in rows[:5])
    accepted = next(r for r in rows if r["practice"] == "MLSEC05-BP01")
    assert (accepted["owner"], accepted["due"]) == ("head-of-risk-ml", "2027-03-31")  # from mllens.yaml


def test_json_backlog_on_stdout(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["plan", "export", str(EXAMPLE), "--no-cache", "--format", "JSON"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    asks = [r for r in rows if r["kind"] == "answer"]
    assert asks and all(r["command"].startswith(f"mllens review {EXAMPLE} --question ") for r in asks)


def test_an_unknown_format_is_a_usage_error(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["plan", "export", str(EXAMPLE), "--format", "xml"])
    assert result.exit_code == 2
    assert "--format: expected one of csv, json, got 'xml'" in result.output
