"""run_scan: walk, then every file once through the engine (in worker processes when the
tree is big enough to pay for them), then the project rules over the facts, then the
lifecycle notes. A scan never raises for anything found in the tree: problems become
diagnostics naming the file.

With the cache on, a re-scan of an unchanged project is served from the last result, and
one with a few changed files checks only those (see mllens.scan.incremental).
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from mllens.errors import InputError
from mllens.scan import cache as result_cache
from mllens.scan import incremental
from mllens.scan.context import IndexedFile, ProjectContext, ProjectIndex
from mllens.scan.engine import FileOutcome, Plan, process_file
from mllens.scan.evidence import Evidence
from mllens.scan.lifecycle import lifecycle_notes
from mllens.scan.registry import Family, families
from mllens.scan.result import Diagnostic, ScanResult
from mllens.scan.walk import DEFAULT_MAX_SIZE, walk

PARALLEL_MIN_FILES = 300  # below this, starting worker processes costs more than it saves
_SHARD = 64
# Kinds whose parser costs a worker a long start (python-hcl2: ~0.4 s to import and load its
# grammar): all their files go to one shard, so only one worker pays it.
_SLOW_START = frozenset({"terraform"})
_PLAN: Plan | None = None  # set before forking: workers inherit it instead of unpickling it
_READER: result_cache.CacheReader | None = None

Progress = Callable[[int, int], None]


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _start_worker() -> None:
    # What the worker inherited (modules, the plan, the index) lives as long as it does:
    # moved out of the collector's sight, full collections stop walking it again and again.
    gc.freeze()


def _worker_shard(files: list[IndexedFile], use_cache: bool) -> list[FileOutcome]:
    global _READER
    assert _PLAN is not None
    if use_cache and _READER is None:
        _READER = result_cache.open_reader()
    return [process_file(_PLAN, f, _READER if use_cache else None) for f in files]


def _shards(files: list[IndexedFile], count: int) -> list[list[IndexedFile]]:
    """Shards of similar byte size, big files first, so both workers finish together; the
    files of slow-start kinds together in the first shard."""
    slow = [f for f in files if f.kind in _SLOW_START]
    ordered = sorted((f for f in files if f.kind not in _SLOW_START), key=lambda f: f.size, reverse=True)
    shards: list[list[IndexedFile]] = [[] for _ in range(count)]
    for i, f in enumerate(ordered):
        shards[i % count].append(f)
    return [s for s in [slow, *shards] if s]


def _process_all(
    files: list[IndexedFile], *, use_cache: bool, workers: int, progress: Progress | None
) -> list[FileOutcome]:
    total = len(files)
    if workers <= 1 or total < PARALLEL_MIN_FILES or "fork" not in multiprocessing.get_all_start_methods():
        reader = result_cache.open_reader() if use_cache else None
        out: list[FileOutcome] = []
        assert _PLAN is not None
        for i, f in enumerate(files):
            out.append(process_file(_PLAN, f, reader))
            if progress is not None and (i % 50 == 0 or i == total - 1):
                progress(i + 1, total)
        if reader is not None:
            reader.close()
        return out
    shards = _shards(files, max(workers * 8, total // _SHARD))
    results: list[FileOutcome] = []
    done = 0
    pending = list(range(len(shards)))
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker) as pool:
            futures = {pool.submit(_worker_shard, shard, use_cache): i for i, shard in enumerate(shards)}
            for future in as_completed(futures):
                results.extend(future.result())
                pending.remove(futures[future])
                done += len(shards[futures[future]])
                if progress is not None:
                    progress(done, total)
    except BrokenProcessPool:  # a worker died (out of memory?): finish the rest here
        for i in pending:
            results.extend(_worker_shard(shards[i], use_cache))
    return results


def _fingerprint(files: Sequence[IndexedFile]) -> str:
    text = "".join(f"{f.path}\t{f.kind}\n" for f in files)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _project_rules(
    selected: Sequence[Family], index: ProjectIndex, facts: dict[str, list[object]]
) -> tuple[list[Evidence], list[Diagnostic]]:
    evidence: list[Evidence] = []
    diagnostics: list[Diagnostic] = []
    for family in selected:
        for rule in family.project_rules():
            ctx = ProjectContext(rule, index=index, facts=facts)
            try:
                rule.func(ctx)
            except Exception as exc:
                diagnostics.append(
                    Diagnostic(
                        file=".", kind="rule_error", rule=rule.id, message=f"rule failed: {type(exc).__name__}: {exc}"
                    )
                )
                continue
            evidence.extend(ctx.evidence)
    return evidence, diagnostics


def _merge(outcomes: list[FileOutcome]) -> tuple[list[Evidence], list[Diagnostic], dict[str, list[object]]]:
    evidence: list[Evidence] = []
    diagnostics: list[Diagnostic] = []
    facts: dict[str, list[object]] = {}
    for o in outcomes:
        for rule_id, practice, check, outcome, line, message, confidence in o.evidence:
            evidence.append(
                Evidence(
                    rule=rule_id,
                    practice=practice,
                    check=check,
                    outcome=outcome,  # type: ignore[arg-type]
                    file=o.path,
                    line=line,
                    message=message,
                    confidence=confidence,
                )
            )
        for kind, message, rule_id, line in o.diagnostics:
            diagnostics.append(Diagnostic(file=o.path, kind=kind, message=message, rule=rule_id, line=line))
        for key, values in o.facts.items():
            facts.setdefault(key, []).extend(values)
    return evidence, diagnostics, facts


def run_scan(
    path: str | os.PathLike[str],
    *,
    use_cache: bool = True,
    progress: bool | Progress = False,
    families_to_run: Sequence[Family] | None = None,
    max_file_size: int = DEFAULT_MAX_SIZE,
    workers: int | None = None,
) -> ScanResult:
    """Scan the project under `path`. `progress` is True (a Rich bar on stderr when it is
    a terminal) or a callback (done, total). InputError when `path` is not a directory."""
    global _PLAN
    started = time.perf_counter()
    root = Path(path)
    if not root.is_dir():
        raise InputError("expected a project directory to scan", file=str(path))
    walked = walk(root, max_size=max_file_size)

    def result(evidence: list[Evidence], diagnostics: list[Diagnostic], lifecycle: dict[str, list[str]]) -> ScanResult:
        return ScanResult(
            root=str(root),
            files_scanned=len(walked.files),
            duration_s=round(time.perf_counter() - started, 3),
            evidence=evidence,
            diagnostics=[*walked.diagnostics, *diagnostics],
            lifecycle=lifecycle,
        )

    registered = families_to_run is None
    version = incremental.registered_version() if registered else incremental.version_of(families_to_run or ())
    warm = None
    if use_cache:
        warm = incremental.Warm.open(str(root), version=version, max_size=max_file_size, walked=walked)
        memo = warm.last_result()
        if memo is not None:
            warm.reader.close()
            return result(memo.evidence, memo.diagnostics, memo.lifecycle)
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
        cached, todo, looked_up = warm.take_cached(todo, ix=_PLAN.index_fingerprint)
        _PLAN.looked_up = frozenset(looked_up)
        warm.reader.close()  # never across the fork
    callback, finish = _progress_callback(progress, len(todo))
    try:
        outcomes = _process_all(todo, use_cache=use_cache, workers=workers or min(_cpus(), 2), progress=callback)
    finally:
        finish()
        _PLAN = None
    outcomes = sorted([*cached, *outcomes], key=lambda o: o.path)
    evidence, diagnostics, facts = _merge(outcomes)
    project_evidence, project_diagnostics = _project_rules(selected, index, facts)
    evidence.extend(project_evidence)
    diagnostics.extend(project_diagnostics)
    evidence.sort(key=lambda e: (e.file, e.line or 0, e.rule, e.practice, e.check))
    lifecycle = lifecycle_notes(evidence, facts, index)
    if warm is not None:
        kinds = frozenset(k for k in _kinds(selected))
        unread = any(d.kind in ("unreadable", "internal_error") for d in diagnostics)
        memo = incremental.Memo(evidence=evidence, diagnostics=diagnostics, lifecycle=lifecycle)
        problem = warm.store(outcomes, kinds=kinds, memo=memo, full=not unread)
        if problem:
            diagnostics.append(Diagnostic(file=str(result_cache.cache_dir()), kind="cache_error", message=problem))
    return result(evidence, diagnostics, lifecycle)


def _kinds(selected: Sequence[Family]) -> set[str]:
    """The kinds some file rule reads: the files whose content a scan depends on."""
    return {kind for family in selected if family.file_rules() for kind in family.meta.kinds}


def _progress_callback(progress: bool | Progress, total: int) -> tuple[Progress | None, Callable[[], None]]:
    if callable(progress):
        return progress, lambda: None
    if not progress or total == 0:
        return None, lambda: None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    console = Console(stderr=True)
    if not console.is_terminal:
        return None, lambda: None
    bar = Bar(
        TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True
    )
    task = bar.add_task("scan", total=total)
    started = False

    def update(done: int, _total: int) -> None:
        nonlocal started
        if not started:  # start the refresh thread only after the workers are forked
            bar.start()
            started = True
        bar.update(task, completed=done)

    return update, bar.stop
