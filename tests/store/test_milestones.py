"""Milestones: immutable named snapshots of a review, one name per workload."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from mllens.lens.model import Risk
from mllens.review.model import Review, RiskCounts
from mllens.store import (
    DuplicateError,
    NotFoundError,
    Store,
    StoreError,
    get_milestone,
    list_milestones,
    save_milestone,
)

ReviewFactory = Callable[..., Review]
T0 = dt.datetime(2025, 6, 1, 9, 30, tzinfo=dt.UTC)


def test_save_list_and_get_keep_the_exact_snapshot(
    store: Store, make_review: ReviewFactory
) -> None:
    before = make_review(lens_version="2023.1")
    after = make_review(risks={"MLSEC03": Risk.NONE, "MLOPS02": Risk.MEDIUM})
    first = save_milestone(store, name="pre-launch", review=before, created_at=T0)
    save_milestone(store, name="  go-live ", review=after, created_at=T0 + dt.timedelta(days=30))

    listed = list_milestones(store, workload="fraud-detection")
    assert [(m.name, m.lens_version, m.created_at) for m in listed] == [
        ("pre-launch", "2023.1", T0),
        ("go-live", "2025.11", T0 + dt.timedelta(days=30)),  # name stripped
    ]
    assert listed[0] == first
    assert listed[1].risk_counts == RiskCounts(MEDIUM=1, NONE=1)

    got = get_milestone(store, workload="fraud-detection", name="pre-launch")
    assert got.review == before
    assert got.review.model_dump_json() == before.model_dump_json()
    assert (got.name, got.workload, got.lens_id, got.created_at) == (
        "pre-launch", "fraud-detection", "ml", T0,
    )


def test_a_duplicate_name_is_refused_and_the_first_kept(
    store: Store, make_review: ReviewFactory, snapshot: Callable[[Store], Any]
) -> None:
    original = make_review()
    save_milestone(store, name="v1", review=original, created_at=T0)
    before = snapshot(store)
    with pytest.raises(DuplicateError) as caught:
        save_milestone(store, name="v1", review=make_review(risks={"MLSEC03": Risk.NONE}))
    assert str(caught.value) == (
        f"{store.where}: workload 'fraud-detection' already has a milestone named 'v1' "
        "(saved 2025-06-01 09:30 UTC); milestones are never overwritten, choose a new name"
    )
    assert snapshot(store) == before
    assert get_milestone(store, workload="fraud-detection", name="v1").review == original


def test_the_same_name_is_fine_for_another_workload(
    store: Store, make_review: ReviewFactory
) -> None:
    save_milestone(store, name="v1", review=make_review(workload="a"))
    save_milestone(store, name="v1", review=make_review(workload="b"))
    assert [m.workload for m in list_milestones(store, workload="b")] == ["b"]


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("current", "'current' is reserved (it means the project's review now)"),
        ("Current", "'Current' is reserved (it means the project's review now)"),
        ("   ", "expected 1 to 100 printable characters, got '   '"),
        ("x" * 101, f"expected 1 to 100 printable characters, got '{'x' * 101}'"),
        ("bad\nname", "expected 1 to 100 printable characters, got 'bad\\nname'"),
    ],
)
def test_unusable_names_are_refused_before_anything_is_written(
    store: Store, make_review: ReviewFactory, name: str, problem: str
) -> None:
    with pytest.raises(StoreError) as caught:
        save_milestone(store, name=name, review=make_review())
    assert str(caught.value).startswith(f"milestone name: {problem}")
    with pytest.raises(NotFoundError):  # not even the workload was created
        list_milestones(store, workload="fraud-detection")


def test_unknown_milestone_lists_the_existing_names(
    store: Store, make_review: ReviewFactory
) -> None:
    save_milestone(store, name="alpha", review=make_review(), created_at=T0)
    save_milestone(store, name="beta", review=make_review(), created_at=T0 + dt.timedelta(1))
    with pytest.raises(NotFoundError) as caught:
        get_milestone(store, workload="fraud-detection", name="gamma")
    assert str(caught.value) == (
        f"{store.where}: workload 'fraud-detection' has no milestone named 'gamma' "
        "(milestones: alpha, beta)"
    )


def test_the_database_itself_refuses_to_edit_a_milestone(
    store: Store, make_review: ReviewFactory
) -> None:
    original = make_review()
    save_milestone(store, name="v1", review=original)
    refused = pytest.raises((IntegrityError, DBAPIError), match="milestones are immutable snapshots")
    with refused, store.engine.begin() as conn:
        conn.execute(text("UPDATE milestones SET review_json = '{}', name = 'edited'"))
    assert get_milestone(store, workload="fraud-detection", name="v1").review == original


def test_users_accept_only_the_three_roles(store: Store) -> None:
    insert = text(
        "INSERT INTO users (name, role, created_at) "
        "VALUES (:name, :role, '2025-01-01 00:00:00+00:00')"
    )
    with store.engine.begin() as conn:
        for role in ("admin", "editor", "viewer"):
            conn.execute(insert, {"name": role, "role": role})
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(insert, {"name": "root", "role": "root"})
    with store.engine.connect() as conn:
        roles = conn.execute(text("SELECT role FROM users ORDER BY id")).scalars().all()
    assert roles == ["admin", "editor", "viewer"]
