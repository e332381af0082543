"""run_scan: the scan of a project, as the CLI, the web app, the review and the fleet call it.

With the cache on, a re-scan of a tree whose walk (every folder, every file's size and
times) and detectors are those of the last scan is served from its result here, having
imported neither the engine, nor the detectors, nor multiprocessing
(mllens.scan.cache_result). Anything else is checked file by file (mllens.scan.run_files),
which still reads only the changed files of a project scanned before.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from mllens.errors import InputError
from mllens.scan import cache_result, collector, walk_snapshot
from mllens.scan.result import Diagnostic, ScanResult
from mllens.scan.walk_stat import DEFAULT_MAX_SIZE, MAX_FILES

if TYPE_CHECKING:
    from mllens.scan.merge import Progress
    from mllens.scan.registry import Family


def run_scan(
    path: str | os.PathLike[str],
    *,
    use_cache: bool = True,
    progress: bool | Progress = False,
    families_to_run: Sequence[Family] | None = None,
    max_file_size: int = DEFAULT_MAX_SIZE,
    workers: int | None = None,
    exclude: Sequence[str] = (),
    project: Sequence[str] = (),
    vendored: Sequence[str] = (),
) -> ScanResult:
    """Scan the project under `path`. `progress` is True (a Rich bar on stderr when it is
    a terminal) or a callback (done, total). `exclude`: gitignore-style patterns, relative
    to `path`, of files and folders not to walk; `project`, `vendored`: of files forced
    into that class (mllens.scan.classify). InputError when `path` is not a directory or
    a pattern is not a pattern."""
    started = time.perf_counter()
    root = Path(path)
    if not root.is_dir():
        raise InputError("expected a project directory to scan", file=str(path))
    if families_to_run is None:
        version = cache_result.registered_version()
    else:  # families given are loaded already: reading their rules costs nothing more
        from mllens.scan.incremental import version_of

        version = version_of(families_to_run)
    snapshot = None
    settings = walk_snapshot.options(exclude, project, vendored, MAX_FILES)
    if use_cache:
        snapshot = walk_snapshot.load(str(root), max_size=max_file_size, **settings)
        if snapshot is not None:
            served = _served(root, snapshot, version=version, exclude=exclude, started=started)
            if served is not None:
                return served
    walking = None
    cold = families_to_run is None and snapshot is None and workers != 1
    if cold and not (use_cache and cache_result.has_scan(root, version)):
        # a cold scan that may use more than one CPU: a child process walks the tree while
        # this one loads the engine and the families (mllens.scan.walk_process)
        from mllens.scan import walk_process

        walking = walk_process.start(
            str(root), max_size=max_file_size, exclude=exclude, project=project, vendored=vendored,
            keep=settings if use_cache else None,
        )  # fmt: skip
    try:
        # the engine, the families and the worker pool load only now
        from mllens.scan.run_files import scan_tree

        return scan_tree(
            root, started=started, version=version, snapshot=snapshot, use_cache=use_cache, progress=progress,
            families_to_run=families_to_run, max_file_size=max_file_size, workers=workers, exclude=exclude,
            project=project, vendored=vendored, walking=walking,
        )  # fmt: skip
    finally:
        if walking is not None:
            walking.close()


def _served(
    root: Path, snapshot: walk_snapshot.Snapshot, *, version: str, exclude: Sequence[str], started: float
) -> ScanResult | None:
    """The last scan's result, when it was stored for this walk (None: check the files)."""
    key = cache_result.walk_key(version, snapshot.digest, snapshot.stats, snapshot.taken_ns)
    if key is None:
        return None
    with collector.for_scan():  # one Evidence record per finding
        memo = cache_result.stored(os.path.realpath(root), key)
    if memo is None:
        return None
    data = snapshot.data
    try:
        walked = [Diagnostic(file=f, kind=k, message=m) for f, k, m in data["diagnostics"]]
        return ScanResult(
            root=str(root),
            files_scanned=len(data["paths"]),
            duration_s=round(time.perf_counter() - started, 3),
            evidence=memo.evidence,
            diagnostics=[*walked, *memo.diagnostics],
            lifecycle=memo.lifecycle,
            exclude=list(exclude),
            files_by_class=memo.files_by_class,
            folders=memo.folders,
            not_walked=[(folder, why) for folder, why in data["skipped"]],
        )
    except (KeyError, TypeError, ValueError, ValidationError):  # a damaged snapshot: walk again
        return None
