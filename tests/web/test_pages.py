"""The pages over HTTP: login and logout, CSRF, the login limit, the portfolio and its CSV,
the review walked by pillar and phase, answers by role, and escaping of project text."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from webpeople import HOSTILE, OUR_SCRIPT, PASSWORD, People

from mllens.store import Store, get_workload
from mllens.store.access import audit_log
from mllens.store.sessions import answers_of

PAGE = "/workloads/fraud-detection"


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, html[:500]
    return found.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD, *, next_path: str = "/") -> Any:
    form = client.get("/login")
    return client.post("/login", data={"name": name, "password": password, "csrf": _csrf(form.text),
                                       "next": next_path}, follow_redirects=False)


@pytest.fixture
def uploaded(client: TestClient, people: People, scan_json: dict[str, Any]) -> None:
    hostile = {**scan_json, "workload": {**scan_json["workload"], "owner": HOSTILE}}
    response = client.post("/api/v1/workloads/fraud-detection/scans", headers=people.auth("edie:upload"),
                           json=hostile)
    assert response.status_code == 201


def test_pages_need_a_login(client: TestClient, people: People) -> None:
    for path in ("/", "/portfolio.csv", PAGE):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


def test_login_sets_a_safe_session_cookie_and_logout_ends_it(client: TestClient, people: People) -> None:
    response = login(client, "edie", next_path="/?team=fraud")
    assert response.status_code == 303 and response.headers["location"] == "/?team=fraud"
    cookie = response.headers["set-cookie"]
    assert "mllens_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # the test app serves localhost
    home = client.get("/")
    assert home.status_code == 200 and "edie · editor · fraud" in home.text
    assert client.post("/logout", data={"csrf": _csrf(home.text)}, follow_redirects=False).status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_the_cookie_is_secure_off_localhost(store: Store, people: People) -> None:
    from mllens.web.app import create_app

    with TestClient(create_app(store=store, secure_cookies=True), base_url="https://mllens.example") as secure:
        response = login(secure, "edie")
    assert "Secure" in response.headers["set-cookie"]


def test_a_wrong_password_and_an_open_redirect_are_refused(client: TestClient, people: People) -> None:
    wrong = login(client, "edie", "not the password")
    assert wrong.status_code == 401 and "Unknown name or wrong password." in wrong.text
    assert login(client, "nobody").status_code == 401
    outside = login(client, "edie", next_path="//evil.example/")
    assert outside.headers["location"] == "/"


def test_logins_are_rate_limited(client: TestClient, people: People) -> None:
    for _ in range(5):
        assert login(client, "vic", "wrong password").status_code == 401
    blocked = login(client, "vic")  # even the right password, while blocked
    assert blocked.status_code == 429 and "Too many failed logins" in blocked.text
    assert login(client, "edie").status_code == 303  # another name is not blocked


def test_forms_without_the_csrf_token_are_refused(client: TestClient, people: People, uploaded: None,
                                                  store: Store) -> None:
    no_token = client.post("/login", data={"name": "edie", "password": PASSWORD}, follow_redirects=False)
    assert no_token.status_code == 403 and "CSRF" in no_token.text
    login(client, "edie")
    answer = client.post(PAGE + "/answers", data={"practice": "MLOPS01-BP01", "status": "missing"},
                         follow_redirects=False)
    assert answer.status_code == 403
    forged = client.post(PAGE + "/answers", data={"practice": "MLOPS01-BP01", "status": "missing", "csrf": "x"})
    assert forged.status_code == 403
    assert client.post("/logout", data={}, follow_redirects=False).status_code == 403
    assert answers_of(store, workload="fraud-detection") == {}


def test_the_portfolio_shows_the_teams_workloads_with_filters(client: TestClient, people: People,
                                                              uploaded: None, scan_json: dict[str, Any]) -> None:
    login(client, "vic")
    page = client.get("/")
    high = scan_json["summary"]["risk_counts"]["HIGH"]
    assert 'href="/workloads/fraud-detection"' in page.text
    assert f'<td class="num" data-label="High">{high}</td>' in page.text
    # the mini risk map: 6 x 6 squares, one per question, and reliability's empty business-goal cell
    assert page.text.count('<span class="risk-') == 36 and page.text.count('<span class="risk-empty">') == 1
    assert "fraud-detection" not in client.get("/?team=other").text
    assert "fraud-detection" in client.get("/?environment=prod&team=fraud").text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    rows = list(csv.reader(io.StringIO(client.get("/portfolio.csv").text)))
    assert rows[0][:5] == ["workload", "team", "owner", "environment", "last_scan"]
    assert rows[1][:4] == ["fraud-detection", "fraud", HOSTILE, "prod"] and rows[1][5] == str(high)


def test_other_teams_see_nothing_of_the_workload(client: TestClient, people: People, uploaded: None) -> None:
    login(client, "otto")
    assert "fraud-detection" not in client.get("/").text
    assert client.get(PAGE).status_code == 403
    assert len(list(csv.reader(io.StringIO(client.get("/portfolio.csv").text)))) == 1
    assert client.get("/workloads/nope").status_code == 404


@pytest.mark.parametrize("by,first", [("pillar", "Operational excellence"), ("phase", "Business goal")])
def test_the_review_is_walked_by_pillar_or_phase(client: TestClient, people: People, uploaded: None,
                                                 by: str, first: str) -> None:
    login(client, "vic")
    page = client.get(f"{PAGE}?by={by}")
    assert page.status_code == 200
    headings = re.findall(r'<h2 id="g\d+">([^<]+)</h2>', page.text)
    assert len(headings) == 6 and headings[0].lower() == first.lower()
    assert page.text.count('class="question"') == 35
    assert 'id="MLOPS01-BP01"' in page.text and "requirements.txt" in page.text


def test_editors_answer_and_the_change_is_audited(client: TestClient, people: People, uploaded: None,
                                                  store: Store) -> None:
    login(client, "edie")
    page = client.get(PAGE)
    saved = client.post(PAGE + "/answers", data={"csrf": _csrf(page.text), "practice": "MLOPS01-BP01",
                                                 "status": "partial", "notes": HOSTILE, "by": "phase"},
                        follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == PAGE + "?by=phase#MLOPS01-BP01"
    answer = answers_of(store, workload="fraud-detection")["MLOPS01-BP01"]
    assert (answer.status, answer.notes, answer.updated_by) == ("partial", HOSTILE, "edie")
    assert [(e.user, e.field, e.new_value) for e in audit_log(store, workload="fraud-detection")] == [
        ("edie", "notes", HOSTILE), ("edie", "status", "partial")]
    again = client.get(PAGE)
    assert "Answered in the app by edie" in again.text
    changes = again.text.split('id="audit"', 1)[1]
    row = '<td>edie</td><td><a href="#MLOPS01-BP01">MLOPS01-BP01</a></td><td>status</td><td></td><td>partial</td>'
    assert row in changes
    bad = client.post(PAGE + "/answers", data={"csrf": _csrf(page.text), "practice": "NOPE-BP01",
                                               "status": "partial"})
    assert bad.status_code == 422
    assert client.post(PAGE + "/answers", data={"csrf": _csrf(page.text), "practice": "MLOPS01-BP01",
                                                "status": "great"}).status_code == 422


def test_viewers_read_but_cannot_answer(client: TestClient, people: People, uploaded: None, store: Store) -> None:
    login(client, "vic")
    page = client.get(PAGE)
    assert "Save answer" not in page.text
    refused = client.post(PAGE + "/answers", data={"csrf": _csrf(page.text), "practice": "MLOPS01-BP01",
                                                   "status": "implemented"})
    assert refused.status_code == 403 and "Viewers read reviews" in refused.text
    assert answers_of(store, workload="fraud-detection") == {}


def test_admins_see_and_answer_every_workload(client: TestClient, people: People, uploaded: None) -> None:
    login(client, "admin")
    assert "fraud-detection" in client.get("/").text
    assert "Save answer" in client.get(PAGE).text


def test_project_text_and_answers_are_escaped_everywhere(client: TestClient, people: People, uploaded: None,
                                                         store: Store) -> None:
    assert get_workload(store, name="fraud-detection").owner == HOSTILE
    login(client, "edie")
    page = client.get(PAGE)
    client.post(PAGE + "/answers", data={"csrf": _csrf(page.text), "practice": "MLOPS01-BP01", "notes": HOSTILE})
    for html in (client.get("/").text, client.get(PAGE).text, client.get(PAGE + "?by=phase").text):
        assert HOSTILE not in html and "<script" not in html.replace(OUR_SCRIPT, "")
    assert "&lt;script&gt;" in client.get(PAGE).text


def test_the_stylesheet_is_served_from_the_package(client: TestClient) -> None:
    css = client.get("/static/app.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "--high-bg: #b42318" in css.text and ".minimap" in css.text
