"""The commits `mllens history` reviews: the periods between two dates (days, ISO weeks
or months, UTC), and for each the last commit of the current branch made before the
period ended (first parents only: the branch's own line, not the commits merged into it),
as `git rev-list -1 --first-parent --before=END HEAD` would pick it. A period with no
commit of its own carries the one before it; periods before the first commit are left
out. Everything is read through git plumbing: the user's work tree and index are never
touched (mllens.fleet.history_task exports each commit's tree to a folder of its own)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mllens.errors import InputError
from mllens.fleet.git import GitError, _git, _last_line

Every = Literal["day", "week", "month"]
EVERY: tuple[Every, ...] = ("day", "week", "month")
MAX_PERIODS = 5000  # ~14 years of days: more is a typo in --since


@dataclass(frozen=True)
class Period:
    label: str  # 2025-03-07, 2025-W10 or 2025-03
    start: dt.date
    end: dt.date  # the day after the period (exclusive)


@dataclass(frozen=True)
class Commit:
    sha: str
    committed_at: dt.datetime  # the committer date, UTC


@dataclass(frozen=True)
class Repository:
    top: Path  # the repository's top folder
    prefix: str  # PATH's folder inside it ("" at the top), as git names it: "sub/dir/"
    name: str  # PATH's folder name: the workload in the store


def _next_start(day: dt.date, every: Every) -> dt.date:
    if every == "day":
        return day + dt.timedelta(days=1)
    if every == "week":
        return day + dt.timedelta(days=7)
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _label(start: dt.date, every: Every) -> str:
    if every == "day":
        return start.isoformat()
    if every == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start.year}-{start.month:02d}"


def periods(*, since: dt.date, until: dt.date, every: Every) -> list[Period]:
    """The periods from the one holding `since` to the one holding `until`, oldest first."""
    if until < since:
        raise InputError(f"--until {until.isoformat()} is before --since {since.isoformat()} (expected a later date)")
    if every == "week":
        start = since - dt.timedelta(days=since.weekday())  # ISO weeks start on Monday
    elif every == "month":
        start = since.replace(day=1)
    else:
        start = since
    found: list[Period] = []
    while start <= until:
        end = _next_start(start, every)
        found.append(Period(label=_label(start, every), start=start, end=end))
        if len(found) > MAX_PERIODS:
            raise InputError(f"--since {since.isoformat()} --every {every}: over {MAX_PERIODS} periods "
                             "(expected a later --since or a longer --every)")  # fmt: skip
        start = end
    return found


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def open_repository(path: Path) -> Repository:
    """The git repository holding `path` (InputError naming it when there is none)."""
    if not path.is_dir():
        raise InputError(f"{path}: not a folder (expected a folder in a git repository)")
    top = _git(["rev-parse", "--show-toplevel"], cwd=path)
    prefix = _git(["rev-parse", "--show-prefix"], cwd=path)
    if top.returncode != 0 or prefix.returncode != 0:
        raise InputError(f"{path}: not in a git repository ({_last_line(top.stderr)})")
    return Repository(top=Path(top.stdout.strip()), prefix=prefix.stdout.strip(), name=path.resolve().name)


def first_parent_commits(repo: Repository) -> list[Commit]:
    """The current branch's commits, newest first, following first parents."""
    done = _git(["rev-list", "--first-parent", "--timestamp", "HEAD", "--"], cwd=repo.top)
    if done.returncode != 0:
        raise GitError(f"{repo.top}: git rev-list failed: {_last_line(done.stderr)} (expected a branch with commits)")
    commits = []
    for line in done.stdout.splitlines():
        stamp, sha = line.split()
        commits.append(Commit(sha=sha, committed_at=dt.datetime.fromtimestamp(int(stamp), tz=dt.UTC)))
    return commits


def pick_commits(commits: list[Commit], spans: list[Period], *, until: dt.date) -> list[tuple[Period, Commit]]:
    """Each period with the first commit (newest first) made before it ended, or before
    the end of `until` in the last one; periods with none are left out."""
    cutoff_last = _moment(until + dt.timedelta(days=1))
    picked = []
    for span in spans:
        cutoff = min(_moment(span.end), cutoff_last)
        commit = next((c for c in commits if c.committed_at < cutoff), None)
        if commit is not None:
            picked.append((span, commit))
    return picked
