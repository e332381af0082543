"""Migration 0008 and the summary rows (mllens.store.summaries), on SQLite and PostgreSQL:
a store of the schema before keeps its reviews, every workload starts at revision 0 with no
summary; writes that change the review the app shows bump the revision; a summary is
inserted, then replaced in place."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from sqlalchemy import func, select, text

from mllens.review.model import Review, RiskCounts
from mllens.store import Store, latest_review, open_store, save_milestone, save_review
from mllens.store.access import add_user
from mllens.store.migrate import alembic_config
from mllens.store.models import WorkloadSummaryRow
from mllens.store.sessions import set_answer
from mllens.store.summaries import SummaryKey, current_key, portfolio_entries, put_summary, summary_details
from mllens.store.sync import set_acceptance


def test_a_store_of_the_schema_before_keeps_its_reviews(db_url: str, make_review: Callable[..., Review]) -> None:
    store = open_store(db_url)
    save_review(store, review=make_review(), workload="churn")
    with store.engine.connect() as conn, conn.begin():
        command.downgrade(alembic_config(conn), "0007")
        assert conn.execute(text("SELECT count(*) FROM reviews")).scalar_one() == 1
    store.close()
    with open_store(db_url) as again:
        assert latest_review(again, workload="churn") is not None
        (entry,) = portfolio_entries(again, teams=None)
        assert (entry.name, entry.revision, entry.summary) == ("churn", 0, None)
        assert entry.review_id is not None


def test_writes_that_change_the_shown_review_bump_the_revision(store: Store,
                                                               make_review: Callable[..., Review]) -> None:
    review = make_review()
    save_review(store, review=review, workload="churn")
    user = add_user(store, name="ann", role="admin", password_hash=None)

    def revision() -> int:
        return portfolio_entries(store, teams=None)[0].revision

    practice = review.practices[0].id
    set_answer(store, user=user, workload="churn", practice=practice, status="missing", notes=None)
    assert revision() == 1
    set_acceptance(store, user=user, workload="churn", practice=practice, owner="ann", expires=None, reason="r")
    assert revision() == 2
    save_milestone(store, name="m1", review=review, workload="churn")
    assert revision() == 3
    save_review(store, review=review, workload="churn")  # a new review changes the key by its id
    assert revision() == 3


def test_a_summary_is_inserted_then_replaced(store: Store, make_review: Callable[..., Review]) -> None:
    save_review(store, review=make_review(), workload="churn")
    key = current_key(store, workload="churn", basis="b")
    assert key is not None and key.revision == 0
    for high in (3, 1):
        put_summary(store, workload="churn", key=key, valid_until=None, risk_counts=RiskCounts(HIGH=high),
                    accepted_high=0, accepted_medium=0, cells="[]", detail=f'{{"high": {high}}}')
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(WorkloadSummaryRow)).scalar_one() == 1
    (entry,) = portfolio_entries(store, teams=None, cells=True)
    assert entry.summary is not None and entry.summary.key == SummaryKey(key.review_id, 0, "b")
    assert entry.summary.risk_counts.HIGH == 1 and entry.summary.cells == "[]"
    assert summary_details(store, workload_ids=[entry.workload_id]) == {entry.workload_id: ("[]", '{"high": 1}')}
    assert portfolio_entries(store, teams=["nobody's team"]) == []
