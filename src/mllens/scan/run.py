"""run_scan: walk, then every file once through the engine (in worker processes when the
tree is big enough to pay for them), then the project rules over the facts, then the
lifecycle notes. A scan never raises for anything found in the tree: problems become
diagnostics naming the file.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from mllens.errors import InputError
from mllens.scan import cache as result_cache
from mllens.scan.context import IndexedFile, ProjectContext, ProjectIndex
from mllens.scan.engine import FileOutcome, Plan, process_file
from mllens.scan.evidence import Evidence
from mllens.scan.lifecycle import lifecycle_notes
from mllens.scan.registry import Family, families
from mllens.scan.result import Diagnostic, ScanResult
from mllens.scan.walk import DEFAULT_MAX_SIZE, walk

PARALLEL_MIN_FILES = 300  # below this, starting worker processes costs more than it saves
_SHARD = 64
_PLAN: Plan | None = None  # set before forking: workers inherit it instead of unpickling it
_READER: result_cache.CacheReader | None = None

Progress = Callable[[int, int], None]


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _worker_shard(files: list[IndexedFile], use_cache: bool) -> list[FileOutcome]:
    global _READER
    assert _PLAN is not None
    if use_cache and _READER is None:
        _READER = result_cache.open_reader()
    return [process_file(_PLAN, f, _READER if use_cache else None) for f in files]


def _shards(files: list[IndexedFile], count: int) -> list[list[IndexedFile]]:
    """Shards of similar byte size, big files first, so both workers finish together."""
    ordered = sorted(files, key=lambda f: f.size, reverse=True)
    shards: list[list[IndexedFile]] = [[] for _ in range(count)]
    for i, f in enumerate(ordered):
        shards[i % count].append(f)
    return [s for s in shards if s]


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
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
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
    digest = hashlib.blake2b(digest_size=16)
    for f in files:
        digest.update(f"{f.path}\t{f.kind}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _family_files(selected: Sequence[Family]) -> list[str]:
    paths: list[str] = []
    for family in selected:
        module = sys.modules.get(family.rules[0].func.__module__) if family.rules else None
        source = getattr(module, "__file__", None)
        if source:
            paths.extend([source, str(Path(source).with_suffix(".yaml"))])
    return paths


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
    selected = tuple(families() if families_to_run is None else families_to_run)
    walked = walk(root, max_size=max_file_size)
    index = ProjectIndex(tuple(walked.files))
    version = result_cache.detector_version(_family_files(selected), [f.name for f in selected])
    _PLAN = Plan(
        families=selected,
        index=index,
        version=version,
        index_fingerprint=_fingerprint(walked.files),
        max_size=max_file_size,
    )
    todo = [f for f in walked.files if f.kind in _PLAN.by_kind]
    callback, finish = _progress_callback(progress, len(todo))
    try:
        outcomes = _process_all(todo, use_cache=use_cache, workers=workers or min(_cpus(), 2), progress=callback)
    finally:
        finish()
        _PLAN = None
    outcomes.sort(key=lambda o: o.path)
    evidence: list[Evidence] = []
    diagnostics = list(walked.diagnostics)
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
    project_evidence, project_diagnostics = _project_rules(selected, index, facts)
    evidence.extend(project_evidence)
    diagnostics.extend(project_diagnostics)
    if use_cache:
        problem = result_cache.write_entries(
            ((o.cache_key, o.cache_value) for o in outcomes if o.cache_key and o.cache_value),
            (o.cache_key for o in outcomes if o.cache_hit and o.cache_key),
        )
        if problem:
            diagnostics.append(Diagnostic(file=str(result_cache.cache_dir()), kind="cache_error", message=problem))
    evidence.sort(key=lambda e: (e.file, e.line or 0, e.rule, e.practice, e.check))
    return ScanResult(
        root=str(root),
        files_scanned=len(walked.files),
        duration_s=round(time.perf_counter() - started, 3),
        evidence=evidence,
        diagnostics=diagnostics,
        lifecycle=lifecycle_notes(evidence, facts, index),
    )


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
