"""A re-scan of an unchanged tree is served by its walk key alone; every change that could
change the result changes the key (mllens.scan.cache_result)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from scanfiles import write

from mllens.scan import cache, cache_result, engine, run_files
from mllens.scan.registry import ENTRY_POINT_GROUP, families
from mllens.scan.result import ScanResult
from mllens.scan.run import run_scan

OURS = [f for f in families() if f.name in ("python_code", "notebooks", "docker")]
TRAIN = "import mlflow\nimport numpy as np\n\nnp.random.seed(1)\nmodel.fit(X, y)\nmlflow.log_metric('auc', 0.9)\n"
FILES = {
    "src/train.py": TRAIN,
    "src/util.py": "import json\n",
    "tests/test_train.py": "def test_x():\n    assert True\n",
    "Dockerfile": "FROM python:3.11\nUSER app\n",
    "data/rows.csv": "a\n1\n",
    ".gitignore": "*.log\n",
}
HOUR_AGO = time.time() - 3600
RACY_S = 0.2


@pytest.fixture(autouse=True)
def _trust_sooner(monkeypatch: pytest.MonkeyPatch) -> None:
    """Times are trusted 0.2 s after they were set here, not 2 s as in a real scan: a file's
    ctime cannot be set back, so a test waits that long after writing its tree."""
    monkeypatch.setattr(cache, "RACY_NS", int(RACY_S * 1e9))


def _age(root: Path) -> None:
    """Every folder and file last modified an hour ago, and changed in any way (ctime) long
    enough ago to trust their times."""
    for path in [root, *root.rglob("*")]:
        os.utime(path, (HOUR_AGO, HOUR_AGO), follow_symlinks=False)
    time.sleep(RACY_S * 1.5)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = write(tmp_path / "proj", FILES)
    _age(root)
    return root


@pytest.fixture
def walked_only(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each scan that went past the walk key to check files (mllens.scan.run_files)."""
    calls: list[str] = []
    real = run_files.scan_tree

    def spy(root: Path, **kwargs: object) -> ScanResult:
        calls.append(str(root))
        return real(root, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(run_files, "scan_tree", spy)
    return calls


def _rows(result: ScanResult) -> list[tuple[object, ...]]:
    return [(e.rule, e.check, e.outcome, e.file, e.line, e.message, e.file_class) for e in result.evidence]


def _same(a: ScanResult, b: ScanResult) -> None:
    assert _rows(a) == _rows(b)
    assert a.diagnostics == b.diagnostics and a.lifecycle == b.lifecycle
    assert a.files_scanned == b.files_scanned and a.files_by_class == b.files_by_class
    assert a.folders == b.folders and a.not_walked == b.not_walked and a.exclude == b.exclude


def test_an_unchanged_tree_is_served_by_its_walk(tree: Path, walked_only: list[str]) -> None:
    first = run_scan(tree, families_to_run=OURS)
    assert len(walked_only) == 1
    second = run_scan(tree, families_to_run=OURS)
    assert len(walked_only) == 1  # served without checking a file
    _same(second, first)
    _same(second, run_scan(tree, use_cache=False, families_to_run=OURS))
    assert ("python_code.experiment_tracking", "src/train.py") in {(e.rule, e.file) for e in second.evidence}


def _edit(root: Path) -> None:
    (root / "src" / "train.py").write_text(TRAIN.replace("np.random.seed(1)", "#p.random.seed(1)"))  # same size
    os.utime(root / "src" / "train.py", (HOUR_AGO, HOUR_AGO))  # and its mtime as it was: only its ctime tells


@pytest.mark.parametrize(
    "change",
    [
        _edit,
        lambda root: (root / "src" / "new.py").write_text("import pickle\npickle.load(open('m.pkl', 'rb'))\n"),
        lambda root: (root / "src" / "util.py").unlink(),
        lambda root: (root / "src" / "util.py").rename(root / "src" / "helpers.py"),
        lambda root: (root / ".gitignore").write_text("*.log\nsrc/util.py\n"),
    ],
    ids=["file changed", "file added", "file removed", "file renamed", "gitignore changed"],
)
def test_a_changed_tree_is_checked_again(tree: Path, walked_only: list[str], change: Callable[[Path], None]) -> None:
    run_scan(tree, families_to_run=OURS)
    change(tree)
    time.sleep(RACY_S * 1.5)  # the change itself old enough to trust
    after = run_scan(tree, families_to_run=OURS)
    assert len(walked_only) == 2
    _same(after, run_scan(tree, use_cache=False, families_to_run=OURS))


def test_other_rules_or_settings_are_not_served_the_last_result(tree: Path, walked_only: list[str]) -> None:
    run_scan(tree, families_to_run=OURS)
    fewer = [f for f in OURS if f.name != "docker"]
    other_rules = run_scan(tree, families_to_run=fewer)
    assert not any(e.rule.startswith("docker.") for e in other_rules.evidence)
    excluded = run_scan(tree, families_to_run=OURS, exclude=["tests/"])
    assert "tests/test_train.py" not in {e.file for e in excluded.evidence}
    as_project = run_scan(tree, families_to_run=OURS, project=["tests/"])
    run_scan(tree, families_to_run=OURS, max_file_size=1024)
    assert len(walked_only) == 5
    assert {e.file_class for e in as_project.evidence if e.file.startswith("tests/")} <= {"project"}
    run_scan(tree, families_to_run=fewer, max_file_size=1024)
    assert len(walked_only) == 6


def test_another_lens_or_detectors_change_the_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lens = tmp_path / "data"
    shutil.copytree(cache.LENS_DATA, lens)
    monkeypatch.setattr(cache, "LENS_DATA", lens)
    before = cache_result.registered_version()
    assert cache_result.registered_version() == before
    pillar = next(p for p in sorted((lens / "ml").glob("*.yaml")) if p.name != "lens.yaml")
    pillar.write_text(pillar.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    edited = cache_result.registered_version()
    assert edited != before
    assert cache.detector_version([], ["a"]) != cache.detector_version([], ["b"])
    assert cache_result.ENTRY_POINT_GROUP == ENTRY_POINT_GROUP


def test_a_walk_key_needs_times_old_enough_to_trust() -> None:
    now = time.time_ns()
    old = (10, now - 10 * cache.RACY_NS, now - 10 * cache.RACY_NS, 1, 1)
    recent = (10, now - cache.RACY_NS // 2, now - 10 * cache.RACY_NS, 1, 1)
    assert cache_result.walk_key("v", "w", [old], now) is not None
    assert cache_result.walk_key("v", "w", [old, recent], now) is None
    assert cache_result.walk_key("v", "w", [old], now) != cache_result.walk_key("v", "w2", [old], now)
    assert cache_result.walk_key("v", "w", [old], now) != cache_result.walk_key("v2", "w", [old], now)
    moved = (10, old[1], old[2], 2, 1)  # another inode: the file was replaced
    assert cache_result.walk_key("v", "w", [old], now) != cache_result.walk_key("v", "w", [moved], now)
    huge = (10, old[1], old[2], 2**64 - 1, 1)  # an inode past a signed 64-bit integer
    assert cache_result.walk_key("v", "w", [old, huge], now) not in (None, cache_result.walk_key("v", "w", [old], now))
    assert cache_result.walk_key("v", "w", [huge, recent], now) is None
    assert cache_result.walk_key("v", "w", [], now) is not None  # an empty tree


def test_a_file_too_recent_to_trust_is_never_served_by_the_walk(tree: Path, walked_only: list[str]) -> None:
    later = time.time() + 3600  # a time that is never old enough (as a file written a moment ago)
    os.utime(tree / "src" / "train.py", (later, later))
    time.sleep(RACY_S * 1.5)  # its ctime old enough: only its mtime is too recent
    first = run_scan(tree, families_to_run=OURS)
    second = run_scan(tree, families_to_run=OURS)
    assert len(walked_only) == 2
    _same(second, first)


def test_a_touched_tree_is_served_from_its_contents_then_by_its_walk(tree: Path, walked_only: list[str]) -> None:
    first = run_scan(tree, families_to_run=OURS)
    for path in tree.rglob("*.py"):
        os.utime(path, (HOUR_AGO + 60, HOUR_AGO + 60))  # new times, the same bytes
    time.sleep(RACY_S * 1.5)
    second = run_scan(tree, families_to_run=OURS)
    third = run_scan(tree, families_to_run=OURS)
    assert len(walked_only) == 2  # the second read the touched files, then remembered the walk
    _same(second, first)
    _same(third, first)


def test_a_symlink_loop_is_still_handled(tree: Path, walked_only: list[str]) -> None:
    os.symlink(tree / "src", tree / "src" / "loop")
    _age(tree)
    first = run_scan(tree, families_to_run=OURS)
    second = run_scan(tree, families_to_run=OURS)
    _same(second, first)
    _same(second, run_scan(tree, use_cache=False, families_to_run=OURS))
    assert "src/loop" in {d.file for d in second.diagnostics}


def test_an_unreadable_file_is_read_again(tree: Path, walked_only: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def failing_open(path: str, flags: int, *args: int) -> int:
        if str(path).endswith("train.py"):
            raise OSError(5, "Input/output error")
        return real_open(path, flags, *args)

    monkeypatch.setattr(engine.os, "open", failing_open)
    for _ in range(2):
        result = run_scan(tree, families_to_run=OURS, workers=1)
        assert ("src/train.py", "unreadable") in {(d.file, d.kind) for d in result.diagnostics}
    assert len(walked_only) == 2  # a scan that could not read a file is not kept whole


_CHILD = """
import json, sys
from mllens.scan import cache
cache.RACY_NS = int(sys.argv[2])  # as this test module trusts times
from mllens.scan.run import run_scan
result = run_scan(sys.argv[1])
loaded = sorted(m for m in sys.modules if m.startswith(("mllens.scan.engine", "mllens.scan.detectors",
                "mllens.scan.registry", "mllens.scan.run_files", "multiprocessing", "concurrent.futures")))
print(json.dumps({"loaded": loaded, "evidence": len(result.evidence)}))
"""


def test_a_re_scan_served_by_its_walk_imports_neither_the_engine_nor_the_detectors(tree: Path) -> None:
    """A behaviour test, not a timed one: what the served re-scan leaves out of sys.modules."""

    def scan() -> dict[str, object]:
        command = [sys.executable, "-c", _CHILD, str(tree), str(cache.RACY_NS)]
        run = subprocess.run(command, capture_output=True, text=True, timeout=300, check=True)
        return json.loads(run.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]

    cold = scan()
    assert "mllens.scan.engine" in cold["loaded"] and cold["evidence"]  # type: ignore[operator]
    warm = scan()
    assert warm == {"loaded": [], "evidence": cold["evidence"]}
