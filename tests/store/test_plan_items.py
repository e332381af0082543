"""Backlog states in the store: set, read back, every change audit-logged with its item,
bad values refused with nothing changed, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from mllens.review.model import Review
from mllens.store import Store, StoreError, save_review
from mllens.store.access import add_user, audit_log
from mllens.store.plan_items import plan_states, set_plan_item


def test_plan_item_states_are_kept_and_audited(store: Store, make_review: Callable[..., Review]) -> None:
    save_review(store, review=make_review())
    user = add_user(store, name="edie", role="editor", password_hash=None)
    set_plan_item(store, user=user, workload="fraud-detection", item="MLSEC03-BP02:encryption_at_rest",
                  practice="MLSEC03-BP02", owner="ana", due=dt.date(2027, 3, 1), status="in_progress")
    set_plan_item(store, user=user, workload="fraud-detection", item="MLSEC03-BP02:encryption_at_rest",
                  practice="MLSEC03-BP02", owner="ana", due=None, status="done")
    state = plan_states(store, workload="fraud-detection")["MLSEC03-BP02:encryption_at_rest"]
    assert (state.owner, state.due, state.status, state.updated_by) == ("ana", None, "done", "edie")
    log = audit_log(store, workload="fraud-detection")
    assert [(e.practice, e.field, e.old_value, e.new_value, e.item) for e in log][::-1] == [
        ("MLSEC03-BP02", "plan owner", None, "ana", "MLSEC03-BP02:encryption_at_rest"),
        ("MLSEC03-BP02", "plan due", None, "2027-03-01", "MLSEC03-BP02:encryption_at_rest"),
        ("MLSEC03-BP02", "plan status", "open", "in_progress", "MLSEC03-BP02:encryption_at_rest"),
        ("MLSEC03-BP02", "plan due", "2027-03-01", None, "MLSEC03-BP02:encryption_at_rest"),
        ("MLSEC03-BP02", "plan status", "in_progress", "done", "MLSEC03-BP02:encryption_at_rest"),
    ]


@pytest.mark.parametrize(("item", "status", "owner"), [
    ("x", "closed", None), ("", "open", None), ("x" * 201, "open", None), ("x", "open", "nul\x00byte"),
    ("x", "open", "o" * 201),
])
def test_bad_items_and_statuses_change_nothing(store: Store, make_review: Callable[..., Review],
                                               snapshot: Callable[[Store], Any], item: str, status: str,
                                               owner: str | None) -> None:
    save_review(store, review=make_review())
    user = add_user(store, name="edie", role="editor", password_hash=None)
    before = snapshot(store)
    with pytest.raises(StoreError):
        set_plan_item(store, user=user, workload="fraud-detection", item=item, practice="plan", owner=owner,
                      due=None, status=status)
    assert snapshot(store) == before
