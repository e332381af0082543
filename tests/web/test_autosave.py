"""Answers saved as they are given, over HTTP: the page's CSP allows the app's own script
and nothing else, the script is served from the package, a save sent by the script is
answered 204 (the form post keeps its redirect), and the script is only on an editor's page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from webpeople import OUR_SCRIPT, People, login

from mllens.store import Store
from mllens.store.sessions import answers_of
from mllens.web.review_sync import REASONS

PAGE = "/workloads/fraud-detection"
AUTOSAVE = {"X-Mllens-Autosave": "1"}
REASON = REASONS[0]


@pytest.fixture
def uploaded(client: TestClient, people: People, scan_json: dict[str, Any]) -> None:
    response = client.post(f"/api/v1{PAGE}/scans", headers=people.auth("edie:upload"), json=scan_json)
    assert response.status_code == 201


def test_the_csp_allows_only_the_apps_own_scripts(client: TestClient, people: People, uploaded: None) -> None:
    login(client, "edie")
    page = client.get(PAGE)
    csp = page.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "connect-src 'self';" in csp and "default-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert page.text.count("<script") == 1 and OUR_SCRIPT in page.text  # no inline script
    script = client.get("/static/answers.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "form.answer-form" in script.text and "fetch(" in script.text


def test_a_viewer_gets_no_script(client: TestClient, people: People, uploaded: None) -> None:
    login(client, "vic")
    assert "<script" not in client.get(PAGE).text  # nothing to save


def test_a_save_from_the_script_is_204_and_the_form_post_still_redirects(
    client: TestClient, people: People, uploaded: None, store: Store
) -> None:
    csrf = login(client, "edie")
    saved = client.post(PAGE + "/answers", headers=AUTOSAVE, follow_redirects=False,
                        data={"csrf": csrf, "practice": "MLOPS01-BP02", "status": "partial"})
    assert saved.status_code == 204 and saved.content == b""
    assert answers_of(store, workload="fraud-detection")["MLOPS01-BP02"].status == "partial"
    posted = client.post(PAGE + "/answers", follow_redirects=False,
                         data={"csrf": csrf, "practice": "MLOPS01-BP02", "status": "missing", "by": "phase"})
    assert posted.status_code == 303 and posted.headers["location"] == PAGE + "?by=phase#MLOPS01-BP02"
    assert answers_of(store, workload="fraud-detection")["MLOPS01-BP02"].status == "missing"


def test_a_refused_save_from_the_script_gets_the_error_page_the_script_reads(
    client: TestClient, people: People, uploaded: None, store: Store
) -> None:
    csrf = login(client, "edie")
    stale = client.post(PAGE + "/answers", headers=AUTOSAVE, data={"csrf": "stale", "practice": "MLOPS01-BP02",
                                                                   "status": "partial"})
    assert stale.status_code == 403
    first = re.search(r"<main[^>]*>.*?<p>(.*?)</p>", stale.text, re.S)
    assert first is not None and first.group(1).startswith("This form is out of date")  # answers.js shows it
    wrong = client.post(PAGE + "/answers", headers=AUTOSAVE, data={"csrf": csrf, "practice": "MLOPS01-BP02",
                                                                   "status": "maybe"})
    assert wrong.status_code == 422 and "Expected a status of" in wrong.text
    assert "MLOPS01-BP02" not in answers_of(store, workload="fraud-detection")


def test_a_question_s_own_answer_saved_from_the_script_is_204(
    client: TestClient, people: People, uploaded: None, store: Store
) -> None:
    csrf = login(client, "edie")
    saved = client.post(PAGE + "/questions", headers=AUTOSAVE, follow_redirects=False,
                        data={"csrf": csrf, "question": "MLOPS01", "applicable": "no", "reason": REASON})
    assert saved.status_code == 204
    assert answers_of(store, workload="fraud-detection")["MLOPS01"].status == "not_applicable"
    posted = client.post(PAGE + "/questions", follow_redirects=False,
                         data={"csrf": csrf, "question": "MLOPS01", "applicable": "yes"})
    assert posted.status_code == 303 and posted.headers["location"].endswith("#q-MLOPS01")


def test_backlog_items_and_milestones_sent_by_the_script_get_204(client: TestClient, people: People,
                                                                 uploaded: None, store: Store) -> None:
    from mllens.store import list_milestones
    from mllens.store.plan_items import plan_states

    csrf = login(client, "edie")
    backlog = client.get(PAGE + "/backlog").text
    assert OUR_SCRIPT in backlog and 'class="save-state"' in backlog
    item = re.search(r'name="item" value="([^"]+)"', backlog)
    assert item is not None
    fields = {"csrf": csrf, "item": item.group(1), "owner": "ana", "status": "in_progress"}
    saved = client.post(PAGE + "/backlog", data=fields, headers=AUTOSAVE, follow_redirects=False)
    assert saved.status_code == 204 and saved.text == ""
    assert plan_states(store, workload="fraud-detection")[item.group(1)].owner == "ana"
    posted = client.post(PAGE + "/backlog", data={**fields, "owner": "otto"}, follow_redirects=False)
    assert posted.status_code == 303  # the form post without the script keeps its redirect
    milestone = client.post(PAGE + "/milestones", data={"csrf": csrf, "milestone": "m1"}, headers=AUTOSAVE,
                            follow_redirects=False)
    assert milestone.status_code == 204
    again = client.post(PAGE + "/milestones", data={"csrf": csrf, "milestone": "m1"}, headers=AUTOSAVE)
    assert again.status_code == 409 and "Milestone not saved" in again.text
    assert client.post(PAGE + "/milestones", data={"csrf": csrf, "milestone": "m2"},
                       follow_redirects=False).status_code == 303
    assert [m.name for m in list_milestones(store, workload="fraud-detection")] == ["m1", "m2"]
    login(client, "vic")
    assert OUR_SCRIPT not in client.get(PAGE + "/backlog").text  # a viewer has no form to save
