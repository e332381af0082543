"""`mllens milestone save|list` and `mllens diff`, through the real review pipeline.

The project's review is real (lens, mllens.yaml, review engine); only the scan is a fake
injected through ctx.obj["scan"], returning no evidence, so the answers decide.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mllens.cli import app, main
from mllens.errors import InputError
from mllens.scan.result import ScanResult
from mllens.store import (
    DuplicateError,
    NotFoundError,
    StoreError,
    get_milestone,
    latest_review,
    list_milestones,
    open_store,
    save_review,
)

YAML = """\
workload:
  name: churn-model
  owner: ana@example.com
  environment: production
answers:
  MLSEC03-BP02: {{status: {sec}}}
  MLOPS02-BP04: {{status: {ops}}}
"""


class FakeScan:
    def __init__(self) -> None:
        self.calls: list[str] = []
        self.excludes: list[list[str]] = []

    def __call__(
        self, path: str, *, use_cache: bool = True, progress: bool = False, exclude: Sequence[str] = ()
    ) -> ScanResult:
        self.calls.append(path)
        self.excludes.append(list(exclude))
        return ScanResult(root=path, files_scanned=0, duration_s=0.0)


@pytest.fixture(autouse=True)
def _isolated_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("MLLENS_DB", raising=False)


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "churn"
    root.mkdir()
    answer(root, sec="missing", ops="missing")
    return root


def answer(root: Path, *, sec: str, ops: str) -> None:
    (root / "mllens.yaml").write_text(YAML.format(sec=sec, ops=ops), encoding="utf-8")


def run(args: list[str], *, scan: FakeScan | None = None) -> tuple[int, str, BaseException | None]:
    result = CliRunner().invoke(app, args, obj={"scan": scan or FakeScan()})
    error = result.exception if not isinstance(result.exception, SystemExit) else None
    return result.exit_code, result.output, error


def test_save_keeps_review_and_milestone_then_list_shows_it(project: Path, db: str) -> None:
    code, out, error = run(["milestone", "save", "baseline", str(project), "--db", db])
    assert (code, error) == (0, None)
    with open_store(db) as store:
        milestone = get_milestone(store, workload="churn-model", name="baseline")
        assert latest_review(store, workload="churn-model") == milestone.review
    statuses = {p.id: p.status.value for p in milestone.review.practices}
    assert (statuses["MLSEC03-BP02"], statuses["MLOPS02-BP04"]) == ("missing", "missing")
    counts = milestone.risk_counts
    assert out.startswith(
        f"Saved milestone 'baseline' of workload 'churn-model' (lens ml "
        f"{milestone.lens_version}): HIGH {counts.HIGH}, MEDIUM {counts.MEDIUM},"
    )

    code, out, error = run(["milestone", "list", str(project), "--db", db])
    assert (code, error) == (0, None)
    assert "Milestones of churn-model" in out
    row = next(line for line in out.splitlines() if "baseline" in line)
    assert "Saved (UTC)" in out
    cells = re.split(r"\s{2,}", row.strip())
    assert cells[0] == "baseline"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", cells[1])
    assert cells[2] == f"ml {milestone.lens_version}"
    assert cells[3:] == [str(counts.HIGH), str(counts.MEDIUM), str(counts.UNANSWERED),
                         str(counts.NONE), str(counts.NOT_APPLICABLE)]
    # by workload name, the same listing
    assert run(["milestone", "list", "churn-model", "--db", db])[1] == out


def test_a_duplicate_save_is_refused_and_stores_nothing_new(project: Path, db: str) -> None:
    assert run(["milestone", "save", "v1", str(project), "--db", db])[0] == 0
    answer(project, sec="implemented", ops="implemented")
    _code, _out, error = run(["milestone", "save", "v1", str(project), "--db", db])
    assert isinstance(error, DuplicateError)
    assert "workload 'churn-model' already has a milestone named 'v1'" in str(error)
    with open_store(db) as store:  # the review saved in the same transaction rolled back
        latest = latest_review(store, workload="churn-model")
        assert latest is not None
        assert latest.practice("MLSEC03-BP02").status.value == "missing"
        assert [m.name for m in list_milestones(store, workload="churn-model")] == ["v1"]


@pytest.mark.parametrize(
    ("args", "kind", "message"),
    [
        (["milestone", "save", "current"], StoreError, "milestone name: 'current' is reserved"),
        (["milestone", "save", "v1", "--db", "::"], StoreError, "--db: expected a database URL"),
    ],
)
def test_bad_name_or_url_fails_before_scanning(
    project: Path, args: list[str], kind: type[Exception], message: str
) -> None:
    scan = FakeScan()
    _code, _out, error = run([*args[:3], str(project), *args[3:]], scan=scan)
    assert isinstance(error, kind)
    assert str(error).startswith(message)
    assert scan.calls == []


def test_list_of_an_unknown_workload_names_the_known_ones(project: Path, db: str) -> None:
    run(["milestone", "save", "v1", str(project), "--db", db])
    _code, _out, error = run(["milestone", "list", "no-such-workload", "--db", db])
    assert isinstance(error, NotFoundError)
    assert str(error) == f"{db}: no workload named 'no-such-workload' (workloads: churn-model)"


def test_list_of_a_workload_without_milestones_says_how_to_save_one(
    project: Path, db: str
) -> None:
    run(["milestone", "save", "v1", str(project), "--db", db])
    with open_store(db) as store:
        review = latest_review(store, workload="churn-model")
        assert review is not None
        save_review(store, review=review, workload="other")
    code, out, _error = run(["milestone", "list", "other", "--db", db])
    assert code == 0
    assert out == "Workload 'other' has no milestones yet: save one with `mllens milestone save NAME`.\n"


def test_diff_against_current_shows_what_improved(project: Path, db: str) -> None:
    run(["milestone", "save", "before", str(project), "--db", db])
    answer(project, sec="implemented", ops="missing")
    code, out, error = run(["diff", "before", "current", "--workload", str(project), "--db", db])
    assert (code, error) == (0, None)
    assert "Workload churn-model: before (lens ml" in out
    practice_line = next(line for line in out.splitlines() if "MLSEC03-BP02" in line)
    cells = re.split(r"\s{2,}", practice_line.strip())
    assert cells[0] == "▲ improved"
    assert cells[-2:] == ["missing", "implemented"]
    assert "MLOPS02-BP04" not in out  # unchanged practices are not listed
    assert "practices: 1 improved." in out


def test_diff_of_a_milestone_with_itself_says_nothing_changed(project: Path, db: str) -> None:
    run(["milestone", "save", "v1", str(project), "--db", db])
    code, out, _error = run(["diff", "v1", "v1", "--workload", "churn-model", "--db", db])
    assert code == 0
    assert "Questions: no change; practices: no change." in out
    assert out.endswith("No practice status and no question risk changed.\n")


def test_diff_json_and_worsened_first(project: Path, db: str) -> None:
    answer(project, sec="missing", ops="implemented")
    run(["milestone", "save", "v1", str(project), "--db", db])
    answer(project, sec="implemented", ops="missing")
    run(["milestone", "save", "v2", str(project), "--db", db])
    args = ["diff", "v1", "v2", "--workload", "churn-model", "--format", "json", "--db", db]
    code, out, error = run([*args, "--worsened-first"])
    assert (code, error) == (1, None)  # MLOPS02-BP04 got worse
    data = json.loads(out)
    assert (data["before"]["label"], data["after"]["label"], data["order"]) == ("v1", "v2", "worsened")
    moved = [(p["id"], p["before"], p["after"], p["change"]) for p in data["practices"]]
    assert moved == [
        ("MLOPS02-BP04", "implemented", "missing", "worsened"),
        ("MLSEC03-BP02", "missing", "implemented", "improved"),
    ]
    assert set(data["risk_counts_delta"]) == {"HIGH", "MEDIUM", "NONE", "UNANSWERED", "NOT_APPLICABLE"}
    improved_first = json.loads(run(args)[1])
    assert [p["id"] for p in improved_first["practices"]] == ["MLSEC03-BP02", "MLOPS02-BP04"]


def test_diff_of_an_unknown_milestone_lists_the_names_and_does_not_scan(
    project: Path, db: str
) -> None:
    run(["milestone", "save", "v1", str(project), "--db", db])
    scan = FakeScan()
    _code, _out, error = run(
        ["diff", "v0", "current", "--workload", str(project), "--db", db], scan=scan
    )
    assert isinstance(error, NotFoundError)
    assert str(error) == (
        f"{db}: workload 'churn-model' has no milestone named 'v0' (milestones: v1)"
    )
    assert scan.calls == []


def test_current_must_be_the_named_workloads_project(
    project: Path, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(["milestone", "save", "v1", str(project), "--db", db])
    with open_store(db) as store:
        review = latest_review(store, workload="churn-model")
        assert review is not None
        from mllens.store import save_milestone

        save_milestone(store, name="v1", review=review, workload="other")
    monkeypatch.chdir(project)  # `current` is the project here: churn-model
    _code, _out, error = run(["diff", "v1", "current", "--workload", "other", "--db", db])
    assert isinstance(error, InputError)
    assert str(error) == (
        "'current' is the review of the project in ., whose workload is 'churn-model', "
        "not 'other'; give that project with --workload PATH"
    )


def test_main_turns_store_errors_into_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere" / "m.db"
    monkeypatch.setattr(sys, "argv", ["mllens", "milestone", "list", "x", "--db", f"sqlite:///{missing}"])
    monkeypatch.setenv("COLUMNS", "400")
    with pytest.raises(SystemExit) as caught:
        main()
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err == f"error: sqlite:///{missing}: the directory {missing.parent} does not exist\n"


# --- diff as a CI gate, formats, excludes ---------------------------------------------------


@pytest.mark.parametrize("fmt", ["terminal", "json", "text", "JSON"])
def test_diff_exits_1_when_something_got_worse_and_0_otherwise(project: Path, db: str, fmt: str) -> None:
    answer(project, sec="implemented", ops="missing")
    run(["milestone", "save", "good", str(project), "--db", db])
    answer(project, sec="missing", ops="missing")
    run(["milestone", "save", "worse", str(project), "--db", db])
    answer(project, sec="implemented", ops="implemented")
    run(["milestone", "save", "better", str(project), "--db", db])
    common = ["--workload", "churn-model", "--format", fmt, "--db", db]
    assert run(["diff", "good", "worse", *common])[:3:2] == (1, None)  # a practice status worsened
    assert run(["diff", "worse", "better", *common])[:3:2] == (0, None)  # only improvements
    assert run(["diff", "good", "good", *common])[:3:2] == (0, None)  # nothing changed
    # `current` too: the project now (all implemented) against a worse milestone and a better one
    assert run(["diff", "worse", "current", *common[:1], str(project), *common[2:]])[0] == 0
    answer(project, sec="missing", ops="implemented")
    assert run(["diff", "better", "current", *common[:1], str(project), *common[2:]])[0] == 1


def test_diff_help_says_when_it_exits_1() -> None:
    code, out, _error = run(["diff", "-h"])
    assert code == 0
    assert "Exits 1 when something got worse from A to B" in " ".join(out.split())


def test_diff_format_is_checked_before_anything_is_opened(project: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'never.db'}"
    _code, _out, error = run(["diff", "a", "b", "--workload", "churn-model", "--format", "html", "--db", db])
    assert isinstance(error, InputError)
    assert str(error) == "--format: expected one of terminal, json, got 'html'"
    assert not (tmp_path / "never.db").exists()


def test_milestone_save_and_diff_current_scan_without_the_excluded_files(project: Path, db: str) -> None:
    (project / "mllens.yaml").write_text(
        YAML.format(sec="missing", ops="missing") + "scan: {exclude: [notebooks/]}\n", encoding="utf-8"
    )
    scan = FakeScan()
    code, _out, error = run(["milestone", "save", "v1", str(project), "--exclude", "tests/", "--db", db], scan=scan)
    assert (code, error) == (0, None)
    run(["diff", "v1", "current", "--workload", str(project), "--exclude", "!tests/e2e/", "--db", db], scan=scan)
    assert scan.excludes == [["notebooks/", "tests/"], ["notebooks/", "!tests/e2e/"]]
