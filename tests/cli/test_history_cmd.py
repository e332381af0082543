"""`mllens history` and `mllens fleet report` from the command line (the library:
tests/fleet/test_history.py, tests/fleet/test_report.py)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mllens.cli import app

ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
       "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin"}  # fmt: skip


@pytest.fixture(autouse=True)
def _own_caches(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MLLENS_CACHE_DIR", str(tmp_path / "result-cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv("MLLENS_DB", raising=False)


def make_repo(root: Path) -> Path:
    """Two commits: January with the business goal missing, March with it implemented."""
    repo = root / "churn"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True, env={**ENV, "HOME": str(repo)})
    for status, when in (("missing", "2025-01-15T09:00:00Z"), ("implemented", "2025-03-15T09:00:00Z")):
        (repo / "train.py").write_text("import mlflow\nmlflow.log_metric('auc', 0.9)\n")
        answers = f"workload:\n  name: churn\nanswers:\n  MLOPS01-BP01:\n    status: {status}\n"
        (repo / "mllens.yaml").write_text(answers)
        env = {**ENV, "HOME": str(repo), "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        for args in (["add", "-A"], ["commit", "-q", "-m", status]):
            subprocess.run(["git", *args], cwd=repo, check=True, env=env, capture_output=True)
    return repo


def test_history_json_on_a_process_pool_into_the_store_then_fleet_report(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    db = f"sqlite:///{tmp_path / 'store.db'}"
    args = ["--since", "2025-01-01", "--until", "2025-03-31", "--every", "month", "--workers", "1", "--db", db]
    result = CliRunner().invoke(app, ["history", str(repo), *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(p["period"], p["status"], p["new_commit"]) for p in data["points"]] == [
        ("2025-01", "scanned", True), ("2025-02", "scanned", False), ("2025-03", "scanned", True),
    ]  # fmt: skip
    assert [p["by_pillar"]["operational_excellence"]["HIGH"] for p in data["points"]] == [1, 1, 0]

    out = tmp_path / "fleet.csv"
    report = CliRunner().invoke(app, ["fleet", "report", "--db", db, "--format", "csv", "--out", str(out),
                                      "--since", "2025-02-01"])  # fmt: skip
    assert report.exit_code == 0, report.output
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0][-1] == "churn" and next(r for r in rows if r[0] == "MLOPS01")[-1] == "UNANSWERED"


def test_history_table_and_html(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    common = ["history", str(repo), "--since", "2025-01-01", "--until", "2025-03-31", "--no-store"]
    table = CliRunner().invoke(app, [*common, "--every", "month"])
    assert table.exit_code == 0, table.output
    assert all(text in table.stdout for text in ("2025-01", "2025-02", "2025-03", "OPS", "H/M"))
    page = tmp_path / "trend.html"
    html = CliRunner().invoke(app, [*common, "--every", "week", "--format", "html", "--out", str(page)])
    assert html.exit_code == 0, html.output
    text = page.read_text()
    assert "<svg" in text and "<script" not in text
    assert '<th scope="row" class="nowrap">2025-W03</th>' in text and '>2025-W11</th>' in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2025-13-01"], "expected a date as YYYY-MM-DD, got '2025-13-01'"),
        (["--since", "2025-01-01", "--every", "year"], "expected one of day, week, month, got 'year'"),
        (["--since", "2025-02-01", "--until", "2025-01-01"], "is before --since"),
    ],
)
def test_history_usage_errors_name_the_option(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["history", str(make_repo(tmp_path)), *args, "--no-store"])
    assert result.exit_code == 2
    assert message in result.stderr


def test_history_outside_git_and_fleet_report_bad_format(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["history", str(tmp_path), "--since", "2025-01-01", "--no-store"])
    assert result.exit_code == 2 and "not in a git repository" in result.stderr
    bad = CliRunner().invoke(app, ["fleet", "report", "--db", f"sqlite:///{tmp_path / 's.db'}", "--format", "xls"])
    assert bad.exit_code == 2 and "expected one of html, csv, json, got 'xls'" in bad.stderr
