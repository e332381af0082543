"""Fleet fixtures: small git repositories made in tmp_path, and caches and a data
directory of the test's own (worker processes inherit the environment)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fleetrepos import DOCKERFILE, REQUIREMENTS, TRAIN, MakeRepo, commit, git, write


@pytest.fixture
def make_repo(tmp_path: Path) -> MakeRepo:
    """make_repo(name, files=None, git=True): a folder under tmp_path/repos, a git
    repository with one commit of `files` (a small ML project by default) unless git=False."""

    def make(name: str, files: dict[str, str] | None = None, *, git_repo: bool = True) -> Path:
        root = tmp_path / "repos" / name
        root.mkdir(parents=True)
        content = files if files is not None else {"train.py": TRAIN, "requirements.txt": REQUIREMENTS,
                                                    "Dockerfile": DOCKERFILE}  # fmt: skip
        if git_repo:
            git(root, "init", "-q", "-b", "main")
            commit(root, content, "first")
        else:
            write(root, content)
        return root

    return make


@pytest.fixture(autouse=True)
def _own_caches(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MLLENS_CACHE_DIR", str(tmp_path / "result-cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("MLLENS_DB", raising=False)
