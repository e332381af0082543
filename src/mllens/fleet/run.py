"""The coordinator of a fleet scan: hands one task per repository to an executor, and, as
each result comes back, writes it to the store, to DIR/<name>.json and to DIR/fleet.json.
Only this process writes (one writer: safe on SQLite).

Resuming is skipping: a repository whose commit the store (or the last DIR/fleet.json)
already holds is not scanned again, so a run stopped half way (Ctrl-C, a killed worker, a
crash) is finished by running the same command again. A folder that is not a git
repository has no commit and is scanned on every run.

    for entry in fleet_scan(sources, executor=executor, store=store, out=out, clone_cache=cache):
        print(entry.name, entry.status)
"""

from __future__ import annotations

import json
import time
from collections.abc import Generator, Sequence
from pathlib import Path

from mllens.errors import InputError
from mllens.fleet.executors import Executor, Finished
from mllens.fleet.output import FleetEntry, prepare, read_fleet, write_fleet, write_report
from mllens.fleet.sources import Source
from mllens.fleet.task import ScanTask, TaskResult, scan_repository
from mllens.lens.load import load_shipped_lens
from mllens.lens.model import Lens
from mllens.review.serialise import review_from_data
from mllens.store import Store, save_review
from mllens.store.access import check_name, set_workload_team
from mllens.store.commits import scanned_commits
from mllens.store.common import find_workload

Known = dict[str, dict[str, dict[str, int] | None]]  # name -> commit -> risk counts
SUMMARY_EVERY_S = 2.0  # DIR/fleet.json is rewritten at most this often (and at the end)


def known_commits(store: Store | None, previous: dict[str, FleetEntry]) -> Known:
    """The commits already scanned, per repository name: the store's, then the last run's."""
    known: Known = {}
    if store is not None:
        for name, commits in scanned_commits(store).items():
            known[name] = {commit: counts.model_dump() for commit, counts in commits.items()}
    for name, entry in previous.items():
        if entry.commit is not None and entry.status in ("ok", "skipped"):
            known.setdefault(name, {}).setdefault(entry.commit, entry.risk_counts)
    return known


class _Recorder:
    """Keeps a finished repository: its report file, its review in the store, its entry."""

    def __init__(self, *, store: Store | None, out: Path | None, known: Known, team: str | None) -> None:
        self.store, self.out, self.known, self.team = store, out, known, team
        self.lenses: dict[str, Lens] = {}

    def _lens(self, lens_id: str) -> Lens:
        if lens_id not in self.lenses:
            self.lenses[lens_id] = load_shipped_lens(lens_id)
        return self.lenses[lens_id]

    def record(self, result: TaskResult) -> FleetEntry:
        source = result.source
        counts = result.risk_counts
        if result.status == "skipped" and result.commit is not None:
            counts = self.known.get(source.name, {}).get(result.commit)
        status, error = result.status, result.error
        if status == "ok" and result.report is not None:
            try:
                # the record `mllens scan --upload` makes: the report form read back as a Review
                data = json.loads(result.report)
                review = review_from_data(data, lens=self._lens(str(data["lens"]["id"])), file=f"{source.name}.json")
            except InputError as exc:  # a report the store cannot take: this repository fails
                status, error, counts = "failed", str(exc), None
            else:
                if self.out is not None:
                    write_report(self.out, source.name, result.report)
                if self.store is not None:  # a store that fails stops the run (StoreError)
                    with self.store.transaction() as tx:
                        new = find_workload(tx.session, source.name) is None
                        save_review(tx, review=review, workload=source.name, git_commit=result.commit)
                        if new and self.team is not None:
                            set_workload_team(tx, workload=source.name, team=self.team)
        return FleetEntry(
            source=source.text, name=source.name, commit=result.commit, status=status,
            duration_s=result.duration_s, risk_counts=counts, error=error,
        )  # fmt: skip


def _result(finished: Finished[ScanTask, TaskResult]) -> TaskResult:
    if finished.result is not None:
        return finished.result
    source = finished.item.source
    return TaskResult(source=source, status="failed", error=f"{source.text}: {finished.error}")


def fleet_scan(
    sources: Sequence[Source],
    *,
    executor: Executor,
    store: Store | None,
    out: Path | None = None,
    clone_cache: Path,
    use_cache: bool = True,
    team: str | None = None,
) -> Generator[FleetEntry, None, None]:
    """Scan `sources` (named: mllens.fleet.sources.expand) on `executor`, yielding each
    repository's entry as it finishes. Stopping the iteration early cancels what is left;
    everything yielded so far is kept (see module docstring). A workload the run creates
    goes into `team` (as `scan --upload` puts a new one in the uploader's team)."""
    previous: dict[str, FleetEntry] = {}
    if out is not None:
        prepare(out)
        previous = read_fleet(out)
    known = known_commits(store, previous)
    cache = str(clone_cache)
    tasks = [
        ScanTask(source=s, clone_cache=cache, known_commits=frozenset(known.get(s.name, {})), use_cache=use_cache)
        for s in sources
    ]
    if team is not None:
        check_name(team, what="team")
    recorder = _Recorder(store=store, out=out, known=known, team=team)
    entries = dict(previous)  # this run's entries replace the last run's, the others stay
    order = {s.name: i for i, s in enumerate(sources)}
    last_written = time.monotonic()

    def write_summary() -> None:
        if out is not None:
            write_fleet(out, sorted(entries.values(), key=lambda e: (order.get(e.name, len(order)), e.name)))

    try:
        for finished in executor.run(scan_repository, tasks):
            entry = recorder.record(_result(finished))
            entries[entry.name] = entry
            if time.monotonic() - last_written >= SUMMARY_EVERY_S:
                write_summary()
                last_written = time.monotonic()
            yield entry
    finally:
        write_summary()
