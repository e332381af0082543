"""One transaction per operation: a failure anywhere leaves the store as it was."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from mllens.answers.model import Workload
from mllens.review.model import Review
from mllens.store import (
    DuplicateError,
    NotFoundError,
    Store,
    get_workload,
    latest_review,
    list_milestones,
    list_workloads,
    milestones,
    save_milestone,
    save_review,
    upsert_workload,
)

ReviewFactory = Callable[..., Review]
Snapshot = Callable[[Store], Any]


class Boom(RuntimeError):
    pass


def test_failure_after_the_first_insert_rolls_the_operation_back(
    store: Store, make_review: ReviewFactory, snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    upsert_workload(store, workload=Workload(name="existing"))
    before = snapshot(store)

    def explode(*_args: object) -> None:
        raise Boom("crashed after the workload insert")

    # save_milestone inserts the new workload, then builds the milestone row: fail there
    monkeypatch.setattr(milestones, "_milestone_row", explode)
    with pytest.raises(Boom):
        save_milestone(store, name="v1", review=make_review(workload="new-one"))
    assert snapshot(store) == before
    with pytest.raises(NotFoundError):
        get_workload(store, name="new-one")


def test_calls_sharing_a_transaction_commit_or_roll_back_together(
    store: Store, make_review: ReviewFactory, snapshot: Snapshot
) -> None:
    save_milestone(store, name="v1", review=make_review())
    before = snapshot(store)
    with pytest.raises(DuplicateError), store.transaction() as tx:
        upsert_workload(tx, workload=Workload(name="fraud-detection", owner="someone-else"))
        save_review(tx, review=make_review())
        save_milestone(tx, name="v1", review=make_review())  # constraint: refused
    assert snapshot(store) == before

    now = make_review(lens_version="2026.1")
    with store.transaction() as tx:
        save_review(tx, review=now)
        save_milestone(tx, name="v2", review=now)
    assert [m.name for m in list_milestones(store, workload="fraud-detection")] == ["v1", "v2"]
    assert latest_review(store, workload="fraud-detection") == now


def test_a_race_on_the_unique_name_is_a_duplicate_error_and_rolls_back(
    store: Store, make_review: ReviewFactory, snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_milestone(store, name="v1", review=make_review())
    before = snapshot(store)
    # pretend another process saved "v1" between our check and our insert: the database's
    # unique constraint is what stops us, and that must surface the same clear error
    real_scalar = Session.scalar
    monkeypatch.setattr(Session, "scalar", lambda self, stmt, *a, **k: None)
    with pytest.raises(DuplicateError, match="already has a milestone named 'v1';"):
        save_milestone(store, name="v1", review=make_review(workload="fraud-detection"))
    monkeypatch.setattr(Session, "scalar", real_scalar)
    assert snapshot(store) == before


CRASH = """
import os, sys
from mllens.answers.model import Workload
from mllens.review.model import Review
from mllens.store import open_store, save_review, upsert_workload
review = Review.model_validate_json(sys.stdin.read())
store = open_store(sys.argv[1])
with store.transaction() as tx:
    upsert_workload(tx, workload=Workload(name="half-written"))
    save_review(tx, review=review, workload="half-written")
    tx.session.flush()  # the rows are in the database, uncommitted
    os._exit(3)  # the process dies mid-write: no rollback, no close, no atexit
"""


def test_a_process_killed_mid_write_leaves_the_store_as_it_was(
    store: Store, db_url: str, make_review: ReviewFactory, snapshot: Snapshot
) -> None:
    save_review(store, review=make_review())
    before = snapshot(store)
    store.close()
    done = subprocess.run(
        [sys.executable, "-c", CRASH, db_url],
        input=make_review().model_dump_json(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 3, done.stderr
    assert snapshot(store) == before
    assert [w.workload.name for w in list_workloads(store)] == ["fraud-detection"]
