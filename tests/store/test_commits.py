"""The commits each workload has a review of (what `mllens fleet scan` skips)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from mllens.lens.model import Risk
from mllens.review.model import Review
from mllens.store import Store, latest_review, list_workloads, save_review
from mllens.store.commits import scanned_commits

T0 = dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC)


def test_scanned_commits_per_workload_newest_review_of_a_commit_wins(
    store: Store, make_review: Callable[..., Review]
) -> None:
    high = make_review(workload="churn", risks={"MLSEC03": Risk.HIGH})
    fixed = make_review(workload="churn", risks={"MLSEC03": Risk.NONE})
    assert high.summary.risk_counts != fixed.summary.risk_counts
    save_review(store, review=high, git_commit="a" * 40, created_at=T0)
    save_review(store, review=fixed, git_commit="a" * 40, created_at=T0 + dt.timedelta(hours=1))
    save_review(store, review=high, git_commit="b" * 40, created_at=T0 + dt.timedelta(hours=2))
    save_review(store, review=make_review(workload="loose"), created_at=T0)  # no commit: not a git tree
    assert scanned_commits(store) == {
        "churn": {"a" * 40: fixed.summary.risk_counts, "b" * 40: high.summary.risk_counts},
    }
    assert [line.workload.name for line in list_workloads(store)] == ["churn", "loose"]
    assert latest_review(store, workload="churn") == high  # the commit changes nothing else


def test_a_store_without_commits_has_none(store: Store, make_review: Callable[..., Review]) -> None:
    assert scanned_commits(store) == {}
    save_review(store, review=make_review())
    assert scanned_commits(store) == {}
