"""Risks accepted in the app and the sync state of a workload, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from mllens.review.model import Review
from mllens.store import Store, save_review
from mllens.store.access import add_user, audit_log
from mllens.store.sessions import answers_of, set_answer
from mllens.store.sync import (
    acceptances_of,
    clear_app_answers,
    put_app_answer,
    save_sync_state,
    set_acceptance,
    sync_state,
)

UNTIL = dt.date(2027, 3, 31)


def test_an_acceptance_is_kept_withdrawn_and_every_change_logged(
    store: Store, make_review: Callable[..., Review]
) -> None:
    save_review(store, review=make_review())
    alice = add_user(store, name="alice", role="editor", password_hash=None)
    set_acceptance(store, user=alice, workload="fraud-detection", practice="MLSEC05-BP01", owner="ana",
                   expires=UNTIL, reason="keys next quarter", before="bo until 2027-01-31: from the file")
    found = acceptances_of(store, workload="fraud-detection")["MLSEC05-BP01"]
    assert (found.owner, found.expires, found.reason, found.updated_by, found.withdrawn) == (
        "ana", UNTIL, "keys next quarter", "alice", False)
    set_acceptance(store, user=alice, workload="fraud-detection", practice="MLSEC05-BP01", owner=None,
                   expires=UNTIL, reason="ignored when withdrawing")
    withdrawn = acceptances_of(store, workload="fraud-detection")["MLSEC05-BP01"]
    assert withdrawn.withdrawn and (withdrawn.expires, withdrawn.reason) == (None, None)
    log = [(e.field, e.old_value, e.new_value) for e in audit_log(store, workload="fraud-detection")]
    assert log == [
        ("accepted", "ana until 2027-03-31: keys next quarter", None),
        ("accepted", "bo until 2027-01-31: from the file", "ana until 2027-03-31: keys next quarter"),
    ]


def test_the_reason_of_an_answer_goes_with_not_applicable_only(
    store: Store, make_review: Callable[..., Review]
) -> None:
    save_review(store, review=make_review())
    alice = add_user(store, name="alice", role="editor", password_hash=None)
    set_answer(store, user=alice, workload="fraud-detection", practice="MLSEC05-BP01", status="not_applicable",
               notes=None, reason="out_of_scope")
    assert answers_of(store, workload="fraud-detection")["MLSEC05-BP01"].reason == "out_of_scope"
    set_answer(store, user=alice, workload="fraud-detection", practice="MLSEC05-BP01", status="missing",
               notes=None, reason="out_of_scope")
    assert answers_of(store, workload="fraud-detection")["MLSEC05-BP01"].reason is None
    fields = [(e.field, e.old_value, e.new_value) for e in audit_log(store, workload="fraud-detection")]
    assert ("reason", "out_of_scope", None) in fields and ("reason", None, "out_of_scope") in fields


def test_the_app_s_answers_are_put_and_cleared_and_the_sync_state_kept(
    store: Store, make_review: Callable[..., Review]
) -> None:
    save_review(store, review=make_review())
    assert sync_state(store, workload="fraud-detection") is None
    put_app_answer(store, workload="fraud-detection", practice="MLOPS01-BP01",
                   answer={"status": "partial", "checks": {"b": "met", "a": "not_met"}, "notes": "n"},
                   accepted={"owner": "ana", "expires": "2027-03-31", "reason": "r"}, by="ci")
    answer = answers_of(store, workload="fraud-detection")["MLOPS01-BP01"]
    assert (answer.status, answer.checks, answer.notes, answer.updated_by) == (
        "partial", {"a": "not_met", "b": "met"}, "n", "ci")
    assert acceptances_of(store, workload="fraud-detection")["MLOPS01-BP01"].expires == UNTIL
    assert audit_log(store, workload="fraud-detection") == []  # nothing anyone sees changed
    clear_app_answers(store, workload="fraud-detection", practices=["MLOPS01-BP01"])
    assert answers_of(store, workload="fraud-detection") == {}
    assert acceptances_of(store, workload="fraud-detection") == {}
    save_sync_state(store, workload="fraud-detection", uploaded={"practices": {"P": {"status": "missing"}}},
                    base={"P": {"status": "missing"}})
    save_sync_state(store, workload="fraud-detection", uploaded={"practices": {}}, base={"P": {"notes": "x"}})
    state = sync_state(store, workload="fraud-detection")
    assert state is not None and (state.uploaded, state.base) == ({"practices": {}}, {"P": {"notes": "x"}})
