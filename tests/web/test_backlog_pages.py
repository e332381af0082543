"""The improvement plan as a backlog over HTTP: items in plan order with owner, due date
and status; editors change them (audited, CSRF), viewers and other teams cannot; CSV; API."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from parth import PAGE, WORKLOAD, assert_escaped, csrf_in, upload
from webpeople import HOSTILE, People, login

from mllens.review.backlog import COLUMNS
from mllens.store import Store
from mllens.store.access import audit_log
from mllens.store.plan_items import plan_states
from mllens.web.backlog import item_key
from mllens.web.current import current_review


@pytest.fixture
def uploaded(client: TestClient, people: People, scan_json: dict[str, Any]) -> None:
    upload(client, people, scan_json)


def _items(client: TestClient, people: People, who: str = "edie") -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/workloads/{WORKLOAD}/backlog", headers=people.auth(f"{who}:read"))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()
    return items


def test_the_backlog_is_the_plan_in_order_with_open_items(client: TestClient, people: People,
                                                          uploaded: None, store: Store) -> None:
    items = _items(client, people)
    assert items and [i["rank"] for i in items] == list(range(1, len(items) + 1))
    assert {i["status"] for i in items} == {"open"}
    assert all(set(COLUMNS) <= set(i) for i in items)
    answer = [i for i in items if i["kind"] == "answer"]
    assert answer and answer[0]["item"] == f"answer:{answer[0]['risk']}"
    plan = current_review(store, workload=WORKLOAD, detail=True).plan  # type: ignore[union-attr]
    assert [(i["rank"], i["practice"], i["title"]) for i in items] == [(s.rank, s.practice, s.title) for s in plan]


def test_an_editor_sets_owner_due_and_status_and_it_is_audited(client: TestClient, people: People,
                                                               uploaded: None, store: Store) -> None:
    item = _items(client, people)[0]
    csrf = login(client, "edie")
    page = client.get(PAGE + "/backlog")
    assert page.status_code == 200 and item["title"] in page.text
    response = client.post(PAGE + "/backlog", data={"csrf": csrf_in(page.text), "item": item["item"],
                                                  "owner": HOSTILE, "due": "2027-01-31", "status": "in_progress"},
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith("/backlog#" + item["item"]
                                                                                 .replace(":", "%3A"))
    state = plan_states(store, workload=WORKLOAD)[item["item"]]
    assert (state.owner, state.due.isoformat() if state.due else None, state.status, state.updated_by) == (
        HOSTILE, "2027-01-31", "in_progress", "edie")
    changes = {(e.field, e.old_value, e.new_value, e.item) for e in audit_log(store, workload=WORKLOAD)}
    assert ("plan owner", None, HOSTILE, item["item"]) in changes
    assert ("plan status", "open", "in_progress", item["item"]) in changes
    assert ("plan due", None, "2027-01-31", item["item"]) in changes
    again = client.get(PAGE + "/backlog")
    assert_escaped(again.text)
    assert "&lt;script&gt;" in again.text and 'value="2027-01-31"' in again.text
    assert csrf  # the login gave a session


def test_the_backlog_refuses_bad_values_and_forms_without_csrf(client: TestClient, people: People,
                                                               uploaded: None, store: Store) -> None:
    item = _items(client, people)[0]["item"]
    login(client, "edie")
    csrf = csrf_in(client.get(PAGE + "/backlog").text)
    for data in ({"item": item, "status": "finished"}, {"item": item, "due": "next week"},
                 {"item": "MLNOPE01-BP01", "status": "open"}):
        response = client.post(PAGE + "/backlog", data={"csrf": csrf, **data})
        assert response.status_code == 422, data
    assert client.post(PAGE + "/backlog", data={"item": item, "status": "done"}).status_code == 403
    assert client.post(PAGE + "/backlog", data={"csrf": "forged", "item": item, "status": "done"}).status_code == 403
    assert plan_states(store, workload=WORKLOAD) == {}


def test_viewers_and_other_teams_cannot_change_the_backlog(client: TestClient, people: People,
                                                           uploaded: None) -> None:
    item = _items(client, people)[0]["item"]
    login(client, "vic")
    page = client.get(PAGE + "/backlog")
    assert page.status_code == 200 and 'action="/workloads/fraud-detection/backlog"' not in page.text
    refused = client.post(PAGE + "/backlog", data={"csrf": csrf_in(page.text), "item": item, "status": "done"})
    assert refused.status_code == 403
    login(client, "otto")
    assert client.get(PAGE + "/backlog").status_code == 403
    assert client.get(PAGE + "/backlog.csv").status_code == 403


def test_the_backlog_csv_has_the_plan_columns_and_the_state(client: TestClient, people: People,
                                                            uploaded: None, store: Store) -> None:
    items = _items(client, people)
    put = client.put(f"/api/v1/workloads/{WORKLOAD}/backlog/{items[0]['item']}", headers=people.auth("edie:upload"),
                     json={"owner": "=HYPERLINK(1)", "due": "2027-02-01", "status": "done"})
    assert put.status_code == 200 and put.json()["status"] == "done" and put.json()["owner"] == "=HYPERLINK(1)"
    login(client, "vic")
    response = client.get(PAGE + "/backlog.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == [*COLUMNS, "item", "status", "updated_by"]
    assert [r["item"] for r in rows] == [i["item"] for i in items]
    assert (rows[0]["owner"], rows[0]["due"], rows[0]["status"], rows[0]["updated_by"]) == (
        "'=HYPERLINK(1)", "2027-02-01", "done", "edie")


def test_the_backlog_api_checks_scope_team_and_role(client: TestClient, people: People, uploaded: None) -> None:
    item = _items(client, people)[0]["item"]
    url = f"/api/v1/workloads/{WORKLOAD}/backlog"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=people.auth("edie:upload")).status_code == 403
    assert client.get(url, headers=people.auth("otto:read")).status_code == 403
    body = {"status": "wont_do"}
    assert client.put(f"{url}/{item}", headers=people.auth("edie:read"), json=body).status_code == 403
    assert client.put(f"{url}/{item}", headers=people.auth("vic:upload"), json=body).status_code == 403
    assert client.put(f"{url}/{item}", headers=people.auth("otto:upload"), json=body).status_code == 403
    bad = client.put(f"{url}/{item}", headers=people.auth("edie:upload"), json={"status": "closed"})
    assert bad.status_code == 422 and bad.json()["field"] == "body.status"
    nul = client.put(f"{url}/{item}", headers=people.auth("edie:upload"), json={"owner": "a\u0000b"})
    assert nul.status_code == 422 and nul.json()["field"] == "body.owner"
    unknown = client.put(f"{url}/MLNOPE01-BP01", headers=people.auth("edie:upload"), json=body)
    assert unknown.status_code == 422 and unknown.json()["field"] == "path.item"
    assert client.put(f"{url}/{item}", headers=people.auth("admin:upload"), json=body).status_code == 200


def test_item_keys_name_the_practice_and_check(scan_json: dict[str, Any]) -> None:
    from mllens.lens.model import Risk
    from mllens.review.model import PlanStep, PracticeStatus

    base = PlanStep(rank=1, practice="MLSEC03-BP02", question="MLSEC03", pillar="security", phase=None,
                    title="t", risk_now=Risk.HIGH, risk_after=Risk.NONE, status=PracticeStatus.MISSING)
    assert item_key(base) == "MLSEC03-BP02"
    assert item_key(base.model_copy(update={"kind": "fix", "checks": ["encryption_at_rest"]})) == (
        "MLSEC03-BP02:encryption_at_rest")
    assert item_key(base.model_copy(update={"kind": "answer", "practice": "", "risk_now": Risk.MEDIUM})) == (
        "answer:MEDIUM")
