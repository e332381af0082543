"""A scan that checks files (mllens.scan.run.run_scan comes here unless the walk alone
serves the last result): walk, then every file once through the engine (in worker
processes when the tree is big enough to pay for them), then the project rules over the
facts, then the lifecycle notes. A scan never raises for anything found in the tree:
problems become diagnostics naming the file.

With the cache on, a re-scan whose files' contents are unchanged is served from the last
result, and one with a few changed files checks only those (see mllens.scan.incremental).
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import TracebackType
from typing import Any

from mllens.errors import InputError
from mllens.scan import cache as result_cache
from mllens.scan import cache_result, classified, collector, incremental, walk_snapshot
from mllens.scan.context import IndexedFile, ProjectIndex
from mllens.scan.cpus import usable_cpus
from mllens.scan.engine import FileOutcome, Plan, process_file
from mllens.scan.evidence import Evidence
from mllens.scan.lifecycle import lifecycle_notes
from mllens.scan.merge import Progress, facts_of, found_in, progress_callback, project_rules, run_project_rule
from mllens.scan.registry import Family, families
from mllens.scan.result import Diagnostic, FolderClass, ScanResult
from mllens.scan.walk import walk
from mllens.scan.walk_process import Walking
from mllens.scan.walk_stat import MAX_FILES

PARALLEL_MIN_FILES = 300  # below this, starting worker processes costs more than it saves
# files per shard: fewer, bigger shards cost the main process less to hand out and take in
# (measured: 256 beat 64 by about 5% of a cold scan; both workers still finish together)
_SHARD = 256
_PLAN: Plan | None = None  # set before forking: workers inherit it instead of unpickling it
_READER: result_cache.CacheReader | None = None

ProjectFound = tuple[list[Evidence], list[Diagnostic]]


def _worker_shard(files: list[IndexedFile], use_cache: bool) -> list[FileOutcome]:
    """Check a shard of files. What they found goes into the cache from the main process, in
    one transaction at the end: measured (bench/scan_speed.py), workers writing their own
    shards to the one SQLite file cost more CPU than they saved."""
    global _READER
    assert _PLAN is not None
    if use_cache and _READER is None:
        _READER = result_cache.open_reader()
    return [process_file(_PLAN, f, _READER if use_cache else None) for f in files]


def _worker_packed(positions: list[int], use_cache: bool) -> list[tuple[Any, ...]]:
    """_worker_shard in a worker process, given its files by their place in the index it
    inherited (a list of numbers to pickle, not 12,000 records): the outcomes cross the
    pipe as plain tuples."""
    assert _PLAN is not None
    files = _PLAN.index.files
    return [o.packed() for o in _worker_shard([files[i] for i in positions], use_cache)]


def _shards(files: list[IndexedFile], count: int) -> list[list[IndexedFile]]:
    """Shards of similar byte size, big files first, so both workers finish together (every
    parser loads in milliseconds, so no kind needs a shard of its own)."""
    ordered = sorted(files, key=lambda f: f.size, reverse=True)
    shards: list[list[IndexedFile]] = [[] for _ in range(count)]
    for i, f in enumerate(ordered):
        shards[i % count].append(f)
    return [s for s in shards if s]


class _Workers:
    """The worker processes of one scan: forked (inheriting _PLAN) when there are enough
    files and two CPUs, else everything runs in this process."""

    def __init__(self, *, files: int, workers: int, use_cache: bool) -> None:
        self.use_cache = use_cache
        self.workers = workers
        parallel = workers > 1 and files >= PARALLEL_MIN_FILES
        self.pool: ProcessPoolExecutor | None = None
        if parallel and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=collector.start_worker)

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def files(
        self,
        files: list[IndexedFile],
        progress: Progress | None,
        checked: Callable[[list[FileOutcome]], None] | None = None,
    ) -> list[FileOutcome]:
        """The outcome of every file. `checked` is called in this process with each batch of
        outcomes as it comes in (after the workers are forked)."""
        total = len(files)
        if self.pool is None:
            reader = result_cache.open_reader() if self.use_cache else None
            out: list[FileOutcome] = []
            assert _PLAN is not None
            for i, f in enumerate(files):
                out.append(process_file(_PLAN, f, reader))
                if progress is not None and (i % 50 == 0 or i == total - 1):
                    progress(i + 1, total)
            if reader is not None:
                reader.close()
            if checked is not None:
                checked(out)
            return out
        shards = _shards(files, max(self.workers * 8, total // _SHARD))
        results: list[FileOutcome] = []
        pending = set(range(len(shards)))
        done = 0
        assert _PLAN is not None
        place = {f.path: i for i, f in enumerate(_PLAN.index.files)}
        try:
            futures = {
                self.pool.submit(_worker_packed, [place[f.path] for f in shard], self.use_cache): i
                for i, shard in enumerate(shards)
            }
            for future in as_completed(futures):
                shard = [FileOutcome.unpacked(fields) for fields in future.result()]
                results.extend(shard)
                if checked is not None:
                    checked(shard)
                pending.discard(futures[future])
                done += len(shards[futures[future]])
                if progress is not None:
                    progress(done, total)
        except BrokenProcessPool:  # a worker died (out of memory?): finish the rest here
            self.pool = None
            for i in sorted(pending):
                shard = _worker_shard(shards[i], self.use_cache)
                results.extend(shard)
                if checked is not None:
                    checked(shard)
        return results


def _load_families() -> None:
    with contextlib.suppress(Exception):  # families() raises again where it is needed
        families()


def _joined(found: list[ProjectFound]) -> ProjectFound:
    return [e for ev, _ in found for e in ev], [d for _, diags in found for d in diags]


def _fingerprint(files: Sequence[IndexedFile]) -> str:
    text = "".join(f"{f.path}\t{f.kind}\n" for f in files)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _kinds(selected: Sequence[Family]) -> frozenset[str]:
    """The kinds some file rule reads: the files whose content a scan depends on."""
    return frozenset(kind for family in selected if family.file_rules() for kind in family.meta.kinds)


@collector.for_scan()
def scan_tree(
    root: Path,
    *,
    started: float,
    version: str,
    snapshot: walk_snapshot.Snapshot | None,
    use_cache: bool,
    progress: bool | Progress,
    families_to_run: Sequence[Family] | None,
    max_file_size: int,
    workers: int | None,
    exclude: Sequence[str],
    project: Sequence[str],
    vendored: Sequence[str],
    walking: Walking | None = None,
) -> ScanResult:
    """mllens.scan.run.run_scan past its checks: `started` is when it began (perf_counter),
    `snapshot` the last walk of the tree when it still holds (mllens.scan.walk_snapshot),
    `walking` a child process walking the tree meanwhile (mllens.scan.walk_process)."""
    global _PLAN
    registered = families_to_run is None
    loading = None
    if walking is not None:  # the child walks: load the families here meanwhile
        _load_families()
    elif registered and not (use_cache and cache_result.has_scan(root, version)):
        # Loading the registered families (imports, metadata) overlaps the walk's system
        # calls, unless the last scan's result will likely be served whole (it needs no
        # family code). A failure to load surfaces below, when families() is called again.
        loading = threading.Thread(target=_load_families, daemon=True)
        loading.start()
    settings = walk_snapshot.options(exclude, project, vendored, MAX_FILES)
    walked = snapshot.walk_result(max_file_size) if snapshot is not None else None
    kept: str | None = None  # the digest of the walk's snapshot, when it was kept
    began = 0
    child: Walking | None = None  # the child that walked, keeping the snapshot meanwhile
    if walked is not None and snapshot is not None:
        kept, began = snapshot.digest, snapshot.taken_ns
    else:
        try:
            from_child = walking.result() if walking is not None else None
            if from_child is not None:
                (walked, began), child = from_child, walking
            else:
                began = time.time_ns()
                walked = walk(root, max_size=max_file_size, exclude=exclude, project=project, vendored=vendored)
                if use_cache:
                    kept = walk_snapshot.save(str(root), walked, began, max_size=max_file_size, **settings)
        except ValueError as exc:  # a bad pattern, found before any file is read
            message = str(exc)
            key, colon, rest = message.partition(": ")
            in_scan = colon and key in ("scan.project", "scan.vendored")
            raise InputError(rest if in_scan else message, field=key if in_scan else "exclude") from None
    final_walk = walked

    def trusted_walk_key() -> str | None:
        """The key of this walk, when it can be trusted (mllens.scan.cache_result)."""
        digest = child.kept() if child is not None else kept
        if digest is None:
            return None
        stats = [final_walk.stats[f.path] for f in final_walk.files]
        return cache_result.walk_key(version, digest, stats, began)

    walk_classes = classified.fingerprint(walked.classes)

    def result(evidence: list[Evidence], diagnostics: list[Diagnostic], lifecycle: dict[str, list[str]],
               files_by_class: dict[str, int], folders: list[FolderClass]) -> ScanResult:  # fmt: skip
        return ScanResult(
            root=str(root),
            files_scanned=len(walked.files),
            duration_s=round(time.perf_counter() - started, 3),
            evidence=evidence,
            diagnostics=[*walked.diagnostics, *diagnostics],
            lifecycle=lifecycle,
            exclude=list(exclude),
            files_by_class=files_by_class,
            folders=folders,
            not_walked=walked.skipped,
        )

    warm = None
    if use_cache:
        warm = incremental.Warm.open(
            str(root), version=version, max_size=max_file_size, walked=walked, exclude=tuple(exclude),
            classes=walk_classes,
        )  # fmt: skip
        memo = warm.last_result()
        if memo is not None:
            warm.reader.close()
            walk_key = trusted_walk_key()
            problem = warm.remember_walk(walk_key) if walk_key else None
            diagnostics = list(memo.diagnostics)
            if problem:
                diagnostics.append(Diagnostic(file=str(result_cache.cache_dir()), kind="cache_error", message=problem))
            return result(memo.evidence, diagnostics, memo.lifecycle, memo.files_by_class, memo.folders)
    if loading is not None:
        loading.join()
    selected = tuple(families() if families_to_run is None else families_to_run)
    index = ProjectIndex(tuple(walked.files))
    _PLAN = Plan(
        families=selected,
        index=index,
        version=version,
        index_fingerprint=_fingerprint(walked.files),
        max_size=max_file_size,
    )
    todo = [f for f in walked.files if f.kind in _PLAN.by_kind]
    cached: list[FileOutcome] = []
    if warm is not None:
        cached, todo, _PLAN.lookup = warm.take_cached(todo, ix=_PLAN.index_fingerprint)
        _PLAN.clean = warm.clean
        warm.reader.close()  # never across the fork
    evidence, diagnostics = found_in(cached)

    def checked(shard: list[FileOutcome]) -> None:
        # while the workers go on: store the shard's rows, turn them into evidence
        if warm is not None:
            warm.record(shard)
        found = found_in(shard)
        evidence.extend(found[0])
        diagnostics.extend(found[1])

    callback, finish = progress_callback(progress, len(todo))
    try:
        with _Workers(files=len(todo), workers=workers or min(usable_cpus(), 2), use_cache=use_cache) as pool:
            try:
                outcomes = pool.files(todo, callback, checked)
            finally:
                finish()
    finally:
        _PLAN = None
    outcomes = sorted([*cached, *outcomes], key=lambda o: o.path)
    classes = classified.final(walked.classes, outcomes)
    # Project rules judge the project: what vendored code, test data, generated files or
    # examples hold is neither in their facts nor in their index.
    outside = classified.outside(classes)
    if outside:
        facts = facts_of([o for o in outcomes if o.path not in outside])
        index = ProjectIndex(tuple(f for f in walked.files if f.path not in outside))
    else:
        facts = facts_of(outcomes)
    # project rules in this process: they are quick (tens of ms on 20,000 files) once the
    # files' facts are in, and sending those facts to a worker would cost as much
    project_evidence, project_diagnostics = _joined(
        [run_project_rule(rule, index, facts) for rule in project_rules(selected)]
    )
    diagnostics.sort(key=lambda d: d.file)  # by file, as the outcomes (stable: a file's own order kept)
    evidence.extend(project_evidence)
    diagnostics.extend(project_diagnostics)
    evidence.sort(key=lambda e: (e.file, e.line or 0, e.rule, e.practice, e.check))
    evidence = classified.stamp(evidence, classes)
    lifecycle = lifecycle_notes([e for e in evidence if e.decides], facts, index)
    files_by_class, folders = classified.summary(walked.files, classes)
    if warm is not None:
        unread = any(d.kind in ("unreadable", "internal_error") for d in diagnostics)
        memo = cache_result.Memo(
            evidence=evidence, diagnostics=diagnostics, lifecycle=lifecycle, files_by_class=files_by_class,
            folders=folders,
        )  # fmt: skip
        problem = warm.store(outcomes, kinds=_kinds(selected), memo=memo, full=not unread, walk_key=trusted_walk_key())
        if problem:
            diagnostics.append(Diagnostic(file=str(result_cache.cache_dir()), kind="cache_error", message=problem))
    return result(evidence, diagnostics, lifecycle, files_by_class, folders)
