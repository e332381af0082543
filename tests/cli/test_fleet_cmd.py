"""`mllens fleet scan` from the command line (the library: tests/fleet)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mllens.cli import app
from mllens.fleet.output import FleetEntry

ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
       "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin"}  # fmt: skip


@pytest.fixture(autouse=True)
def _own_caches(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MLLENS_CACHE_DIR", str(tmp_path / "result-cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv("MLLENS_DB", raising=False)


def repo(root: Path, name: str) -> Path:
    path = root / name
    path.mkdir()
    (path / "train.py").write_text("import mlflow\nmlflow.log_metric('auc', 0.9)\n")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "first"]):
        subprocess.run(["git", *args], cwd=path, env={**ENV, "HOME": str(path)}, check=True, capture_output=True)
    return path


def fleet(tmp_path: Path, *args: str) -> Any:
    return CliRunner().invoke(
        app, ["fleet", "scan", *args, "--db", f"sqlite:///{tmp_path / 'store.db'}", "--cache", str(tmp_path / "clones")]
    )


def test_fleet_scan_writes_dir_and_says_what_happened(tmp_path: Path) -> None:
    repo(tmp_path, "alpha")
    repo(tmp_path, "beta")
    (tmp_path / "notes.txt").write_text("x\n")
    (tmp_path / "repos.txt").write_text("# ours\nalpha\nbeta\nnotes.txt\n")
    out = tmp_path / "out"
    result = fleet(tmp_path, str(tmp_path / "repos.txt"), "--out", str(out), "--workers", "2")
    assert result.exit_code == 0, result.output
    listed = f"(listed in {tmp_path / 'repos.txt'})"
    assert result.stderr.splitlines() == [
        f"failed: notes.txt: is a file, expected a project folder or a git URL {listed}",
        "3 repositories: 2 scanned, 0 skipped (already scanned at that commit), 1 failed",
    ]
    assert sorted(p.name for p in out.iterdir()) == ["alpha.json", "beta.json", "fleet.json"]
    entries = [FleetEntry(**e) for e in json.loads((out / "fleet.json").read_text())["repositories"]]
    assert [(e.name, e.status) for e in entries] == [("alpha", "ok"), ("beta", "ok"), ("notes.txt", "failed")]
    again = fleet(tmp_path, str(tmp_path / "repos.txt"), "--out", str(out), "--quiet")
    assert again.exit_code == 0 and again.stderr == ""
    assert [e["status"] for e in json.loads((out / "fleet.json").read_text())["repositories"]] == [
        "skipped", "skipped", "failed"
    ]  # fmt: skip


def test_fleet_scan_on_a_local_dask_cluster(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    repo(tmp_path, "gamma")
    result = fleet(tmp_path, str(tmp_path / "gamma"), "--cluster", "local", "--workers", "1")
    assert result.exit_code == 0, result.output
    summary = "1 repository: 1 scanned, 0 skipped (already scanned at that commit), 0 failed"
    assert result.stderr.splitlines()[-1] == summary


def test_a_bad_cluster_is_a_usage_error(tmp_path: Path) -> None:
    result = fleet(tmp_path, str(tmp_path), "--cluster", "scheduler:8786")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --cluster: expected 'local' or a scheduler address such as tcp://host:8786, got 'scheduler:8786'\n"
    )


@pytest.mark.parametrize(
    ("recorded", "said"),
    [
        (1, "interrupted after 1 of 2 repositories: run the same command again to scan the rest\n"),
        (2, "interrupted while closing the workers: all 2 repositories were recorded\n"),
    ],
)
def test_ctrl_c_says_how_to_go_on_and_exits_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recorded: int, said: str
) -> None:
    import mllens.fleet.run

    def interrupted(*args: object, **kwargs: object) -> Iterator[FleetEntry]:
        for name in ("a", "b")[:recorded]:
            yield FleetEntry(source=name, name=name, commit=None, status="ok", duration_s=0.1)
        raise KeyboardInterrupt

    monkeypatch.setattr(mllens.fleet.run, "fleet_scan", interrupted)
    repo(tmp_path, "a")
    repo(tmp_path, "b")
    result = fleet(tmp_path, str(tmp_path / "a"), str(tmp_path / "b"), "--workers", "1")
    assert result.exit_code == 130
    assert result.stderr == said
