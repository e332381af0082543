"""What a worker does for one commit of `mllens history`: export the commit's tree from
git objects into a temporary folder (`git archive`, never a checkout: the user's work
tree and index stay as they are) and review it as `mllens scan --format json` would, its
mllens.yaml as it was at that commit being the answers. Never raises for the commit's
problem: a failure comes back as a result with its error."""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from mllens.errors import MllensError
from mllens.fleet.git import GitError, _env, _last_line
from mllens.fleet.task import _review


@dataclass(frozen=True)
class CommitTask:
    top: str  # the repository's top folder
    prefix: str  # the scanned folder inside it ("" for the top)
    name: str  # the folder the tree is exported as (the scan's project name)
    commit: str


@dataclass(frozen=True)
class CommitResult:
    commit: str
    report: str | None = None  # the JSON of `mllens scan --format json`
    error: str | None = None
    duration_s: float = 0.0


def _member(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
    """Tar's `data` filter, except that a member it refuses (a link out of the tree, an
    absolute path) is left out instead of failing the whole commit."""
    try:
        return tarfile.data_filter(member, dest)
    except tarfile.FilterError:
        return None


def export_tree(top: Path, treeish: str, dest: Path) -> None:
    """Write the files of `treeish` into `dest` (GitError naming the commit if git fails)."""
    env = dict(_env(), GIT_LFS_SKIP_SMUDGE="1")  # pointers as committed: no downloads
    with subprocess.Popen(["git", "archive", "--format=tar", treeish], cwd=top, env=env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:  # fmt: skip
        assert proc.stdout is not None and proc.stderr is not None
        broken: str | None = None
        try:
            with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
                tar.extractall(dest, filter=_member)
        except (tarfile.TarError, OSError) as exc:  # git's own message, if it failed, says more
            broken = str(exc)
        error = proc.stderr.read().decode("utf-8", "replace")
        if proc.wait() != 0:
            raise GitError(f"{top}: git archive {treeish} failed: {_last_line(error)}")
        if broken is not None:
            raise GitError(f"{top}: the tree of {treeish} could not be written to {dest}: {broken}")


def scan_commit(task: CommitTask) -> CommitResult:
    """Export and review one commit (see module docstring). The result cache is not used:
    each export is a new folder, so its entries could never be read again."""
    started = time.perf_counter()
    treeish = f"{task.commit}:{task.prefix}" if task.prefix else task.commit
    try:
        with tempfile.TemporaryDirectory(prefix="mllens-history-") as tmp:
            folder = Path(tmp) / task.name
            folder.mkdir()
            export_tree(Path(task.top), treeish, folder)
            report, _ = _review(folder, use_cache=False)
    except MllensError as exc:
        return CommitResult(commit=task.commit, error=str(exc), duration_s=time.perf_counter() - started)
    except Exception as exc:  # a bug of ours on one commit must not stop the others
        error = f"{task.top} at {task.commit[:12]}: internal error: {type(exc).__name__}: {exc}"
        return CommitResult(commit=task.commit, error=error, duration_s=time.perf_counter() - started)
    return CommitResult(commit=task.commit, report=report, duration_s=round(time.perf_counter() - started, 3))


__all__ = ["CommitResult", "CommitTask", "export_tree", "scan_commit"]
