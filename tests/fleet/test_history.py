"""mllens history, the library: periods, the commit picked for each, the work tree and
index left alone, the trend following mllens.yaml as committed, reuse of stored scans."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

import pytest
from fleetrepos import GIT_ENV, git, write

from mllens.errors import InputError
from mllens.fleet.base import Executor, Finished
from mllens.fleet.history import periods
from mllens.fleet.history_run import History, review_history
from mllens.store import open_store
from mllens.store.scans import scan_lines

T = TypeVar("T")
R = TypeVar("R")
D = dt.date


class SerialExecutor:
    """The executor interface in this process, counting the items it was given."""

    name = "serial"
    workers = 1

    def __init__(self) -> None:
        self.items: list[Any] = []

    def run(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[Finished[T, R]]:
        for item in items:
            self.items.append(item)
            yield Finished(item=item, result=fn(item))

    def close(self) -> None:
        pass

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        pass


def answers(status: str) -> str:
    return f"workload:\n  name: churn\nanswers:\n  MLOPS01-BP01:\n    status: {status}\n"


def commit_at(repo: Path, files: dict[str, str], when: str) -> str:
    write(repo, files)
    git(repo, "add", "-A")
    env = {**GIT_ENV, "PATH": "/usr/bin:/bin", "HOME": str(repo), "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", "commit", "-q", "-m", when], cwd=repo, env=env, check=True, capture_output=True)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def churn(tmp_path: Path) -> tuple[Path, list[str]]:
    """A repository with commits on 10 and 20 January and 5 March 2025; the business
    goal's practice is answered missing until March, then implemented."""
    repo = tmp_path / "churn"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    train = "import mlflow\nmlflow.log_metric('auc', 0.9)\n"
    shas = [
        commit_at(repo, {"train.py": train, "mllens.yaml": answers("missing")}, "2025-01-10T12:00:00Z"),
        commit_at(repo, {"requirements.txt": "mlflow\n"}, "2025-01-20T12:00:00Z"),
        commit_at(repo, {"mllens.yaml": answers("implemented")}, "2025-03-05T12:00:00Z"),
    ]
    return repo, shas


def history(repo: Path, executor: Executor | None = None, **kwargs: Any) -> History:
    options: dict[str, Any] = {"since": D(2024, 12, 1), "until": D(2025, 4, 30), "every": "month", "store": None}
    return review_history(repo, executor=executor or SerialExecutor(), **{**options, **kwargs})


def test_periods_cover_since_to_until_in_days_iso_weeks_and_months() -> None:
    months = periods(since=D(2024, 11, 15), until=D(2025, 1, 2), every="month")
    assert [(p.label, p.start, p.end) for p in months] == [
        ("2024-11", D(2024, 11, 1), D(2024, 12, 1)), ("2024-12", D(2024, 12, 1), D(2025, 1, 1)),
        ("2025-01", D(2025, 1, 1), D(2025, 2, 1)),
    ]  # fmt: skip
    weeks = periods(since=D(2025, 1, 1), until=D(2025, 1, 13), every="week")  # a Wednesday
    assert [(p.label, p.start) for p in weeks] == [("2025-W01", D(2024, 12, 30)), ("2025-W02", D(2025, 1, 6)),
                                                   ("2025-W03", D(2025, 1, 13))]  # fmt: skip
    days = periods(since=D(2025, 2, 27), until=D(2025, 3, 1), every="day")
    assert [p.label for p in days] == ["2025-02-27", "2025-02-28", "2025-03-01"]
    with pytest.raises(InputError, match="before --since"):
        periods(since=D(2025, 2, 1), until=D(2025, 1, 1), every="day")


def test_the_last_commit_of_each_period_is_picked(churn: tuple[Path, list[str]]) -> None:
    repo, (first, second, third) = churn
    found = history(repo)
    # December 2024 has no commit yet: left out; February carries January's last commit
    assert [(p.period, p.commit, p.new_commit) for p in found.points] == [
        ("2025-01", second, True), ("2025-02", second, False), ("2025-03", third, True), ("2025-04", third, False),
    ]  # fmt: skip
    days = history(repo, since=D(2025, 1, 10), until=D(2025, 1, 11), every="day")
    assert [(p.period, p.commit) for p in days.points] == [("2025-01-10", first), ("2025-01-11", first)]
    assert first not in {p.commit for p in found.points}


def test_only_first_parents_are_followed(churn: tuple[Path, list[str]]) -> None:
    """A commit made on a side branch in February and merged in March is not February's."""
    repo, (_, second, third) = churn
    git(repo, "checkout", "-q", "-b", "side", second)
    side = commit_at(repo, {"notes.md": "side\n"}, "2025-02-10T12:00:00Z")
    git(repo, "checkout", "-q", "main")
    env = {**GIT_ENV, "PATH": "/usr/bin:/bin", "HOME": str(repo), "GIT_AUTHOR_DATE": "2025-03-20T12:00:00Z",
           "GIT_COMMITTER_DATE": "2025-03-20T12:00:00Z"}  # fmt: skip
    subprocess.run(["git", "merge", "-q", "--no-ff", "-m", "merge", "side"], cwd=repo, env=env, check=True)
    merge = git(repo, "rev-parse", "HEAD")
    found = {p.period: p.commit for p in history(repo).points}
    assert found["2025-02"] == second and found["2025-03"] == merge and side not in found.values()
    assert third != merge


def test_the_work_tree_and_index_are_left_as_they_were(churn: tuple[Path, list[str]]) -> None:
    repo, _ = churn
    (repo / "train.py").write_text("# an edit not committed\n")
    (repo / "staged.py").write_text("x = 1\n")
    git(repo, "add", "staged.py")
    (repo / "scratch.txt").write_text("untracked\n")
    index = repo / ".git" / "index"

    def state() -> tuple[str, bytes, str]:
        return git(repo, "status", "--porcelain"), index.read_bytes(), git(repo, "rev-parse", "HEAD")

    before = state()
    history(repo)
    after = state()
    assert after == before
    assert (repo / "train.py").read_text() == "# an edit not committed\n"
    assert sorted(os.listdir(repo)) == [".git", "mllens.yaml", "requirements.txt", "scratch.txt", "staged.py",
                                        "train.py"]  # fmt: skip


def test_the_trend_shows_a_risk_fixed_in_a_later_commit(churn: tuple[Path, list[str]]) -> None:
    """mllens.yaml as committed at each point is that point's answers."""
    repo, _ = churn
    found = {p.period: p for p in history(repo).points}
    january, march = found["2025-01"], found["2025-03"]
    assert january.status == march.status == "scanned"
    assert january.by_pillar is not None and march.by_pillar is not None
    assert january.by_pillar["operational_excellence"].HIGH == 1
    assert march.by_pillar["operational_excellence"].HIGH == 0
    assert january.risk_counts is not None and march.risk_counts is not None
    assert march.risk_counts.HIGH == january.risk_counts.HIGH - 1


def test_scans_in_the_store_are_reused_and_dated_by_their_commit(tmp_path: Path, churn: tuple[Path, list[str]]) -> None:
    repo, (_, second, third) = churn
    with open_store(f"sqlite:///{tmp_path / 'store.db'}") as store:
        first_run = SerialExecutor()
        calls: list[tuple[int, int]] = []
        history(repo, first_run, store=store, progress=lambda done, total: calls.append((done, total)))
        assert calls == [(0, 2), (1, 2), (2, 2)]
        assert sorted(task.commit for task in first_run.items) == sorted([second, third])  # each commit once
        lines = scan_lines(store)["churn"]
        assert {(line.git_commit, line.created_at.date()) for line in lines} == {
            (second, D(2025, 1, 20)), (third, D(2025, 3, 5)),
        }  # fmt: skip
        again = SerialExecutor()
        found = history(repo, again, store=store)
        assert again.items == [] and {p.status for p in found.points} == {"reused"}
        assert len(scan_lines(store)["churn"]) == 2


def test_a_subfolder_is_reviewed_as_it_was_at_each_commit(tmp_path: Path) -> None:
    repo = tmp_path / "mono"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit_at(repo, {"svc/train.py": "import mlflow\n", "svc/mllens.yaml": answers("missing")}, "2025-01-05T00:00:00Z")
    commit_at(repo, {"svc/mllens.yaml": answers("implemented")}, "2025-02-05T00:00:00Z")
    found = history(repo / "svc", since=D(2025, 1, 1), until=D(2025, 2, 28))
    assert found.workload == "svc"
    assert [p.by_pillar["operational_excellence"].HIGH for p in found.points if p.by_pillar] == [1, 0]


def test_a_folder_outside_git_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not in a git repository"):
        history(tmp_path)


def test_history_on_a_dask_local_cluster_equals_history_in_process(churn: tuple[Path, list[str]]) -> None:
    pytest.importorskip("distributed")
    from mllens.fleet.dask_executor import DaskExecutor

    repo, _ = churn
    with DaskExecutor(cluster="local", workers=2, processes=True) as dask:
        on_dask = history(repo, dask)
    here = history(repo)
    assert [(p.period, p.commit, p.status) for p in on_dask.points] == [(p.period, p.commit, p.status)
                                                                         for p in here.points]  # fmt: skip
    assert [p.by_pillar for p in on_dask.points] == [p.by_pillar for p in here.points]


def test_links_out_of_the_tree_are_skipped_and_the_commit_still_reviewed(tmp_path: Path) -> None:
    repo = tmp_path / "links"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "abs").symlink_to("/etc/hostname")
    (repo / "up").symlink_to("../../outside")
    commit_at(repo, {"train.py": "import mlflow\n", "mllens.yaml": answers("missing")}, "2025-01-05T00:00:00Z")
    found = history(repo, since=D(2025, 1, 1), until=D(2025, 1, 31))
    assert [(p.status, p.error) for p in found.points] == [("scanned", None)]
    assert found.points[0].by_pillar is not None and found.points[0].by_pillar["operational_excellence"].HIGH == 1
