"""The coordinator of `mllens history`: picks a commit per period (mllens.fleet.history),
takes the reviews the store already holds of those commits, scans the others on an
executor (mllens.fleet.history_task), keeps each new review in the store under its
commit (dated by the commit, so a workload's latest review stays its newest commit's),
and returns the trend: per period, the question risks overall and per pillar.

    trend = review_history(Path("."), since=..., until=..., every="month", executor=ex, store=store)
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from mllens.errors import InputError
from mllens.fleet.executors import Executor
from mllens.fleet.history import Commit, Every, first_parent_commits, open_repository, periods, pick_commits
from mllens.fleet.history_task import CommitTask, scan_commit
from mllens.lens.load import load_shipped_lens
from mllens.lens.model import Lens
from mllens.review.model import Review, RiskCounts
from mllens.review.serialise import review_from_data
from mllens.store import Store, save_review
from mllens.store.scans import reviews_at_commits

Status = Literal["scanned", "reused", "failed"]


class TrendPoint(BaseModel):
    period: str
    start: dt.date
    end: dt.date  # exclusive
    commit: str
    committed_at: dt.datetime
    new_commit: bool  # the commit was made in this period (else carried from an earlier one)
    status: Status  # scanned now, reused from the store, or failed
    risk_counts: RiskCounts | None = None
    by_pillar: dict[str, RiskCounts] | None = None
    error: str | None = None


class History(BaseModel):
    workload: str
    path: str
    every: Every
    since: dt.date
    until: dt.date
    pillars: dict[str, str]  # id -> name, in the lens's order
    points: list[TrendPoint]


def _read(report: str, *, lens: Lens, name: str) -> Review:
    data = json.loads(report)
    return review_from_data(data, lens=lens, file=f"{name}.json")


def review_history(
    path: Path, *, since: dt.date, until: dt.date, every: Every, executor: Executor, store: Store | None,
    progress: Callable[[int, int], None] | None = None,
) -> History:  # fmt: skip
    """The risk trend of the project at `path` (see module docstring). `progress(done,
    total)` is called as the run starts and as each commit to scan finishes."""
    repo = open_repository(path)
    spans = periods(since=since, until=until, every=every)
    picked = pick_commits(first_parent_commits(repo), spans, until=until)
    commits: dict[str, Commit] = {commit.sha: commit for _, commit in picked}
    reviews: dict[str, Review] = {}
    reused: set[str] = set()
    if store is not None:
        reviews = reviews_at_commits(store, workload=repo.name, commits=list(commits))
        reused = set(reviews)
    errors: dict[str, str] = {}
    lens = load_shipped_lens()
    tasks = [CommitTask(top=str(repo.top), prefix=repo.prefix, name=repo.name, commit=sha)
             for sha in commits if sha not in reviews]  # fmt: skip
    if progress is not None:
        progress(0, len(tasks))
    for done, finished in enumerate(executor.run(scan_commit, tasks), start=1):
        if progress is not None:
            progress(done, len(tasks))
        sha = finished.item.commit
        result = finished.result
        if result is None or result.report is None:
            reason = result.error if result is not None else None
            errors[sha] = reason or f"{repo.top} at {sha[:12]}: {finished.error}"
            continue
        try:
            review = _read(result.report, lens=lens, name=repo.name)
        except InputError as exc:
            errors[sha] = str(exc)
            continue
        reviews[sha] = review
        if store is not None:
            save_review(store, review=review, workload=repo.name, git_commit=sha,
                        created_at=commits[sha].committed_at)  # fmt: skip
    points = []
    for span, commit in picked:
        found = reviews.get(commit.sha)
        status: Status = "failed" if found is None else "reused" if commit.sha in reused else "scanned"
        points.append(TrendPoint(
            period=span.label, start=span.start, end=span.end, commit=commit.sha, committed_at=commit.committed_at,
            new_commit=commit.committed_at.date() >= span.start, status=status,
            risk_counts=found.summary.risk_counts if found else None,
            by_pillar=found.summary.by_pillar if found else None, error=errors.get(commit.sha),
        ))  # fmt: skip
    return History(
        workload=repo.name, path=str(path), every=every, since=since, until=until,
        pillars={p.id: p.name for p in lens.pillars}, points=points,
    )  # fmt: skip
