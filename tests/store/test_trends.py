"""Milestones of many workloads read at once, oldest first, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from mllens.review.model import Review
from mllens.store import Store, save_milestone
from mllens.store.trends import milestones_by_workload


def test_each_workloads_milestones_in_order(store: Store, make_review: Callable[..., Review]) -> None:
    for workload, names in (("a", ("second", "first")), ("b", ("only",))):
        review = make_review(workload=workload)
        for day, name in zip((2, 1), names, strict=False):
            save_milestone(store, name=name, review=review, created_at=dt.datetime(2026, 1, day, tzinfo=dt.UTC))
    found = milestones_by_workload(store, workloads=["a", "b", "c"])
    assert {k: [m.name for m in v] for k, v in found.items()} == {"a": ["first", "second"], "b": ["only"], "c": []}
    assert found["a"][0].risk_counts == make_review().summary.risk_counts
    assert milestones_by_workload(store, workloads=[]) == {}
