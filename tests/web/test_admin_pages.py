"""Admin pages over HTTP: only admins, CSRF on every form, every change in the admin log;
roles per team drive what a user may do; a disabled user loses its login, sessions and
tokens; project text stays escaped."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from parth import PAGE, WORKLOAD, assert_escaped, csrf_in, upload
from webpeople import HOSTILE, PASSWORD, People, login

from mllens.store import Store, get_workload
from mllens.store.access import audit_log, get_user, workload_teams
from mllens.store.admin import admin_log

FORMS = {
    "/admin/users": {"name": "nina", "role": "viewer", "password": PASSWORD},
    "/admin/users/vic": {"action": "role", "role": "editor"},
    "/admin/teams": {"team": "fraud", "member": "otto", "role": "viewer"},
    f"/admin/workloads/{WORKLOAD}": {"team": "fraud", "owner": HOSTILE, "environment": "staging"},
}


@pytest.fixture
def uploaded(client: TestClient, people: People, scan_json: dict[str, Any]) -> None:
    upload(client, people, scan_json)


@pytest.mark.parametrize("who", ["edie", "vic", "otto"])
def test_only_admins_see_and_use_the_admin_pages(client: TestClient, people: People, uploaded: None,
                                                 who: str, store: Store) -> None:
    csrf = login(client, who)
    assert client.get("/admin").status_code == 403
    assert 'href="/admin"' not in client.get("/").text
    for path, data in FORMS.items():
        assert client.post(path, data={"csrf": csrf, **data}).status_code == 403, path
    assert admin_log(store) == []


def test_admin_forms_need_the_csrf_token(client: TestClient, people: People, uploaded: None, store: Store) -> None:
    login(client, "admin")
    for path, data in FORMS.items():
        assert client.post(path, data=data).status_code == 403, path
        assert client.post(path, data={"csrf": "forged", **data}).status_code == 403, path
    assert admin_log(store) == []
    assert client.get("/admin", follow_redirects=False).status_code == 200


def test_an_admin_adds_users_sets_roles_teams_and_workloads_all_logged(client: TestClient, people: People,
                                                                       uploaded: None, store: Store) -> None:
    csrf = login(client, "admin")
    assert 'href="/admin"' in client.get("/").text
    for path, data in FORMS.items():
        response = client.post(path, data={"csrf": csrf, **data}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/admin#"), path
    nina = get_user(store, name="nina")
    assert (nina.role, nina.teams) == ("viewer", ())
    assert get_user(store, name="vic").role == "editor"
    assert get_user(store, name="otto").team_roles == {"fraud": "viewer", "other": "editor"}
    assert get_workload(store, name=WORKLOAD).environment == "staging"
    logged = {(e.user, e.subject, e.name, e.field, e.old_value, e.new_value) for e in admin_log(store)}
    assert logged == {
        ("admin", "user", "nina", "added", None, "viewer"),
        ("admin", "user", "vic", "role", "viewer", "editor"),
        ("admin", "team", "fraud", "member otto", None, "viewer"),
        ("admin", "workload", WORKLOAD, "environment", "prod", "staging"),
    }
    assert ("workload", "environment", "prod", "staging") in {
        (e.practice, e.field, e.old_value, e.new_value) for e in audit_log(store, workload=WORKLOAD)}
    page = client.get("/admin")
    assert "member otto" in page.text and "nina" in page.text
    assert_escaped(page.text)


def test_bad_admin_input_is_refused_and_nothing_changes(client: TestClient, people: People, uploaded: None,
                                                        store: Store) -> None:
    csrf = login(client, "admin")
    refused = [
        ("/admin/users", {"name": "edie", "role": "viewer", "password": PASSWORD}, 409),
        ("/admin/users", {"name": "new", "role": "viewer", "password": "short"}, 422),
        ("/admin/users", {"name": "bad name", "role": "viewer", "password": PASSWORD}, 422),
        ("/admin/users", {"name": "new", "role": "boss", "password": PASSWORD}, 422),
        ("/admin/users/nobody", {"action": "role", "role": "viewer"}, 404),
        ("/admin/users/admin", {"action": "disable"}, 422),
        ("/admin/users/vic", {"action": "explode"}, 422),
        ("/admin/teams", {"team": "fraud", "member": "vic", "role": "admin"}, 422),
        ("/admin/teams", {"team": "<b>", "member": "vic", "role": "viewer"}, 422),
        (f"/admin/workloads/{WORKLOAD}", {"repository_url": "javascript:alert(1)"}, 422),
        ("/admin/workloads/nope", {"owner": "x"}, 404),
        (f"/admin/workloads/{WORKLOAD}", {"team": "fraud", "owner": "a\x00b"}, 422),
    ]
    for path, data, status in refused:
        response = client.post(path, data={"csrf": csrf, **data})
        assert response.status_code == status, (path, data, response.text[:200])
        assert_escaped(response.text)
    assert admin_log(store) == []
    assert workload_teams(store)[WORKLOAD] == "fraud"


def test_roles_per_team_decide_who_answers(client: TestClient, people: People, uploaded: None,
                                           store: Store) -> None:
    """otto is an editor; made a viewer in team fraud, he reads fraud's review but cannot answer it."""
    csrf = login(client, "admin")
    client.post("/admin/teams", data={"csrf": csrf, "team": "fraud", "member": "otto", "role": "viewer"})
    otto = login(client, "otto")
    assert client.get(PAGE).status_code == 200
    answer = client.post(PAGE + "/answers", data={"csrf": otto, "practice": "MLOPS01-BP01", "status": "missing"})
    assert answer.status_code == 403
    put = client.put(f"/api/v1/workloads/{WORKLOAD}/backlog/answer:HIGH", headers=people.auth("otto:upload"),
                     json={"status": "done"})
    assert put.status_code == 403
    csrf = login(client, "admin")
    client.post("/admin/teams", data={"csrf": csrf, "team": "fraud", "member": "otto", "role": "editor"})
    otto = login(client, "otto")
    answer = client.post(PAGE + "/answers", data={"csrf": otto, "practice": "MLOPS01-BP01", "status": "missing"},
                         follow_redirects=False)
    assert answer.status_code == 303
    csrf = login(client, "admin")
    client.post("/admin/teams", data={"csrf": csrf, "team": "fraud", "member": "otto", "role": "remove"})
    login(client, "otto")
    assert client.get(PAGE).status_code == 403


def test_a_disabled_user_loses_login_sessions_and_tokens(client: TestClient, people: People, uploaded: None,
                                                         store: Store) -> None:
    vic = TestClient(client.app, base_url="http://localhost")
    login(vic, "vic")
    assert vic.get(PAGE).status_code == 200
    csrf = login(client, "admin")
    assert client.post("/admin/users/vic", data={"csrf": csrf, "action": "disable"},
                       follow_redirects=False).status_code == 303
    assert vic.get(PAGE, follow_redirects=False).status_code == 303  # the session is gone
    form = vic.get("/login")
    again = vic.post("/login", data={"name": "vic", "password": PASSWORD, "csrf": csrf_in(form.text), "next": "/"},
                     follow_redirects=False)
    assert again.status_code == 401
    assert client.get("/api/v1/workloads", headers=people.auth("vic:read")).status_code == 401
    assert "disabled" in client.get("/admin").text
    client.post("/admin/users/vic", data={"csrf": csrf, "action": "enable"})
    assert client.get("/api/v1/workloads", headers=people.auth("vic:read")).status_code == 200
    assert [(e.field, e.old_value, e.new_value) for e in admin_log(store)] == [
        ("disabled", "true", "false"), ("disabled", "false", "true")]


def test_the_repository_url_set_by_an_admin_links_evidence(client: TestClient, people: People, uploaded: None,
                                                           store: Store) -> None:
    csrf = login(client, "admin")
    client.post(f"/admin/workloads/{WORKLOAD}", data={"csrf": csrf, "team": "fraud", "owner": "ml",
                                                      "repository_url": "https://gitlab.example/g/fraud"})
    assert get_workload(store, name=WORKLOAD).repository_url == "https://gitlab.example/g/fraud"
    assert "https://gitlab.example/g/fraud/-/blob/HEAD/" in client.get(PAGE + "/view/engineer").text


def test_the_admin_api_answers_admins_only(client: TestClient, people: People, uploaded: None) -> None:
    for path in ("/api/v1/admin/users", "/api/v1/admin/teams", "/api/v1/admin/log"):
        assert client.get(path).status_code == 401
        for who in ("edie:read", "vic:read", "otto:read", "admin:upload"):
            assert client.get(path, headers=people.auth(who)).status_code == 403, (path, who)
        assert client.get(path, headers=people.auth("admin:read")).status_code == 200
    users = client.get("/api/v1/admin/users", headers=people.auth("admin:read")).json()
    assert {u["name"]: u["team_roles"] for u in users}["otto"] == {"other": "editor"}
    assert all("password" not in str(u) for u in users)
    teams = client.get("/api/v1/admin/teams", headers=people.auth("admin:read")).json()
    assert teams["fraud"] == [["edie", "editor"], ["vic", "viewer"]]
