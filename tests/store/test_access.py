"""Users, teams, tokens and the audit log, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from alembic import command
from sqlalchemy import text

from mllens.answers.model import Workload
from mllens.review.model import Review
from mllens.store import Store, open_store, save_review, upsert_workload
from mllens.store.access import (
    add_token,
    add_user,
    audit_log,
    get_user,
    list_tokens,
    list_users,
    password_hash_of,
    record_change,
    revoke_token,
    set_workload_team,
    token_grant,
    workload_teams,
)
from mllens.store.migrate import alembic_config
from mllens.store.records import DuplicateError, NotFoundError, StoreError


def test_a_user_has_a_role_teams_and_a_password_hash(store: Store) -> None:
    user = add_user(store, name="alice", role="editor", password_hash="$argon2id$x", teams=("fraud", "risk"))
    assert (user.name, user.role, user.teams) == ("alice", "editor", ("fraud", "risk"))
    found = password_hash_of(store, name="alice")
    assert found is not None and found[1] == "$argon2id$x" and found[0] == user
    assert get_user(store, name="alice") == user
    assert [u.name for u in list_users(store)] == ["alice"]


def test_users_are_unique_and_checked(store: Store) -> None:
    add_user(store, name="bob", role="viewer", password_hash=None)
    with pytest.raises(DuplicateError, match="'bob' already exists"):
        add_user(store, name="bob", role="admin", password_hash=None)
    with pytest.raises(StoreError, match="role: expected one of admin, editor, viewer, got 'member'"):
        add_user(store, name="carol", role="member", password_hash=None)
    with pytest.raises(StoreError, match="user name: expected"):
        add_user(store, name="has space", role="viewer", password_hash=None)
    assert password_hash_of(store, name="bob") is None  # no password: cannot log in
    assert password_hash_of(store, name="nobody") is None
    with pytest.raises(NotFoundError, match="no user named 'nobody'"):
        get_user(store, name="nobody")


def test_a_workload_belongs_to_one_team(store: Store) -> None:
    upsert_workload(store, workload=Workload(name="fraud-detection"))
    upsert_workload(store, workload=Workload(name="churn"))
    set_workload_team(store, workload="fraud-detection", team="payments")
    assert workload_teams(store) == {"fraud-detection": "payments"}
    set_workload_team(store, workload="fraud-detection", team="risk")
    assert workload_teams(store) == {"fraud-detection": "risk"}
    with pytest.raises(NotFoundError, match="no workload named 'nope'"):
        set_workload_team(store, workload="nope", team="risk")


def test_tokens_are_found_by_digest_until_revoked(store: Store) -> None:
    add_user(store, name="ci", role="editor", password_hash=None, teams=("fraud",))
    token = add_token(store, user="ci", name="github", scope="upload", digest="d" * 64)
    grant = token_grant(store, digest="d" * 64)
    assert grant is not None and grant.scope == "upload" and grant.user.teams == ("fraud",)
    assert token_grant(store, digest="e" * 64) is None
    with pytest.raises(DuplicateError, match="already has a token named 'github'"):
        add_token(store, user="ci", name="github", scope="read", digest="f" * 64)
    with pytest.raises(StoreError, match="scope: expected one of upload, read, got 'write'"):
        add_token(store, user="ci", name="other", scope="write", digest="f" * 64)
    revoked = revoke_token(store, token_id=token.id)
    assert revoked.revoked_at is not None and revoked.user == "ci"
    assert token_grant(store, digest="d" * 64) is None
    assert [t.revoked_at is not None for t in list_tokens(store)] == [True]
    with pytest.raises(NotFoundError, match="no API token with id 999"):
        revoke_token(store, token_id=999)


def test_the_audit_log_keeps_who_changed_what(store: Store, make_review: Callable[..., Review]) -> None:
    save_review(store, review=make_review())
    user = add_user(store, name="alice", role="editor", password_hash=None)
    record_change(store, user=user, workload="fraud-detection", practice="MLSEC03-BP02",
                  field="status", old="missing", new="implemented")
    record_change(store, user=user, workload="fraud-detection", practice="MLSEC03-BP02",
                  field="notes", old=None, new="<script>")
    log = audit_log(store, workload="fraud-detection")
    assert [(e.field, e.old_value, e.new_value, e.user) for e in log] == [
        ("notes", None, "<script>", "alice"),
        ("status", "missing", "implemented", "alice"),
    ]
    assert log[0].at.tzinfo is not None and log[0].at <= dt.datetime.now(dt.UTC)


def test_users_of_the_first_schema_are_kept_by_the_migration(db_url: str) -> None:
    store = open_store(db_url)
    with store.engine.connect() as conn, conn.begin():
        command.downgrade(alembic_config(conn), "0001")
        conn.execute(text(
            "INSERT INTO users (id, email, name, role, password_hash, created_at) VALUES "
            "(1, 'ann@acme.example', 'Ann', 'facilitator', 'h', '2025-01-01 00:00:00+00:00')"
        ))
    store.close()
    with open_store(db_url) as again:
        user = get_user(again, name="ann@acme.example")
        assert user.role == "editor"
        found = password_hash_of(again, name="ann@acme.example")
        assert found is not None and found[1] == "h"
