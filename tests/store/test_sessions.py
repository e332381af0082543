"""Web sessions and the web app's answers, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from mllens.review.model import Review
from mllens.store import Store, save_review
from mllens.store.access import add_user, audit_log
from mllens.store.sessions import answers_of, close_session, open_session, session_of, set_answer


def test_a_session_lives_until_it_is_closed_or_expires(store: Store) -> None:
    user = add_user(store, name="alice", role="editor", password_hash=None, teams=("fraud",))
    open_session(store, user=user, digest="a" * 64, csrf="c" * 43, lifetime=dt.timedelta(hours=8))
    found = session_of(store, digest="a" * 64)
    assert found is not None and found.user == user and found.csrf == "c" * 43
    assert session_of(store, digest="b" * 64) is None
    close_session(store, digest="a" * 64)
    assert session_of(store, digest="a" * 64) is None
    open_session(store, user=user, digest="e" * 64, csrf="c", lifetime=dt.timedelta(seconds=-1))
    assert session_of(store, digest="e" * 64) is None  # already expired


def test_answers_are_kept_and_every_change_is_logged(store: Store, make_review: Callable[..., Review]) -> None:
    save_review(store, review=make_review())
    alice = add_user(store, name="alice", role="editor", password_hash=None)
    bob = add_user(store, name="bob", role="admin", password_hash=None)
    set_answer(store, user=alice, workload="fraud-detection", practice="MLOPS02-BP04", status="partial", notes=None)
    set_answer(store, user=bob, workload="fraud-detection", practice="MLOPS02-BP04", status="partial",
               notes="tracked in <MLflow>")
    answers = answers_of(store, workload="fraud-detection")
    assert (answers["MLOPS02-BP04"].status, answers["MLOPS02-BP04"].notes) == ("partial", "tracked in <MLflow>")
    assert answers["MLOPS02-BP04"].updated_by == "bob"
    log = [(e.user, e.field, e.old_value, e.new_value) for e in audit_log(store, workload="fraud-detection")]
    assert log == [("bob", "notes", None, "tracked in <MLflow>"), ("alice", "status", None, "partial")]


def test_editors_answering_at_once_lose_no_change(store: Store, make_review: Callable[..., Review]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    save_review(store, review=make_review())
    users = [add_user(store, name=f"e{i}", role="editor", password_hash=None) for i in range(8)]

    def answer(i: int) -> None:
        set_answer(store, user=users[i], workload="fraud-detection", practice="MLOPS02-BP04",
                   status="partial", notes=f"note {i}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(answer, range(8)))
    notes = [e for e in reversed(audit_log(store, workload="fraud-detection")) if e.field == "notes"]
    # Every answer is logged, and each change starts from the one before: none was overwritten unseen.
    assert sorted(e.new_value or "" for e in notes) == [f"note {i}" for i in range(8)]
    assert [e.old_value for e in notes] == [None, *(e.new_value for e in notes[:-1])]
    assert answers_of(store, workload="fraud-detection")["MLOPS02-BP04"].notes == notes[-1].new_value
