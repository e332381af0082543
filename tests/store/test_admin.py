"""Admin changes in the store: roles, disabling, team roles, workload settings, the admin
log, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mllens.review.model import Review
from mllens.store import Store, StoreError, get_workload, save_review
from mllens.store.access import add_token, add_user, password_hash_of, token_grant, workload_teams
from mllens.store.admin import (
    admin_log,
    set_disabled,
    set_membership,
    set_role,
    set_workload_settings,
    team_members,
)
from mllens.store.sessions import open_session, session_of


def test_team_roles_are_per_team_and_default_to_the_users_own(store: Store) -> None:
    admin = add_user(store, name="root", role="admin", password_hash=None)
    add_user(store, name="otto", role="editor", password_hash=None, teams=("other",))
    otto = set_membership(store, by=admin, user="otto", team="fraud", role="viewer")
    assert otto.teams == ("fraud", "other") and otto.team_roles == {"fraud": "viewer", "other": "editor"}
    assert team_members(store) == {"fraud": [("otto", "viewer")], "other": [("otto", "editor")]}
    otto = set_membership(store, by=admin, user="otto", team="fraud", role=None)
    assert otto.teams == ("other",)
    assert [(e.field, e.old_value, e.new_value) for e in admin_log(store)] == [
        ("member otto", "viewer", None), ("member otto", None, "viewer")]
    with pytest.raises(StoreError, match="team role"):
        set_membership(store, by=admin, user="otto", team="fraud", role="admin")


def test_a_disabled_user_has_no_login_session_or_token(store: Store) -> None:
    import datetime as dt

    admin = add_user(store, name="root", role="admin", password_hash=None)
    vic = add_user(store, name="vic", role="viewer", password_hash="hash")
    add_token(store, user="vic", name="t", scope="read", digest="d" * 64)
    open_session(store, user=vic, digest="s" * 64, csrf="c", lifetime=dt.timedelta(hours=1))
    assert set_disabled(store, by=admin, name="vic", disabled=True).disabled
    assert password_hash_of(store, name="vic") is None
    assert token_grant(store, digest="d" * 64) is None and session_of(store, digest="s" * 64) is None
    set_disabled(store, by=admin, name="vic", disabled=False)
    assert password_hash_of(store, name="vic") is not None and token_grant(store, digest="d" * 64) is not None
    with pytest.raises(StoreError, match="cannot disable itself"):
        set_disabled(store, by=admin, name="root", disabled=True)
    assert set_role(store, by=admin, name="vic", role="editor").role == "editor"


def test_workload_settings_change_and_are_logged_twice(store: Store, make_review: Callable[..., Review],
                                                      snapshot: Callable[[Store], object]) -> None:
    save_review(store, review=make_review())
    admin = add_user(store, name="root", role="admin", password_hash=None)
    info = set_workload_settings(store, by=admin, workload="fraud-detection", team="fraud", owner="ana",
                                 environment="prod", repository_url="https://github.com/acme/fraud")
    assert (info.owner, info.repository_url) == ("ana", "https://github.com/acme/fraud")
    assert workload_teams(store) == {"fraud-detection": "fraud"}
    set_workload_settings(store, by=admin, workload="fraud-detection", team=None, owner="ana", environment="prod",
                          repository_url=None)
    assert workload_teams(store) == {} and get_workload(store, name="fraud-detection").repository_url is None
    fields = [(e.subject, e.field) for e in admin_log(store)]
    assert ("workload", "team") in fields and ("workload", "owner") in fields
    before = snapshot(store)
    with pytest.raises(StoreError, match="repository_url"):
        set_workload_settings(store, by=admin, workload="fraud-detection", team=None, owner=None, environment=None,
                              repository_url="file:///etc/passwd")
    assert snapshot(store) == before
