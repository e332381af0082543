"""A re-scan reuses the last walk only while the tree's shape is what that walk saw."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from mllens.scan import walk_snapshot
from mllens.scan.run import run_scan
from mllens.scan.walk import MAX_FILES, WalkResult, walk

SETTINGS = walk_snapshot.options((), (), (), MAX_FILES)
HOUR_AGO = time.time() - 3600


def _age(root: Path) -> None:
    """Every folder and file last changed an hour ago: nothing is in the walk's own tick."""
    for path in [root, *root.rglob("*")]:
        os.utime(path, (HOUR_AGO, HOUR_AGO), follow_symlinks=False)


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "src" / "pkg" / "train.py").write_text("import mlflow\nmlflow.autolog()\n")
    (root / "tests").mkdir()
    (root / "tests" / "test_train.py").write_text("def test_x():\n    assert 1 + 1 == 2\n")
    (root / "vendor_lib" / "requests-2.0.dist-info").mkdir(parents=True)
    (root / "vendor_lib" / "requests-2.0.dist-info" / "top_level.txt").write_text("requests\n")
    (root / "vendor_lib" / "requests").mkdir()
    (root / "vendor_lib" / "requests" / "api.py").write_text("def get():\n    pass\n")
    (root / ".gitignore").write_text("*.log\n")
    (root / "run.log").write_text("x\n")
    _age(root)
    return root


def _taken(root: Path) -> WalkResult:
    began = time.time_ns()
    walked = walk(root)
    walk_snapshot.save(str(root), walked, began, max_size=2 * 1024 * 1024, **SETTINGS)
    return walked


def _again(root: Path) -> WalkResult | None:
    return walk_snapshot.replay(str(root), max_size=2 * 1024 * 1024, **SETTINGS)


def _same(a: WalkResult, b: WalkResult) -> None:
    assert a.files == b.files
    assert a.classes == b.classes and a.stats == b.stats
    assert a.diagnostics == b.diagnostics and a.skipped == b.skipped


def test_an_unchanged_tree_gives_the_walk_it_gave_before(tree: Path) -> None:
    walked = _taken(tree)
    again = _again(tree)
    assert again is not None
    _same(again, walked)
    assert any(d.cls == "vendored" for d in again.classes.values())  # the classes come back too


def test_an_edited_file_is_stat_ed_again_and_keeps_its_place(tree: Path) -> None:
    _taken(tree)
    (tree / "src" / "pkg" / "train.py").write_text("import mlflow\nmlflow.autolog()\n# a longer file now\n")
    again = _again(tree)
    assert again is not None
    _same(again, walk(tree))  # the new size and times, as a walk would see them


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / "src" / "pkg" / "new.py").write_text("x = 1\n"),
        lambda root: (root / "tests" / "test_train.py").unlink(),
        lambda root: (root / "src" / "pkg" / "train.py").rename(root / "src" / "pkg" / "fit.py"),
        lambda root: (root / "data").mkdir(),
    ],
    ids=["file added", "file removed", "file renamed", "folder added"],
)
def test_a_change_to_what_a_folder_holds_means_a_walk(tree: Path, change: object) -> None:
    _taken(tree)
    change(tree)  # type: ignore[operator]
    assert _again(tree) is None


def test_a_gitignore_edited_in_place_means_a_walk_even_when_its_folder_looks_untouched(tree: Path) -> None:
    _taken(tree)
    (tree / ".gitignore").write_text("*.txt\n")
    os.utime(tree, (HOUR_AGO, HOUR_AGO))  # the folder's own times as they were
    assert _again(tree) is None


def test_a_dist_info_listing_edited_in_place_means_a_walk(tree: Path) -> None:
    _taken(tree)
    listing = tree / "vendor_lib" / "requests-2.0.dist-info" / "top_level.txt"
    listing.write_text("other\n")
    assert _again(tree) is None


def test_a_tree_changed_in_the_walks_own_tick_is_not_kept(tree: Path) -> None:
    (tree / "src" / "pkg" / "new.py").write_text("x = 1\n")  # its folder's mtime is now
    _taken(tree)
    assert _again(tree) is None


def test_other_settings_or_a_damaged_snapshot_mean_a_walk(tree: Path) -> None:
    _taken(tree)
    other = walk_snapshot.options(("tests/",), (), (), MAX_FILES)
    assert walk_snapshot.replay(str(tree), max_size=2 * 1024 * 1024, **other) is None
    assert walk_snapshot.replay(str(tree), max_size=1024, **SETTINGS) is None
    snapshot = next((Path(os.environ["MLLENS_CACHE_DIR"]) / "walks").glob("*.json"))
    snapshot.write_text('{"params": ', encoding="utf-8")
    assert _again(tree) is None


def test_an_index_not_kept_with_its_header_means_a_walk(tree: Path) -> None:
    walked = _taken(tree)
    header = next((Path(os.environ["MLLENS_CACHE_DIR"]) / "walks").glob("*.json"))
    index = header.with_suffix(".index")
    kept = walk_snapshot.load(str(tree), max_size=2 * 1024 * 1024, **SETTINGS)
    assert kept is not None and kept.digest == header.read_text().partition("\n")[0]
    # the header alone serves a re-scan: the index is read only to check files
    original = index.read_bytes()
    index.write_bytes(original.replace(b'"python"', b'"text"'))  # another walk's index
    assert _again(tree) is None
    index.unlink()
    assert _again(tree) is None
    index.write_bytes(original)
    again = _again(tree)
    assert again is not None
    _same(again, walked)


def test_a_re_scan_from_the_snapshot_finds_what_a_fresh_scan_finds(tree: Path) -> None:
    cold = run_scan(tree, use_cache=True)
    assert next((Path(os.environ["MLLENS_CACHE_DIR"]) / "walks").glob("*.json")).stat().st_size > 0
    (tree / "src" / "pkg" / "train.py").write_text("import pickle\npickle.load(open('m.pkl', 'rb'))\n")
    warm = run_scan(tree, use_cache=True)
    fresh = run_scan(tree, use_cache=False)
    assert warm.evidence == fresh.evidence != cold.evidence
    assert warm.files_by_class == fresh.files_by_class and warm.folders == fresh.folders


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / "libs" / "fast" / "LICENSE").write_text("MIT License\n"),
        lambda root: (root / "LICENSE").write_text("BSD 3-Clause License\n"),
        lambda root: (root / "tpl" / "template.yaml").write_text("AWSTemplateFormatVersion: '2010-09-09'\n"),
        lambda root: (root / "lab" / "solutions" / "extra.py").write_text("x = 1\n"),
    ],
    ids=["a candidate's LICENSE", "the root LICENSE", "a Backstage template.yaml", "a copy's sibling"],
)
def test_a_marker_the_shape_signals_read_edited_in_place_means_a_walk(tree: Path, change: object) -> None:
    files = {"LICENSE": "Apache License\n", "libs/fast/LICENSE": "Apache License\n", "libs/fast/setup.py": "",
             "libs/fast/tests/test_a.py": "", "tpl/template.yaml": "apiVersion: scaffolder.backstage.io/v1\n"
             "kind: Template\n", "lab/solutions/p.py": "", "lab/solutions/q.py": "", "lab/labs/p.py": "",
             "lab/labs/q.py": ""}  # fmt: skip
    for rel, text in files.items():
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text(text)
    _age(tree)
    walked = _taken(tree)
    assert walked.classes["tpl/template.yaml"].cls == "docs" and walked.classes["lab/labs/p.py"].cls == "docs"
    change(tree)  # type: ignore[operator]
    for rel in ("libs/fast", ".", "tpl", "lab/solutions", "lab"):
        os.utime(tree / rel, (HOUR_AGO, HOUR_AGO))  # the folders' own times as they were
    assert _again(tree) is None


def test_a_gitmodules_appearing_means_a_walk(tree: Path) -> None:
    _taken(tree)
    (tree / ".gitmodules").write_text('[submodule "s"]\n\tpath = src\n')
    os.utime(tree, (HOUR_AGO, HOUR_AGO))
    assert _again(tree) is None
    walked = walk(tree)
    assert walked.classes["src/pkg/train.py"].cls == "vendored"


def test_a_walk_classed_by_other_walker_code_is_not_replayed(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _taken(tree)
    assert _again(tree) is not None
    monkeypatch.setattr(walk_snapshot, "_code", ["another version of the classifier"])
    assert _again(tree) is None
