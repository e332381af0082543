"""What a worker does for one repository: bring it to a folder (a remote one cloned or
fetched into the cache), read its commit, and, unless that commit is already scanned,
review it exactly as `mllens scan --format json` does. It never raises for a repository's
problem: a failure comes back as a result with its error, so the others go on."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Literal

from mllens.errors import MllensError
from mllens.fleet.git import checkout_remote, clone_folder, head_commit, remote_head
from mllens.fleet.sources import Source

Status = Literal["ok", "failed", "skipped"]

# run_scan keeps its plan in a module global: scans in threads of one process (Dask with
# processes=False) take turns; in a process of its own a task never waits here.
_SCAN_LOCK = threading.Lock()


@dataclass(frozen=True)
class ScanTask:
    """One repository for a worker. `known_commits`: commits already scanned (skipped);
    `clone_cache`: where remote repositories are cloned."""

    source: Source
    clone_cache: str
    known_commits: frozenset[str] = field(default_factory=frozenset)
    use_cache: bool = True


@dataclass(frozen=True)
class TaskResult:
    """What came of one task. `report`: the JSON text of `mllens scan --format json` (ok only)."""

    source: Source
    status: Status
    commit: str | None = None
    duration_s: float = 0.0
    report: str | None = None
    risk_counts: dict[str, int] | None = None
    error: str | None = None


def _review(folder: Path, *, use_cache: bool) -> tuple[str, dict[str, int]]:
    from mllens.report import get_reporter
    from mllens.scan.run import run_scan
    from mllens.workflow import review_project

    # one process per repository: the fleet spreads repositories over the workers, so a
    # scan does not fork workers of its own
    scan = partial(run_scan, workers=1)
    with _SCAN_LOCK:
        review, result = review_project(folder, use_cache=use_cache, scan=scan)
    text = get_reporter("json")(review, scan=result)
    assert isinstance(text, str)
    return text, review.summary.risk_counts.model_dump()


def scan_repository(task: ScanTask) -> TaskResult:
    """Scan one repository (see module docstring)."""
    started = time.perf_counter()
    source = task.source
    commit: str | None = None

    def done(
        status: Status, *, report: str | None = None, risk_counts: dict[str, int] | None = None,
        error: str | None = None,
    ) -> TaskResult:  # fmt: skip
        elapsed = round(time.perf_counter() - started, 3)
        return TaskResult(source=source, status=status, commit=commit, duration_s=elapsed, report=report,
                          risk_counts=risk_counts, error=error)  # fmt: skip

    try:
        if source.problem is not None:
            return done("failed", error=source.problem)
        if source.kind == "git":
            if task.known_commits:  # a rerun: most remotes have not moved, and asking costs no fetch
                commit = remote_head(source.location)
                if commit is not None and commit in task.known_commits:
                    return done("skipped")
            folder = checkout_remote(source.location, clone_folder(Path(task.clone_cache), source.location))
        else:
            folder = Path(source.location)
            if not folder.is_dir():
                return done("failed", error=f"{source.text}: is no longer a folder")
        commit = head_commit(folder)
        if commit is not None and commit in task.known_commits:
            return done("skipped")
        report, counts = _review(folder, use_cache=task.use_cache)
        return done("ok", report=report, risk_counts=counts)
    except MllensError as exc:
        return done("failed", error=str(exc))
    except Exception as exc:  # a bug of ours in one repository must not stop the fleet
        return done("failed", error=f"{source.text}: internal error: {type(exc).__name__}: {exc}")
