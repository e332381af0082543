"""Milestones in the app and the API: editors save the review shown (answers included),
everyone who sees the workload compares any two; every role allowed and refused, CSRF."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from webpeople import HOSTILE, People, csrf_of, login

from mllens.store import Store, list_milestones

PAGE = "/workloads/fraud-detection"
API = "/api/v1/workloads/fraud-detection"


@pytest.fixture
def uploaded(client: TestClient, people: People, scan_json: dict[str, Any]) -> None:
    assert client.post(API + "/scans", headers=people.auth("edie:upload"), json=scan_json).status_code == 201


def _save(client: TestClient, csrf: str, name: str) -> Any:
    return client.post(PAGE + "/milestones", data={"csrf": csrf, "milestone": name}, follow_redirects=False)


def _names(store: Store) -> list[str]:
    return [m.name for m in list_milestones(store, workload="fraud-detection")]


def test_editors_save_milestones_with_the_app_answers_and_compare_them(
    client: TestClient, people: People, uploaded: None, store: Store
) -> None:
    csrf = login(client, "edie")
    assert "No milestone has been saved yet" in client.get(PAGE).text
    saved = _save(client, csrf, "v1")
    assert saved.status_code == 303 and saved.headers["location"] == PAGE + "#milestones"
    answered = client.post(PAGE + "/answers", data={"csrf": csrf, "practice": "MLOPS01-BP02", "status": "missing"},
                           follow_redirects=False)
    assert answered.status_code == 303
    assert _save(client, csrf, HOSTILE).status_code == 303
    assert _names(store) == ["v1", HOSTILE]
    page = client.get(PAGE).text
    assert "Save the review as a milestone" in page and 'action="/workloads/fraud-detection/compare"' in page
    assert HOSTILE not in page and "&lt;script&gt;" in page
    compared = client.get(PAGE + "/compare", params={"a": "v1", "b": HOSTILE})
    assert compared.status_code == 200 and HOSTILE not in compared.text
    row = compared.text.split('id="q-changes"', 1)[1]
    assert '<tr class="change-worsened"><td>MLOPS01 · ' in row  # the answer made MLOPS01 HIGH
    assert "MLOPS01-BP02 · " in compared.text.split('id="p-changes"', 1)[1]
    api = client.get(API + "/milestones/compare", params={"a": "v1", "b": HOSTILE}, headers=people.auth("vic:read"))
    assert api.status_code == 200
    data = api.json()
    assert [(q["id"], q["before"], q["after"], q["change"]) for q in data["questions"]] == [
        ("MLOPS01", "UNANSWERED", "HIGH", "worsened")]
    assert data["risk_counts_delta"]["HIGH"] == 1


def test_a_milestone_name_is_never_reused_and_must_be_given(
    client: TestClient, people: People, uploaded: None, store: Store
) -> None:
    csrf = login(client, "edie")
    assert _save(client, csrf, "v1").status_code == 303
    again = _save(client, csrf, "v1")
    assert again.status_code == 409 and "never overwritten" in again.text
    assert _save(client, csrf, " ").status_code == 422
    assert _save(client, csrf, "current").status_code == 422
    assert _names(store) == ["v1"]


def test_viewers_and_other_teams_cannot_save_and_forms_need_the_csrf_token(
    client: TestClient, people: People, uploaded: None, store: Store
) -> None:
    csrf = login(client, "vic")
    assert "Save the review as a milestone" not in client.get(PAGE).text
    refused = _save(client, csrf, "v1")
    assert refused.status_code == 403 and "saving a milestone needs an editor" in refused.text
    client.cookies.clear()
    csrf = login(client, "otto")
    assert _save(client, csrf, "v1").status_code == 403
    assert client.get(PAGE + "/compare", params={"a": "v1", "b": "v1"}).status_code == 403
    client.cookies.clear()
    login(client, "edie")
    assert client.post(PAGE + "/milestones", data={"milestone": "v1"}).status_code == 403
    assert _save(client, "forged", "v1").status_code == 403
    assert _names(store) == []
    client.cookies.clear()
    assert client.post(PAGE + "/milestones", data={"milestone": "v1"}, follow_redirects=False).status_code == 303
    assert _names(store) == []


def test_admins_save_and_everyone_in_the_team_compares(
    client: TestClient, people: People, uploaded: None, store: Store
) -> None:
    assert _save(client, login(client, "admin"), "a1").status_code == 303
    assert _save(client, csrf_of(client.get(PAGE).text), "a2").status_code == 303
    client.cookies.clear()
    login(client, "vic")
    page = client.get(PAGE + "/compare", params={"a": "a1", "b": "a2"})
    assert page.status_code == 200 and "No question's risk changed." in page.text
    missing = client.get(PAGE + "/compare", params={"a": "a1", "b": "nope"})
    assert missing.status_code == 404 and "milestones: a1, a2" in missing.text
    client.cookies.clear()
    assert client.get(PAGE + "/compare", params={"a": "a1", "b": "a2"}, follow_redirects=False).status_code == 303


def test_the_api_saves_milestones_for_editors_only(client: TestClient, people: People, uploaded: None,
                                                   store: Store) -> None:
    assert client.post(API + "/milestones", json={"name": "v1"}).status_code == 401
    assert client.post(API + "/milestones", json={"name": "v1"}, headers=people.auth("edie:read")).status_code == 403
    assert client.post(API + "/milestones", json={"name": "v1"}, headers=people.auth("vic:upload")).status_code == 403
    assert client.post(API + "/milestones", json={"name": "v1"}, headers=people.auth("otto:upload")).status_code == 403
    saved = client.post(API + "/milestones", json={"name": "v1"}, headers=people.auth("edie:upload"))
    assert saved.status_code == 201 and saved.json()["name"] == "v1"
    assert client.post(API + "/milestones", json={"name": "v1"}, headers=people.auth("admin:upload")).status_code == 409
    assert client.post(API + "/milestones", json={"name": ""}, headers=people.auth("admin:upload")).status_code == 422
    assert client.post(API + "/milestones", json={"name": "v2", "x": 1},
                       headers=people.auth("admin:upload")).status_code == 422
    assert client.post(API + "/milestones", json={"name": "v2"}, headers=people.auth("admin:upload")).status_code == 201
    listed = client.get(API + "/milestones", headers=people.auth("vic:read")).json()
    assert [m["name"] for m in listed] == ["v1", "v2"]


def test_the_api_compares_for_readers_of_the_team(client: TestClient, people: People, uploaded: None) -> None:
    for name in ("v1", "v2"):
        saved = client.post(API + "/milestones", json={"name": name}, headers=people.auth("edie:upload"))
        assert saved.status_code == 201
    url, query = API + "/milestones/compare", {"a": "v1", "b": "v2"}
    assert client.get(url, params=query).status_code == 401
    assert client.get(url, params=query, headers=people.auth("vic:upload")).status_code == 403
    assert client.get(url, params=query, headers=people.auth("otto:read")).status_code == 403
    for reader in ("vic:read", "edie:read", "admin:read"):
        same = client.get(url, params=query, headers=people.auth(reader))
        assert same.status_code == 200 and same.json()["questions"] == [], reader
    assert client.get(url, params={"a": "v1", "b": "v9"}, headers=people.auth("vic:read")).status_code == 404
    assert client.get(url, params={"a": "v1"}, headers=people.auth("vic:read")).status_code == 422


def test_a_workload_without_a_review_has_no_milestone_to_save(client: TestClient, people: People) -> None:
    assert client.post("/api/v1/workloads/ghost/milestones", json={"name": "v1"},
                       headers=people.auth("admin:upload")).status_code == 404
