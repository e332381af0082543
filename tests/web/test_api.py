"""The JSON API over HTTP: every route for every role and scope, allowed and refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from webpeople import People

from mllens.store import Store, latest_review, list_workloads, save_milestone
from mllens.store.access import list_tokens, revoke_token, workload_teams
from mllens.web import api

SCANS = "/api/v1/workloads/fraud-detection/scans"


def _upload(client: TestClient, people: People, who: str, body: Any, query: str = "") -> Any:
    return client.post(SCANS + query, headers=people.auth(f"{who}:upload"), json=body)


def test_healthz_answers_when_the_database_does(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}


def test_openapi_lists_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/v1/workloads", "/api/v1/workloads/{name}/review", "/api/v1/workloads/{name}/milestones",
            "/api/v1/workloads/{name}/scans", "/api/v1/workloads/{name}/answers",
            "/api/v1/workloads/{name}/audit", "/healthz"} <= set(paths)


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer mll_not-a-token", "Basic dXNlcjpwYXNz"])
@pytest.mark.parametrize("method,path", [("get", "/api/v1/workloads"), ("post", SCANS),
                                         ("get", "/api/v1/workloads/x/review")])
def test_no_or_a_bad_token_is_401_json(client: TestClient, people: People, header: str | None,
                                       method: str, path: str) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.request(method, path, headers=headers, json={})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "token" in response.json()["detail"]


def test_a_revoked_token_is_401(client: TestClient, people: People, store: Store) -> None:
    token = next(t for t in list_tokens(store) if t.user == "edie" and t.scope == "read")
    assert client.get("/api/v1/workloads", headers=people.auth("edie:read")).status_code == 200
    revoke_token(store, token_id=token.id)
    response = client.get("/api/v1/workloads", headers=people.auth("edie:read"))
    assert response.status_code == 401 and "revoked" in response.json()["detail"]


def test_upload_creates_the_workload_in_the_editors_team(
    client: TestClient, people: People, store: Store, scan_json: dict[str, Any]
) -> None:
    response = _upload(client, people, "edie", scan_json)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["workload"] == "fraud-detection" and body["team"] == "fraud"
    assert body["risk_counts"] == scan_json["summary"]["risk_counts"]
    assert workload_teams(store) == {"fraud-detection": "fraud"}
    stored = latest_review(store, workload="fraud-detection")
    assert stored is not None
    assert {p.id: p.status.value for p in stored.practices} == {p["id"]: p["status"] for p in scan_json["practices"]}


def test_the_review_and_list_are_read_by_the_team_only(
    client: TestClient, people: People, store: Store, scan_json: dict[str, Any]
) -> None:
    assert _upload(client, people, "edie", scan_json).status_code == 201
    for who in ("edie", "vic", "admin"):
        listed = client.get("/api/v1/workloads", headers=people.auth(f"{who}:read")).json()
        assert [(w["name"], w["team"], w["environment"]) for w in listed] == [("fraud-detection", "fraud", "prod")]
        assert listed[0]["risk_counts"] == scan_json["summary"]["risk_counts"]
        review = client.get("/api/v1/workloads/fraud-detection/review", headers=people.auth(f"{who}:read"))
        assert review.status_code == 200
        assert review.json()["questions"] == scan_json["questions"]
    assert client.get("/api/v1/workloads", headers=people.auth("otto:read")).json() == []
    refused = client.get("/api/v1/workloads/fraud-detection/review", headers=people.auth("otto:read"))
    assert refused.status_code == 403 and "not in the team" in refused.json()["detail"]
    missing = client.get("/api/v1/workloads/nope/review", headers=people.auth("admin:read"))
    assert missing.status_code == 404 and missing.json()["detail"] == "no workload named 'nope'"


def test_milestones_are_listed_for_the_team(
    client: TestClient, people: People, store: Store, scan_json: dict[str, Any]
) -> None:
    assert _upload(client, people, "edie", scan_json).status_code == 201
    review = latest_review(store, workload="fraud-detection")
    assert review is not None
    save_milestone(store, workload="fraud-detection", name="<b>v1</b>", review=review)
    listed = client.get("/api/v1/workloads/fraud-detection/milestones", headers=people.auth("vic:read"))
    assert listed.status_code == 200
    assert [(m["name"], m["risk_counts"]) for m in listed.json()] == [
        ("<b>v1</b>", scan_json["summary"]["risk_counts"])
    ]
    assert client.get("/api/v1/workloads/fraud-detection/milestones",
                      headers=people.auth("otto:read")).status_code == 403


def test_scopes_and_roles_are_enforced(
    client: TestClient, people: People, store: Store, scan_json: dict[str, Any]
) -> None:
    wrong_scope = client.post(SCANS, headers=people.auth("edie:read"), json=scan_json)
    assert wrong_scope.status_code == 403 and "scope" in wrong_scope.json()["detail"]
    assert client.get("/api/v1/workloads", headers=people.auth("edie:upload")).status_code == 403
    viewer = _upload(client, people, "vic", scan_json)
    assert viewer.status_code == 403 and "viewer" in viewer.json()["detail"]
    assert _upload(client, people, "edie", scan_json).status_code == 201
    other_team = _upload(client, people, "otto", scan_json)
    assert other_team.status_code == 403 and "not in the team" in other_team.json()["detail"]
    not_mine = client.post("/api/v1/workloads/new-one/scans?team=fraud", headers=people.auth("otto:upload"),
                           json=scan_json)
    assert not_mine.status_code == 403 and not_mine.json()["field"] == "query.team"
    assert _upload(client, people, "admin", scan_json).status_code == 201  # admins write everywhere
    assert [w.workload.name for w in list_workloads(store)] == ["fraud-detection"]


def test_an_admins_new_workload_may_have_no_team(
    client: TestClient, people: People, store: Store, scan_json: dict[str, Any]
) -> None:
    response = client.post("/api/v1/workloads/churn/scans", headers=people.auth("admin:upload"), json=scan_json)
    assert response.status_code == 201 and response.json()["team"] is None
    assert client.get("/api/v1/workloads", headers=people.auth("edie:read")).json() == []


@pytest.mark.parametrize(
    "mutate,field,words",
    [
        (lambda d: d.pop("practices"), "body", "the key practices is missing"),
        (lambda d: d["questions"][0].update(risk="SEVERE"), "body", "questions[0].risk"),
        (lambda d: d.update(lens={"id": "nope", "version": "1"}), "body.lens.id", "shipped lens"),
    ],
)
def test_a_bad_scan_is_422_naming_the_field(
    client: TestClient, people: People, store: Store, scan_json: dict[str, Any], mutate: Any, field: str, words: str
) -> None:
    body = json.loads(json.dumps(scan_json))
    mutate(body)
    response = _upload(client, people, "edie", body)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field and words in response.json()["detail"]
    assert list_workloads(store) == []


def test_not_json_an_array_and_a_bad_name_are_422(client: TestClient, people: People) -> None:
    broken = client.post(SCANS, headers={**people.auth("edie:upload"), "Content-Type": "application/json"},
                         content=b"{not json")
    assert broken.status_code == 422 and broken.json()["field"] == "body"
    array = _upload(client, people, "edie", [1, 2])
    assert array.status_code == 422 and "got an array" in array.json()["detail"]
    bad_name = client.post("/api/v1/workloads/bad%20name/scans", headers=people.auth("edie:upload"), json={})
    assert bad_name.status_code == 422 and bad_name.json()["field"] == "path.name"


def test_a_body_over_the_limit_is_413(client: TestClient, people: People, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "MAX_SCAN_BYTES", 100)
    response = client.post(SCANS, headers={**people.auth("edie:upload"), "Content-Type": "application/json"},
                           content=b"[" + b"1," * 100 + b"1]")
    assert response.status_code == 413 and "at most 100 bytes" in response.json()["detail"]


def test_a_new_workload_of_a_user_in_two_teams_needs_the_team(
    client: TestClient, people: People, store: Store, scan_json: dict[str, Any]
) -> None:
    from mllens.store.access import add_token as add
    from mllens.store.access import add_user
    from mllens.web.security import new_token, token_digest

    add_user(store, name="tess", role="editor", password_hash=None, teams=("fraud", "other"))
    token = new_token()
    add(store, user="tess", name="ci", scope="upload", digest=token_digest(token))
    headers = {"Authorization": f"Bearer {token}"}
    unsure = client.post(SCANS, headers=headers, json=scan_json)
    assert unsure.status_code == 422 and unsure.json()["field"] == "query.team"
    assert "fraud, other" in unsure.json()["detail"]
    chosen = client.post(SCANS + "?team=other", headers=headers, json=scan_json)
    assert chosen.status_code == 201 and workload_teams(store) == {"fraud-detection": "other"}


def test_answers_and_the_audit_log_are_read_by_the_team(
    client: TestClient, people: People, store: Store, scan_json: dict[str, Any]
) -> None:
    from mllens.store.access import get_user
    from mllens.store.sessions import set_answer

    assert _upload(client, people, "edie", scan_json).status_code == 201
    set_answer(store, user=get_user(store, name="edie"), workload="fraud-detection", practice="MLOPS01-BP01",
               status="partial", notes="<b>hi</b>")
    answers = client.get("/api/v1/workloads/fraud-detection/answers", headers=people.auth("vic:read"))
    assert answers.status_code == 200
    assert {k: (v["status"], v["notes"], v["updated_by"]) for k, v in answers.json().items()} == {
        "MLOPS01-BP01": ("partial", "<b>hi</b>", "edie")}
    audit = client.get("/api/v1/workloads/fraud-detection/audit", headers=people.auth("vic:read")).json()
    assert [(e["user"], e["practice"], e["field"], e["old_value"], e["new_value"]) for e in audit] == [
        ("edie", "MLOPS01-BP01", "notes", None, "<b>hi</b>"), ("edie", "MLOPS01-BP01", "status", None, "partial")]
    for path in ("answers", "audit"):
        url = f"/api/v1/workloads/fraud-detection/{path}"
        assert client.get(url, headers=people.auth("otto:read")).status_code == 403
        assert client.get(url).status_code == 401
