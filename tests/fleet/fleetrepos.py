"""Helpers of the fleet tests: small git repositories (`git init` + commits), and the
JSON of `mllens scan --format json` to compare fleet results with."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from mllens.cli import app

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


def without_timing(report: dict[str, Any]) -> dict[str, Any]:
    project = {k: v for k, v in report["project"].items() if k != "duration_s"}
    return {**report, "project": project}


def scan_json(path: Path) -> dict[str, Any]:
    """`mllens scan PATH --format json` without the result cache."""
    result = CliRunner().invoke(app, ["scan", str(path), "--format", "json", "--quiet", "--no-cache"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data
