"""Workloads and reviews: upsert, exact JSON round trip, latest review, portfolio listing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import select

from mllens.answers.model import Workload
from mllens.lens.model import Risk
from mllens.review.model import Review, RiskCounts
from mllens.review.serialise import review_to_stored_json
from mllens.store import (
    NotFoundError,
    Store,
    get_workload,
    latest_review,
    list_workloads,
    save_review,
    upsert_workload,
)
from mllens.store.models import ReviewRow

ReviewFactory = Callable[..., Review]
T0 = dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC)


def test_upsert_creates_then_updates_only_what_changed(store: Store) -> None:
    created = upsert_workload(
        store, workload=Workload(name="churn", owner="ana@example.com", environment="dev")
    )
    assert (created.name, created.owner, created.environment, created.description) == (
        "churn", "ana@example.com", "dev", None,
    )
    assert created.created_at == created.updated_at
    assert created.created_at.tzinfo == dt.UTC

    same = upsert_workload(
        store, workload=Workload(name="churn", owner="ana@example.com", environment="dev")
    )
    assert same == created  # nothing changed, so updated_at did not move either

    moved = upsert_workload(
        store, workload=Workload(name="churn", owner="bo@example.com", description="Churn model")
    )
    assert (moved.id, moved.owner, moved.environment, moved.description) == (
        created.id, "bo@example.com", None, "Churn model",
    )
    assert moved.updated_at > created.updated_at
    assert moved.created_at == created.created_at
    assert get_workload(store, name="churn") == moved


def test_review_round_trips_through_the_store_exactly(
    store: Store, make_review: ReviewFactory
) -> None:
    review = make_review()
    info = save_review(store, review=review)
    assert (info.workload, info.lens_id, info.lens_version) == ("fraud-detection", "ml", "2025.11")
    assert info.risk_counts == RiskCounts(HIGH=1, MEDIUM=1, NONE=1)

    back = latest_review(store, workload="fraud-detection")
    assert back == review
    assert back is not None
    assert back.model_dump_json() == review.model_dump_json()
    assert back.generated_at.utcoffset() == dt.timedelta(hours=2)  # offset kept, not normalised
    assert back.practices[0].checks[0].evidence[0].message.endswith("ünïcode ✓")
    with store.engine.connect() as conn:  # stored byte for byte as the model wrote it
        stored = conn.execute(select(ReviewRow.review_json)).scalar_one()
    assert stored == review_to_stored_json(review)
    # The lens's how-to text is not stored: the plan keeps ids and states only.
    assert review.plan[0].steps and "steps" not in stored and "stacks" not in stored
    assert len(stored) < len(review.model_dump_json())
    assert Review.model_validate_json(stored).plan[0].steps == []


def test_saving_a_review_creates_its_workload_from_the_review(
    store: Store, make_review: ReviewFactory
) -> None:
    save_review(store, review=make_review(workload="ranker"))
    workload = get_workload(store, name="ranker")
    assert (workload.owner, workload.environment) == ("ml-platform@acme.example", "prod")
    # an existing workload keeps its details: upsert_workload is how they change
    upsert_workload(store, workload=Workload(name="ranker", owner="team-b"))
    save_review(store, review=make_review(workload="ranker"))
    assert get_workload(store, name="ranker").owner == "team-b"


def test_latest_review_is_the_newest_by_time_not_by_insertion(
    store: Store, make_review: ReviewFactory
) -> None:
    late = make_review(risks={"MLSEC03": Risk.NONE})
    early = make_review(risks={"MLSEC03": Risk.HIGH})
    save_review(store, review=late, created_at=T0 + dt.timedelta(days=2))
    save_review(store, review=early, created_at=T0)  # an import of an older review
    assert latest_review(store, workload="fraud-detection") == late
    same_time = make_review(risks={"MLSEC03": Risk.MEDIUM})
    save_review(store, review=same_time, created_at=T0 + dt.timedelta(days=2))
    assert latest_review(store, workload="fraud-detection") == same_time  # ties: last saved


def test_latest_review_of_a_workload_without_reviews_is_none(store: Store) -> None:
    upsert_workload(store, workload=Workload(name="empty"))
    assert latest_review(store, workload="empty") is None


def test_unknown_workload_names_the_known_ones(store: Store, make_review: ReviewFactory) -> None:
    save_review(store, review=make_review(workload="alpha"))
    upsert_workload(store, workload=Workload(name="beta"))
    with pytest.raises(NotFoundError) as caught:
        latest_review(store, workload="gamma")
    assert str(caught.value) == f"{store.where}: no workload named 'gamma' (workloads: alpha, beta)"


def test_list_workloads_gives_each_workload_its_latest_counts(
    store: Store, make_review: ReviewFactory
) -> None:
    save_review(store, review=make_review(workload="b-fraud"), created_at=T0)
    save_review(
        store,
        review=make_review(workload="b-fraud", risks={"MLSEC03": Risk.HIGH, "MLOPS02": Risk.HIGH}),
        created_at=T0 + dt.timedelta(hours=1),
    )
    save_review(
        store,
        review=make_review(workload="a-churn", lens_version="2023.1", risks={"MLSEC03": Risk.NONE}),
        created_at=T0 + dt.timedelta(hours=2),
    )
    upsert_workload(store, workload=Workload(name="c-new"))

    listing = list_workloads(store)
    assert [line.workload.name for line in listing] == ["a-churn", "b-fraud", "c-new"]
    a, b, c = listing
    assert a.latest is not None and b.latest is not None
    assert (a.latest.lens_version, a.latest.risk_counts) == ("2023.1", RiskCounts(NONE=1))
    assert b.latest.risk_counts == RiskCounts(HIGH=2)
    assert b.latest.created_at == T0 + dt.timedelta(hours=1)
    assert c.latest is None
