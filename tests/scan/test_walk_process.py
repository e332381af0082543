"""The walk of a cold scan in a forked child (mllens.scan.walk_process): the same walk as in
this process, its refusals raised here, a failed child walked again here, no child left."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from mllens.errors import InputError
from mllens.scan import cache, run_files, walk_process, walk_snapshot
from mllens.scan.cpus import usable_cpus
from mllens.scan.result import ScanResult
from mllens.scan.run import run_scan
from mllens.scan.walk import walk
from mllens.scan.walk_stat import DEFAULT_MAX_SIZE, MAX_FILES

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork") or usable_cpus() < 2, reason="no fork, or one CPU: the walk is never forked"
)


@pytest.fixture(autouse=True)
def _alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a scan from the command line: no other thread in the process (another test's
    server or cluster thread would make start() decline)."""
    monkeypatch.setattr(walk_process, "_alone", lambda: True)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "src" / "pkg" / "train.py").write_text("import mlflow\nmlflow.start_run()\n")
    (root / "tests").mkdir()
    (root / "tests" / "test_train.py").write_text("def test_x():\n    assert True\n")
    (root / "vendor" / "lib").mkdir(parents=True)
    (root / "vendor" / "lib" / "x.py").write_text("x = 1\n")
    (root / "data.csv").write_text("a,b\n1,2\n")
    (root / ".gitignore").write_text("*.log\n")
    (root / "run.log").write_text("ignored\n")
    hour_ago = time.time() - 3600  # times old enough for a walk to be kept (walk_snapshot)
    for path in [root, *root.rglob("*")]:
        os.utime(path, (hour_ago, hour_ago))
    return root


def _started(root: Path, **options: list[str]) -> walk_process.Walking:
    started = walk_process.start(
        str(root),
        max_size=DEFAULT_MAX_SIZE,
        exclude=options.get("exclude", []),
        project=options.get("project", []),
        vendored=options.get("vendored", []),
        keep=None,
    )
    assert started is not None
    return started


def test_the_child_walks_as_this_process_would(tree: Path) -> None:
    started = _started(tree, vendored=["tests/"])
    got = started.result()
    assert got is not None
    walked, began = got
    here = walk(str(tree), vendored=["tests/"])
    assert walked == here
    assert {f.path for f in walked.files} >= {"src/pkg/train.py", "tests/test_train.py", ".gitignore"}
    assert walked.classes["tests/test_train.py"].cls == "vendored"
    assert began > 0 and started.kept() is None  # nothing kept: no settings given


def test_the_child_keeps_the_snapshot_of_its_walk(tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLLENS_CACHE_DIR", str(tmp_path / "cache"))
    settings = walk_snapshot.options([], [], [], MAX_FILES)
    started = walk_process.start(
        str(tree), max_size=DEFAULT_MAX_SIZE, exclude=[], project=[], vendored=[], keep=settings
    )
    assert started is not None
    got = started.result()
    assert got is not None
    walked, _ = got
    kept = started.kept()
    snapshot = walk_snapshot.load(str(tree), max_size=DEFAULT_MAX_SIZE, **settings)
    assert kept is not None and snapshot is not None and snapshot.digest == kept
    replayed = snapshot.walk_result(DEFAULT_MAX_SIZE)
    assert replayed is not None and replayed.files == walked.files


def test_a_pattern_the_walk_refuses_is_raised_here(tree: Path) -> None:
    with pytest.raises(ValueError) as info:
        _started(tree, exclude=["tests/", "["]).result()
    assert str(info.value) == "expected a gitignore-style pattern, got '['"


def test_a_bad_pattern_still_names_its_key_through_run_scan(tree: Path) -> None:
    with pytest.raises(InputError) as raised:
        run_scan(tree, use_cache=False, vendored=["[unclosed"])
    assert str(raised.value) == "scan.vendored: expected a gitignore-style pattern, got '[unclosed'"


def test_a_child_that_fails_leaves_the_walk_to_this_process(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in the walker")

    monkeypatch.setattr(walk_process, "walk", broken)  # the child inherits it
    started = _started(tree)
    assert started.result() is None
    with pytest.raises(ChildProcessError):  # reaped
        os.waitpid(started.pid, os.WNOHANG)


def test_a_child_not_waited_for_is_reaped_on_close(tree: Path) -> None:
    started = _started(tree)
    started.close()
    started.close()  # twice: nothing more to do
    with pytest.raises(ChildProcessError):
        os.waitpid(started.pid, os.WNOHANG)


def test_a_cold_scan_is_the_same_with_or_without_the_child(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    children: list[walk_process.Walking | None] = []
    real = walk_process.start

    def spy(*args: object, **kwargs: object) -> walk_process.Walking | None:
        children.append(real(*args, **kwargs))  # type: ignore[arg-type]
        return children[-1]

    monkeypatch.setattr(walk_process, "start", spy)
    forked = run_scan(tree, use_cache=False)
    assert len(children) == 1 and children[0] is not None  # walked by a child
    monkeypatch.setattr(walk_process, "start", lambda *args, **kwargs: None)
    here = run_scan(tree, use_cache=False)
    assert forked.evidence == here.evidence and forked.diagnostics == here.diagnostics
    assert forked.files_scanned == here.files_scanned and forked.folders == here.folders
    assert forked.not_walked == here.not_walked


def test_a_cold_scan_walked_by_the_child_serves_the_next_by_its_walk(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLLENS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "RACY_NS", 200_000_000)  # times trusted 0.2 s after they were set
    time.sleep(0.3)  # the tree's ctimes (which cannot be set back) old enough
    checked: list[Path] = []
    real = run_files.scan_tree

    def spy(root: Path, **kwargs: object) -> ScanResult:
        checked.append(root)
        return real(root, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(run_files, "scan_tree", spy)
    cold = run_scan(tree)
    warm = run_scan(tree)
    assert len(checked) == 1  # the second served from the walk key the child's snapshot gave
    assert warm.evidence == cold.evidence and warm.diagnostics == cold.diagnostics


def test_no_child_beside_other_threads_or_for_a_one_cpu_scan(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the real check: a thread of ours is running
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert (
            walk_process.start(str(tree), max_size=DEFAULT_MAX_SIZE, exclude=[], project=[], vendored=[], keep=None)
            is None
        )
    finally:
        release.set()
        other.join()
    monkeypatch.setattr(walk_process, "_alone", lambda: True)
    started: list[object] = []
    monkeypatch.setattr(walk_process, "start", lambda *args, **kwargs: started.append(args))
    run_scan(tree, use_cache=False, workers=1)  # a fleet's scan: one CPU, no process of its own
    assert started == []
