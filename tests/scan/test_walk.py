"""The walker: what it indexes, skips and reports."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from scanfiles import write

from mllens.scan.kinds import classify
from mllens.scan.walk import walk


def _paths(root: Path) -> dict[str, str]:
    return {f.path: f.kind for f in walk(root).files}


def test_classifies_by_name_and_extension() -> None:
    assert classify("Dockerfile.gpu") == "dockerfile"
    assert classify("main.tf") == "terraform"
    assert classify("requirements-dev.txt") == "requirements"
    assert classify("base.txt", "requirements") == "requirements"
    assert classify("MLmodel") == "yaml"
    assert classify("dvc.lock") == "yaml"
    assert classify("CODEOWNERS") == "codeowners"
    assert classify("model.pkl") == "model"
    assert classify("train.parquet") == "data"
    assert classify("notes.txt") == "text"
    assert classify("LICENSE") == "other"


def test_skips_what_is_not_the_projects_own(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "src/train.py": "x = 1\n",
            ".git/config": "[core]\n",
            "node_modules/a/index.js": "",
            "vendor/lib.py": "",
            "third_party/x.py": "",
            "src/__pycache__/train.cpython-311.pyc": b"\0",
            "myenv/pyvenv.cfg": "home = /usr\n",
            "myenv/lib/python3.11/site-packages/pkg.py": "",
            "venv/bin/activate": "",
            "venv/x.py": "",
            "env/prod.yaml": "a: 1\n",
            "build/lib/x.py": "",
            "dist/pkg-1.0-py3-none-any.whl": b"PK",
            "ci/build/cloudbuild.yaml": "steps: []\n",  # a build folder of CI files is the project's
            ".dvc/cache/ab/cdef": "data",
            ".dvc/config": "[core]\n",
            "notebooks/.ipynb_checkpoints/a-checkpoint.ipynb": "{}",
            "mlruns/0/abc/artifacts/model/weights.xyz": "bin",
            "mlruns/0/abc/artifacts/model/MLmodel": "flavors: {}\n",
        },
    )
    assert _paths(tmp_path) == {
        "src/train.py": "python",
        "env/prod.yaml": "yaml",
        "ci/build/cloudbuild.yaml": "yaml",
        ".dvc/config": "other",
        "mlruns/0/abc/artifacts/model/weights.xyz": "binary",
        "mlruns/0/abc/artifacts/model/MLmodel": "yaml",
    }


def test_gitignore_nested_and_negated(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".gitignore": "*.log\ndata/\n!keep.log\n/top.txt\n",
            "a.log": "",
            "keep.log": "",
            "top.txt": "",
            "sub/top.txt": "",
            "data/x.csv": "",
            "sub/.gitignore": "*.yaml\n!wanted.yaml\n",
            "sub/a.yaml": "",
            "sub/wanted.yaml": "",
            "other/a.yaml": "",
        },
    )
    paths = set(_paths(tmp_path))
    assert paths == {".gitignore", "keep.log", "sub/top.txt", "sub/.gitignore", "sub/wanted.yaml", "other/a.yaml"}


def test_symlinks_loops_and_escapes(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    root = tmp_path / "proj"
    write(outside, {"secret.py": "x = 1\n"})
    write(root, {"src/a.py": "a = 1\n"})
    os.symlink(outside, root / "escape")
    os.symlink(outside / "secret.py", root / "escape.py")
    os.symlink(root, root / "src" / "loop")
    os.symlink(root / "src", root / "alias")  # same files as src/: indexed once
    os.symlink(root / "missing", root / "dangling")
    result = walk(root)
    assert [f.path for f in result.files] == ["src/a.py"]
    kinds = {(d.file, d.kind) for d in result.diagnostics}
    assert kinds == {
        ("escape", "symlink_outside"),
        ("escape.py", "symlink_outside"),
        ("src/loop", "symlink_loop"),
        ("dangling", "broken_symlink"),
    }


def test_size_limit_marks_file_too_large_without_reading(tmp_path: Path) -> None:
    write(tmp_path, {"small.py": "x = 1\n"})
    with open(tmp_path / "big.py", "wb") as handle:
        handle.truncate(3 * 1024 * 1024)
    files = {f.path: f for f in walk(tmp_path).files}
    assert files["big.py"].too_large and files["big.py"].size == 3 * 1024 * 1024
    assert not files["small.py"].too_large


def test_odd_names_are_escaped_and_reported(tmp_path: Path) -> None:
    (tmp_path / "new\nline.py").write_text("x = 1\n")
    os.close(os.open(os.path.join(os.fsencode(tmp_path), b"bad\xffname.py"), os.O_CREAT | os.O_WRONLY))
    result = walk(tmp_path)
    assert sorted(f.path for f in result.files) == ["bad\\xffname.py", "new\\nline.py"]
    assert {d.kind for d in result.diagnostics} == {"odd_name"}


def test_fifo_is_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    result = walk(tmp_path)
    assert result.files == []
    assert [(d.file, d.kind) for d in result.diagnostics] == [("pipe.py", "not_regular")]


# --- the user's exclude list (--exclude, scan.exclude in mllens.yaml) -------------------------


def test_an_excluded_folder_is_not_entered(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    root = tmp_path / "proj"
    write(outside, {"secret.py": "x = 1\n"})
    write(root, {"src/a.py": "", "tests/test_a.py": "", "tests/fixtures/bad/main.tf": "", "src/tests/t.py": ""})
    os.symlink(outside, root / "tests" / "escape")  # reported only if the walker looks inside tests/
    os.mkfifo(root / "tests" / "pipe.py")
    everything = walk(root)
    assert {d.kind for d in everything.diagnostics} == {"symlink_outside", "not_regular"}
    result = walk(root, exclude=["tests/"])
    # `tests/` has no slash before its end: like .gitignore, it matches a folder at any depth
    assert [f.path for f in result.files] == ["src/a.py"]
    assert result.diagnostics == []
    anchored = walk(root, exclude=["/tests/"])
    assert [f.path for f in anchored.files] == ["src/a.py", "src/tests/t.py"]


def test_exclude_patterns_are_gitignore_patterns_from_the_root(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a.log": "",
            "logs/b.log": "",
            "data/raw/x.csv": "",
            "data/keep/y.csv": "",
            "data/z.csv": "",
            "nb/scratch.ipynb": "",
            "nb/keep.ipynb": "",
            "sub/data/raw/w.csv": "",
        },
    )
    result = walk(tmp_path, exclude=["*.log", "data/*", "!data/keep/", "**/*.ipynb", "!keep.ipynb"])
    assert [f.path for f in result.files] == ["data/keep/y.csv", "nb/keep.ipynb", "sub/data/raw/w.csv"]


def test_a_negation_only_takes_back_what_the_exclude_list_took(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".gitignore": "*.tmp\n",
            "x.tmp": "",
            "sub/.gitignore": "!wanted.yaml\n",
            "sub/wanted.yaml": "",
            "sub/other.yaml": "",
        },
    )
    # a nested .gitignore re-including a file does not undo the user's exclude ...
    assert [f.path for f in walk(tmp_path, exclude=["*.yaml"]).files] == [".gitignore", "sub/.gitignore"]
    # ... and a `!pattern` in the exclude list does not re-include what .gitignore ignores
    assert "x.tmp" not in {f.path for f in walk(tmp_path, exclude=["!x.tmp"]).files}
    # the last matching pattern wins, as in .gitignore
    assert {f.path for f in walk(tmp_path, exclude=["!other.yaml", "*.yaml"]).files} == {
        ".gitignore",
        "sub/.gitignore",
    }


@pytest.mark.parametrize("pattern", ["", "   ", "#comment", "!", "\\", "[z-a].py", "["])
def test_a_pattern_that_matches_nothing_by_its_syntax_is_refused(tmp_path: Path, pattern: str) -> None:
    with pytest.raises(ValueError) as info:
        walk(tmp_path, exclude=["tests/", pattern])
    assert str(info.value) == f"expected a gitignore-style pattern, got {pattern!r}"
