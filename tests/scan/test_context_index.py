"""ProjectIndex.paths/exists answer exactly as fnmatch.fnmatchcase on each path."""

from __future__ import annotations

import fnmatch
import random

from mllens.scan.context import IndexedFile, ProjectIndex

ALPHABET = "ab/._-*?[]!"
PATH_CHARS = "ab/._-[]!*?"


def _index(paths: list[str]) -> ProjectIndex:
    return ProjectIndex(tuple(IndexedFile(path=p, kind="other", size=0) for p in paths))


def test_globs_match_as_fnmatch() -> None:
    rng = random.Random(5)
    for _ in range(3000):
        paths = ["".join(rng.choice(PATH_CHARS) for _ in range(rng.randint(1, 8))) for _ in range(rng.randint(1, 6))]
        pattern = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 7)))
        index = _index(paths)
        expected = [p for p in paths if fnmatch.fnmatchcase(p, pattern)]
        assert index.paths(pattern) == expected, (pattern, paths)
        assert index.exists(pattern) == bool(expected), (pattern, paths)


def test_star_crosses_slashes_but_not_paths() -> None:
    index = _index(["src/pkg/tests/test_a.py", "README.md", "tests"])
    assert index.paths("*tests/*") == ["src/pkg/tests/test_a.py"]
    assert index.exists("*/test_*.py") and not index.exists("README.md/*")
    assert index.paths("*") == ["src/pkg/tests/test_a.py", "README.md", "tests"]
    assert not _index([]).exists("*")
