"""Re-scans: an unchanged project is served from the last result, a changed file is the only
one read again, and a file written too recently to trust its times is always read."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest
from scanfiles import write

from mllens.scan import cache
from mllens.scan import run_files as run_module
from mllens.scan.cache import cache_path
from mllens.scan.registry import families
from mllens.scan.run import run_scan

OURS = [f for f in families() if f.name in ("python_code", "notebooks")]
TRAIN = "import mlflow\nimport numpy as np\n\nnp.random.seed(1)\nmodel.fit(X, y)\nmlflow.log_metric('auc', 0.9)\n"
FILES = {"train.py": TRAIN, "util.py": "import json\n", "data/rows.csv": "a\n1\n", "README.md": "# x\n"}


def _age(root: Path, seconds: float = 60) -> None:
    """New times for every file (the bytes stay)."""
    then = time.time() - seconds
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (then, then))


@pytest.fixture
def trust_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust the times of files written a moment ago (a real scan waits two seconds: a file
    written again within the file system's time resolution could keep its times)."""
    monkeypatch.setattr(cache, "RACY_NS", 0)


def _rows(result: object) -> list[tuple[object, ...]]:
    return [(e.rule, e.check, e.outcome, e.file, e.line, e.message) for e in result.evidence]  # type: ignore[attr-defined]


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the engine checks (reads) in the scans that follow."""
    seen: list[str] = []
    real = run_module.process_file

    def spy(plan, file, cache):  # type: ignore[no-untyped-def]
        seen.append(file.path)
        return real(plan, file, cache)

    monkeypatch.setattr(run_module, "process_file", spy)
    return seen


@pytest.mark.usefixtures("trust_now")
def test_unchanged_project_is_served_whole(tmp_path: Path, checked: list[str]) -> None:
    write(tmp_path, FILES)
    first = run_scan(tmp_path, families_to_run=OURS)
    assert sorted(checked) == ["train.py", "util.py"]  # the kinds these families read
    checked.clear()
    second = run_scan(tmp_path, families_to_run=OURS)
    assert checked == []
    assert _rows(second) == _rows(first)
    assert ("python_code.experiment_tracking", "experiment_tracking", "supports", "train.py", 6) in [
        r[:5] for r in _rows(second)
    ]
    assert second.lifecycle == first.lifecycle and second.files_scanned == first.files_scanned == 4


@pytest.mark.usefixtures("trust_now")
def test_only_the_changed_file_is_read_again(tmp_path: Path, checked: list[str]) -> None:
    write(tmp_path, {**FILES, "other.py": "import numpy as np\nnp.random.seed(2)\n"})
    run_scan(tmp_path, families_to_run=OURS)
    (tmp_path / "train.py").write_text(TRAIN.replace("np.random.seed(1)\n", ""))
    checked.clear()
    third = run_scan(tmp_path, families_to_run=OURS)
    assert checked == ["train.py"]
    rules = {(e.rule, e.file) for e in third.evidence}
    assert ("python_code.random_seeds", "train.py") not in rules
    assert ("python_code.random_seeds", "other.py") in rules  # from the cache, not read again


def test_recent_files_are_read_and_hit_the_cache(
    tmp_path: Path, checked: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {"train.py": TRAIN})  # just written: its times cannot be trusted yet
    first = run_scan(tmp_path, families_to_run=OURS)
    checked.clear()
    hits: list[bool] = []
    real = run_module.process_file

    def spy(plan, file, reader):  # type: ignore[no-untyped-def]
        outcome = real(plan, file, reader)
        hits.append(outcome.cache_hit)
        return outcome

    monkeypatch.setattr(run_module, "process_file", spy)
    second = run_scan(tmp_path, families_to_run=OURS)
    assert hits == [True] and _rows(second) == _rows(first)  # read again, its outcome from the cache


@pytest.mark.usefixtures("trust_now")
def test_touched_file_is_read_then_trusted_again(tmp_path: Path, checked: list[str]) -> None:
    write(tmp_path, FILES)
    first = run_scan(tmp_path, families_to_run=OURS)
    _age(tmp_path, seconds=30)  # new times, same bytes
    checked.clear()
    second = run_scan(tmp_path, families_to_run=OURS)
    assert sorted(checked) == ["train.py", "util.py"] and _rows(second) == _rows(first)
    checked.clear()
    third = run_scan(tmp_path, families_to_run=OURS)
    assert checked == [] and _rows(third) == _rows(first)


def test_broken_cache_costs_speed_not_results(tmp_path: Path) -> None:
    write(tmp_path, FILES)
    clean = run_scan(tmp_path, use_cache=False, families_to_run=OURS)
    cache_path().parent.mkdir(parents=True, exist_ok=True)
    cache_path().mkdir()  # no database can be made where a folder stands
    broken = run_scan(tmp_path, families_to_run=OURS)
    assert _rows(broken) == _rows(clean)
    assert [d.kind for d in broken.diagnostics] == ["cache_error"]


def test_damaged_cache_is_built_again(tmp_path: Path) -> None:
    # a file a system crash damaged (writes are not synced) is discarded, not reported
    write(tmp_path, FILES)
    clean = run_scan(tmp_path, use_cache=False, families_to_run=OURS)
    cache_path().parent.mkdir(parents=True, exist_ok=True)
    cache_path().write_bytes(b"this is not a database" * 100)
    rebuilt = run_scan(tmp_path, families_to_run=OURS)
    assert _rows(rebuilt) == _rows(clean) and rebuilt.diagnostics == []
    assert _table("SELECT COUNT(*) FROM scans") == [(1,)]


def _table(sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(cache_path())
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.mark.usefixtures("trust_now")
def test_files_without_findings_need_no_entry(
    tmp_path: Path, checked: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {**FILES, "other.py": "import numpy as np\nnp.random.seed(2)\n"})
    first = run_scan(tmp_path, families_to_run=OURS)
    clean = {path for path, key in _table("SELECT path, clean FROM files") if key}
    assert clean == {"util.py"}  # nothing found there: recorded with the file only
    assert len(_table("SELECT key FROM entries")) == 2  # train.py and other.py
    (tmp_path / "train.py").write_text(TRAIN + "\n")  # the scan as a whole is not served
    checked.clear()
    second = run_scan(tmp_path, families_to_run=OURS)
    assert checked == ["train.py"] and _rows(second) == _rows(first)
    _age(tmp_path, seconds=30)  # util.py read again (times changed): its empty outcome is known
    hits: list[tuple[str, bool]] = []
    real = run_module.process_file

    def spy(plan, file, reader):  # type: ignore[no-untyped-def]
        outcome = real(plan, file, reader)
        hits.append((file.path, outcome.cache_hit))
        return outcome

    monkeypatch.setattr(run_module, "process_file", spy)
    third = run_scan(tmp_path, families_to_run=OURS)
    assert sorted(hits) == [("other.py", True), ("train.py", True), ("util.py", True)]
    assert _rows(third) == _rows(run_scan(tmp_path, use_cache=False, families_to_run=OURS))


@pytest.mark.usefixtures("trust_now")
def test_a_result_is_served_only_to_a_scan_with_the_same_exclude_list(
    tmp_path: Path, checked: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from mllens.scan import cache_result, incremental

    served: list[bool] = []
    last_result = incremental.Warm.last_result

    def spy(self: incremental.Warm) -> cache_result.Memo | None:
        memo = last_result(self)
        served.append(memo is not None)
        return memo

    monkeypatch.setattr(incremental.Warm, "last_result", spy)
    write(tmp_path, {**FILES, "tests/test_train.py": TRAIN})
    everything = run_scan(tmp_path, families_to_run=OURS)
    assert {e.file for e in everything.evidence} >= {"train.py", "tests/test_train.py"}
    without_tests = run_scan(tmp_path, families_to_run=OURS, exclude=["tests/"])
    assert "tests/test_train.py" not in {e.file for e in without_tests.evidence}
    assert without_tests.files_scanned == everything.files_scanned - 1
    assert without_tests.exclude == ["tests/"]
    checked.clear()
    again = run_scan(tmp_path, families_to_run=OURS, exclude=["tests/"])
    assert checked == [] and _rows(again) == _rows(without_tests)
    # a list that leaves out nothing more still is another list: not served the last result
    run_scan(tmp_path, families_to_run=OURS, exclude=["tests/", "*.none"])
    back = run_scan(tmp_path, families_to_run=OURS)
    assert _rows(back) == _rows(everything) and back.exclude == []
    assert served == [False, False, True, False, False]
