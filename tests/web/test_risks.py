"""Accepting a risk in the app (web.risks) and answering not applicable with a reason: by
role, with and without the CSRF token, shown on the page and in the API, audit-logged, and
an acceptance that ran out shown as lapsed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from webpeople import HOSTILE, People, login

from mllens.store import Store
from mllens.store.access import audit_log, get_user
from mllens.store.sync import acceptances_of, set_acceptance

PAGE = "/workloads/fraud-detection"
RISKS = PAGE + "/risks"
FUTURE = (dt.date.today() + dt.timedelta(days=60)).isoformat()


@pytest.fixture
def uploaded(client: TestClient, people: People, scan_json: dict[str, Any]) -> None:
    assert client.post("/api/v1/workloads/fraud-detection/scans", headers=people.auth("edie:upload"),
                       json=scan_json).status_code == 201


def _missing(client: TestClient, csrf: str, practice: str) -> None:
    response = client.post(PAGE + "/answers", data={"csrf": csrf, "practice": practice, "status": "missing"},
                           follow_redirects=False)
    assert response.status_code == 303


def _accept(client: TestClient, csrf: str, **fields: str) -> Any:
    data = {"csrf": csrf, "question": "MLOPS01", "practice": "*", "owner": "ana", "expires": FUTURE,
            "reason": HOSTILE, **fields}
    return client.post(RISKS, data=data, follow_redirects=False)


def test_an_editor_accepts_a_question_s_risk_and_sees_it(
    client: TestClient, people: People, store: Store, uploaded: None
) -> None:
    csrf = login(client, "edie")
    _missing(client, csrf, "MLOPS01-BP02")
    page = client.get(PAGE).text
    assert 'action="/workloads/fraud-detection/risks"' in page
    assert 'Accept the risk<span class="sr"> of MLOPS01' in page
    response = _accept(client, csrf)
    assert response.status_code == 303 and response.headers["location"].endswith("#MLOPS01-BP02")
    page = client.get(PAGE).text
    assert f"<strong>Risk accepted</strong> by ana until {FUTURE}: &lt;script&gt;" in page and HOSTILE not in page
    assert f"accepted until {FUTURE}, owner ana" in page  # beside the question's risk
    review = client.get("/api/v1/workloads/fraud-detection/review", headers=people.auth("vic:read")).json()
    assert review["accepted_risks"] == [{"practice": "MLOPS01-BP02", "reason": HOSTILE, "owner": "ana",
                                         "expires": FUTURE}]
    entry = audit_log(store, workload="fraud-detection")[0]
    assert (entry.user, entry.practice, entry.field, entry.old_value, entry.new_value) == (
        "edie", "MLOPS01-BP02", "accepted", None, f"ana until {FUTURE}: {HOSTILE}")
    withdrawn = client.post(RISKS, data={"csrf": csrf, "practice": "MLOPS01-BP02", "withdraw": "1"},
                            follow_redirects=False)
    assert withdrawn.status_code == 303 and "Risk accepted" not in client.get(PAGE).text
    entry = audit_log(store, workload="fraud-detection")[0]
    assert (entry.field, entry.old_value, entry.new_value) == ("accepted", f"ana until {FUTURE}: {HOSTILE}", None)
    assert client.get("/api/v1/workloads/fraud-detection/review",
                      headers=people.auth("vic:read")).json()["accepted_risks"] == []


def test_viewers_other_teams_and_forms_without_csrf_are_refused(
    client: TestClient, people: People, store: Store, uploaded: None
) -> None:
    csrf = login(client, "vic")
    assert 'action="/workloads/fraud-detection/risks"' not in client.get(PAGE).text
    assert _accept(client, csrf, practice="MLOPS01-BP01").status_code == 403
    client.cookies.clear()
    csrf = login(client, "otto")
    assert _accept(client, csrf, practice="MLOPS01-BP01").status_code == 403
    client.cookies.clear()
    login(client, "edie")
    assert _accept(client, "", practice="MLOPS01-BP01").status_code == 403
    assert _accept(client, "forged", practice="MLOPS01-BP01").status_code == 403
    assert acceptances_of(store, workload="fraud-detection") == {}


@pytest.mark.parametrize("fields,message", [
    ({"expires": "2020-01-01"}, "has passed"),
    ({"expires": "next week"}, "as a date"),
    ({"owner": " "}, "needs an owner"),
    ({"practice": "MLXX01-BP01"}, "is not part of"),
    ({"question": "MLSEC01"}, "no missing or partial practice"),
])
def test_a_bad_acceptance_is_422(client: TestClient, people: People, uploaded: None,
                                 fields: dict[str, str], message: str) -> None:
    csrf = login(client, "edie")
    _missing(client, csrf, "MLOPS01-BP02")
    response = _accept(client, csrf, **fields)
    assert response.status_code == 422 and message in response.text


def test_an_expired_acceptance_shows_as_lapsed(client: TestClient, people: People, store: Store,
                                               uploaded: None) -> None:
    csrf = login(client, "edie")
    _missing(client, csrf, "MLOPS01-BP02")
    past = dt.date.today() - dt.timedelta(days=1)
    set_acceptance(store, user=get_user(store, name="edie"), workload="fraud-detection", practice="MLOPS01-BP02",
                   owner="ana", expires=past, reason="until the audit")
    page = client.get(PAGE).text
    assert f"<strong>Acceptance lapsed</strong> on {past.isoformat()} (owner ana)" in page
    assert f"acceptance expired {past.isoformat()}, owner ana" in page and "Risk accepted" not in page
    assert 'class="acceptance lapsed"' in page


def test_not_applicable_with_a_reason_is_saved_shown_and_audited(
    client: TestClient, people: People, store: Store, uploaded: None
) -> None:
    csrf = login(client, "edie")
    data = {"csrf": csrf, "practice": "MLSEC05-BP01", "status": "not_applicable", "reason": "out_of_scope",
            "notes": "no PII in this model"}
    assert client.post(PAGE + "/answers", data=data, follow_redirects=False).status_code == 303
    page = client.get(PAGE).text
    assert "not_applicable (out of scope): no PII in this model" in page
    assert '<option value="out_of_scope" selected>' in page
    fields = {(e.field, e.new_value) for e in audit_log(store, workload="fraud-detection")}
    assert ("reason", "out_of_scope") in fields
    view = client.get("/api/v1/workloads/fraud-detection/sync", headers=people.auth("vic:read")).json()
    assert view["app"]["MLSEC05-BP01"]["reason"] == "out_of_scope"
    bad = client.post(PAGE + "/answers", data={**data, "reason": "because"}, follow_redirects=False)
    assert bad.status_code == 422 and "Expected a reason of" in bad.text


def test_a_question_is_marked_not_applicable_with_a_reason(
    client: TestClient, people: People, store: Store, uploaded: None
) -> None:
    data = {"question": "MLPERF05", "applicable": "no", "reason": "architecture_constraints",
            "notes": "no edge devices"}
    csrf = login(client, "vic")
    assert 'action="/workloads/fraud-detection/questions"' not in client.get(PAGE).text
    assert client.post(PAGE + "/questions", data={**data, "csrf": csrf}, follow_redirects=False).status_code == 403
    client.cookies.clear()
    csrf = login(client, "edie")
    assert client.post(PAGE + "/questions", data=data, follow_redirects=False).status_code == 403  # no CSRF token
    saved = client.post(PAGE + "/questions", data={**data, "csrf": csrf}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].endswith("#q-MLPERF05")
    page = client.get(PAGE).text
    assert "Not applicable to this workload (architecture constraints): no edge devices" in page
    review = client.get("/api/v1/workloads/fraud-detection/review", headers=people.auth("vic:read")).json()
    assert next(q["risk"] for q in review["questions"] if q["id"] == "MLPERF05") == "NOT_APPLICABLE"
    view = client.get("/api/v1/workloads/fraud-detection/sync", headers=people.auth("vic:read")).json()
    assert view["app"]["MLPERF05"] == {"status": "not_applicable", "checks": {}, "notes": "no edge devices",
                                       "reason": "architecture_constraints", "accepted": None}
    entry = audit_log(store, workload="fraud-detection")
    assert {(e.practice, e.field, e.new_value) for e in entry} >= {
        ("MLPERF05", "status", "not_applicable"), ("MLPERF05", "reason", "architecture_constraints")}
    again = client.post(PAGE + "/questions", data={**data, "csrf": csrf, "applicable": "yes", "reason": ""},
                        follow_redirects=False)
    assert again.status_code == 303 and "Applies to this workload: no edge devices" in client.get(PAGE).text
    bad = client.post(PAGE + "/questions", data={**data, "csrf": csrf, "question": "MLXX01"}, follow_redirects=False)
    assert bad.status_code == 422
