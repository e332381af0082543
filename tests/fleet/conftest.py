"""Small git repositories made in tmp_path (`git init` + commits), and a result cache of
the test's own (worker processes inherit the environment)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

TRAIN = "import mlflow\nimport numpy as np\n\nnp.random.seed(1)\nmlflow.log_metric('auc', 0.9)\n"
REQUIREMENTS = "scikit-learn==1.4.2\nmlflow\n"
DOCKERFILE = "FROM python:3.11\nRUN pip install -r requirements.txt\n"

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_NOSYSTEM": "1",
}  # fmt: skip


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True,
                          env={**GIT_ENV, "PATH": "/usr/bin:/bin", "HOME": str(repo)})  # fmt: skip
    return done.stdout.strip()


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def commit(repo: Path, files: dict[str, str], message: str = "change") -> str:
    """Write `files`, commit them, and return the new HEAD."""
    write(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


MakeRepo = Callable[..., Path]


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
