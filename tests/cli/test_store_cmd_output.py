"""What `mllens milestone list` and `mllens diff` print: the state names every report uses,
and milestone names and ids never cut, however narrow the terminal or the pipe."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mllens.cli import app
from mllens.cli.common import console
from mllens.scan.result import ScanResult

LONG_NAME = "release-2026-q4-candidate-for-the-board-review-after-the-security-audit"
WORKLOAD = "churn-model-with-a-rather-long-workload-name-for-the-platform-team"
YAML = f"""\
workload:
  name: {WORKLOAD}
answers:
  MLSEC03-BP02: {{sec}}
  MLOPS02-BP04: {{{{status: missing}}}}
"""
# Old names for the same states, which these outputs used before (mllens.report.labels).
SYNONYMS = ("N/A", "n/a", "High", "Medium", "Unanswered", "not_applicable", "NOT_APPLICABLE", "…")


def fake_scan(path: str, **_options: object) -> ScanResult:
    return ScanResult(root=path, files_scanned=0, duration_s=0.0)


@pytest.fixture(autouse=True)
def _isolated_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("MLLENS_DB", raising=False)


def run(args: list[str]) -> str:
    result = CliRunner().invoke(app, args, obj={"scan": fake_scan})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.output


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, str]:
    """Two milestones: MLSEC03-BP02 missing, then not applicable."""
    db = f"sqlite:///{tmp_path / 'store.db'}"
    project = tmp_path / "churn"
    project.mkdir()
    yaml = project / "mllens.yaml"
    yaml.write_text(YAML.format(sec="{status: missing}"), encoding="utf-8")
    run(["milestone", "save", "v1", str(project), "--db", db])
    yaml.write_text(YAML.format(sec="{status: not_applicable, reason: out_of_scope}"), encoding="utf-8")
    run(["milestone", "save", LONG_NAME, str(project), "--db", db])
    return project, db


@pytest.mark.parametrize("width", [40, 80])
def test_milestone_list_keeps_long_names_whole_and_names_states_as_reports_do(
    saved: tuple[Path, str], width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, db = saved
    monkeypatch.setattr(console, "width", width)
    out = run(["milestone", "list", str(project), "--db", db])
    assert f"Milestones of {WORKLOAD}\n" in out
    row = next(line for line in out.splitlines() if LONG_NAME in line)
    assert re.split(r"\s{2,}|\s(?=\d)", row.strip())[0] == LONG_NAME
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("Name"))
    assert lines[at].split()[-5:] == ["HIGH", "MEDIUM", "UNANSWERED", "NONE", "APPLICABLE"]
    assert lines[at - 1].split() == ["NOT"]  # "NOT APPLICABLE" on two header lines, aligned
    assert len(lines[at - 1].rstrip()) == len(lines[at].rstrip())  # right-aligned over its column
    assert not [s for s in SYNONYMS if s in out]
    assert console.width == width  # printing wider did not change the console for later output


@pytest.mark.parametrize("width", [40, 80])
def test_diff_keeps_milestone_names_and_ids_whole_and_names_states_as_reports_do(
    saved: tuple[Path, str], width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project, db = saved
    monkeypatch.setattr(console, "width", width)
    out = run(["diff", "v1", LONG_NAME, "--workload", WORKLOAD, "--db", db])
    lines = out.splitlines()
    assert any(line.strip().startswith(LONG_NAME) for line in lines)  # the counts table's row
    practice = next(line for line in lines if "MLSEC03-BP02" in line)
    assert "MLSEC03-BP02" in practice.split()
    # The states: practice statuses and question risks as every report names them.
    text = " ".join(out.split())
    assert practice.split()[-3:] == ["missing", "not", "applicable"]
    assert "HIGH MEDIUM UNANSWERED NONE APPLICABLE" in text
    assert not [s for s in SYNONYMS if s in out]


def test_milestone_save_names_the_counts_as_reports_do(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "mllens.yaml").write_text(YAML.format(sec="{status: missing}"), encoding="utf-8")
    out = run(["milestone", "save", "v1", str(project), "--db", f"sqlite:///{tmp_path / 's.db'}"])
    assert re.search(r": HIGH \d+, MEDIUM \d+, UNANSWERED \d+, NONE \d+, NOT APPLICABLE \d+\n$", out), out
