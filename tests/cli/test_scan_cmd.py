"""`mllens scan` options through the real command line: --exclude (and mllens.yaml's
scan.exclude), --format, --fail-on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mllens.cli import app

REPO = Path(__file__).resolve().parents[2]
# What a scan finds in any Python file like this: experiment tracking and a random seed.
TRAIN = "import mlflow\nimport numpy as np\n\nnp.random.seed(1)\nmlflow.log_metric('auc', 0.9)\n"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLLENS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def scan(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["scan", *args, "--quiet"])
    return result.exit_code, result.stdout, result.stderr


def scan_json(*args: str) -> dict[str, Any]:
    code, out, err = scan(*args, "--format", "json")
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def files_with_evidence(data: dict[str, Any]) -> set[str]:
    return {e["file"] for e in data["evidence"]} - {"."}  # "." : what the project as a whole lacks


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    for name in ("src/train.py", "tests/test_train.py", "tests/e2e/test_flow.py", "lib/tests/test_x.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(TRAIN, encoding="utf-8")
    return root


def test_this_repository_without_its_tests_and_examples_has_no_evidence_from_them() -> None:
    code, out, err = scan(str(REPO), "--format", "sarif", "--exclude", "tests/", "--exclude", "examples/")
    assert code == 0, err
    results = json.loads(out)["runs"][0]["results"]
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"] for r in results for loc in r.get("locations", [])]
    assert uris  # the repository's own CI workflow and packaging still show something
    assert [u for u in uris if u.startswith(("tests/", "examples/"))] == []


def test_exclude_flag_leaves_the_files_out_and_the_json_says_which_patterns(project: Path) -> None:
    everything = scan_json(str(project))
    assert files_with_evidence(everything) == {
        "src/train.py", "tests/test_train.py", "tests/e2e/test_flow.py", "lib/tests/test_x.py"
    }
    assert everything["scan"] == {"exclude": []}
    excluded = scan_json(str(project), "--exclude", "/tests/")
    assert files_with_evidence(excluded) == {"src/train.py", "lib/tests/test_x.py"}
    assert excluded["project"]["files_scanned"] == everything["project"]["files_scanned"] - 2
    assert excluded["scan"] == {"exclude": ["/tests/"]}


def test_mllens_yaml_exclude_list_then_the_flags_with_negation(project: Path) -> None:
    (project / "mllens.yaml").write_text("workload: {name: p}\nscan:\n  exclude: ['tests/*']\n", encoding="utf-8")
    from_file = scan_json(str(project))
    assert files_with_evidence(from_file) == {"src/train.py", "lib/tests/test_x.py"}  # lib/tests/x: tests/* is anchored
    # a `!pattern` on the command line takes back a folder the file's list left out
    taken_back = scan_json(str(project), "--exclude", "!tests/e2e/")
    assert files_with_evidence(taken_back) == {"src/train.py", "tests/e2e/test_flow.py", "lib/tests/test_x.py"}
    assert taken_back["scan"] == {"exclude": ["tests/*", "!tests/e2e/"]}


def test_a_bad_exclude_pattern_is_a_usage_error(project: Path) -> None:
    assert scan(str(project), "--exclude", "[z-a].py") == (
        2, "", "error: --exclude: expected a gitignore-style pattern, got '[z-a].py'\n"
    )
    (project / "mllens.yaml").write_text("workload: {name: p}\nscan: {exclude: ['!']}\n", encoding="utf-8")
    code, _out, err = scan(str(project))
    assert code == 2
    assert err == f"error: {project / 'mllens.yaml'}: scan.exclude[0]: expected a gitignore-style pattern (got '!')\n"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--format", "xml", "--format: expected one of terminal, markdown, json, html, sarif, pdf, got 'xml'"),
        ("--fail-on", "low", "--fail-on: expected one of high, medium, got 'low'"),
    ],
)
def test_unknown_values_are_usage_errors_before_any_scan(project: Path, option: str, value: str, message: str) -> None:
    assert scan(str(project), option, value) == (2, "", f"error: {message}\n")


def test_scan_writes_what_report_writes(project: Path, tmp_path: Path) -> None:
    code, out, _err = scan(str(project), "--format", "HTML")
    assert code == 0 and out.lstrip().lower().startswith("<!doctype html>")
    assert scan(str(project), "-f", "pdf") == (
        2, "", "error: --output: format 'pdf' writes a binary file: give one with -o FILE\n"
    )
    code, _out, err = scan(str(project), "--format", "text")  # the old name of terminal output
    assert code == 0, err
