"""The sync between an upload's mllens.yaml answers and the app's: the merge on upload, the
API `mllens pull` reads and writes (every role and scope), and the review page's view."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from webpeople import HOSTILE, People, login

from mllens.answers.model import PracticeAnswer, QuestionAnswer
from mllens.review.serialise import answers_data
from mllens.store import Store
from mllens.store.access import audit_log, get_user
from mllens.store.sessions import answers_of, set_answer

SCANS = "/api/v1/workloads/fraud-detection/scans"
SYNC = "/api/v1/workloads/fraud-detection/sync"
PAGE = "/workloads/fraud-detection"
FUTURE = (dt.date.today() + dt.timedelta(days=90)).isoformat()


def _body(scan_json: dict[str, Any], answers: dict[str, PracticeAnswer], *,
          risks: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """The scan as `mllens scan --upload` sends it: mllens.yaml's answers inside."""
    questions = {"MLPERF05": QuestionAnswer(applicable=False, notes="no edge devices")}
    return {**scan_json, "answers": answers_data(answers, questions), "accepted_risks": risks or []}


FIRST = {"MLOPS01-BP01": PracticeAnswer(status="implemented", notes="goal in docs/goal.md"),
         "MLOPS01-BP02": PracticeAnswer(status="missing")}


def _upload(client: TestClient, people: People, body: dict[str, Any]) -> Any:
    response = client.post(SCANS, headers=people.auth("edie:upload"), json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _app_answer(store: Store, practice: str, status: str, notes: str | None = None) -> None:
    set_answer(store, user=get_user(store, name="edie"), workload="fraud-detection", practice=practice,
               status=status, notes=notes)


def test_an_upload_keeps_the_file_s_notes_reasons_and_accepted_risks(
    client: TestClient, people: People, scan_json: dict[str, Any]
) -> None:
    risks = [{"practice": "MLOPS01-BP02", "owner": "ana", "expires": FUTURE, "reason": HOSTILE}]
    answers = {**FIRST, "MLSEC05-BP01": PracticeAnswer(status="not_applicable", reason="out_of_scope")}
    _upload(client, people, _body(scan_json, answers, risks=risks))
    review = client.get("/api/v1/workloads/fraud-detection/review", headers=people.auth("vic:read")).json()
    assert review["accepted_risks"] == risks
    view = client.get(SYNC, headers=people.auth("vic:read")).json()
    assert view["app"]["MLOPS01-BP01"] == {"status": "implemented", "checks": {}, "notes": "goal in docs/goal.md",
                                           "reason": None, "accepted": None}
    assert view["app"]["MLSEC05-BP01"]["reason"] == "out_of_scope"
    assert view["app"]["MLOPS01-BP02"]["accepted"]["owner"] == "ana" and view["conflicts"] == []
    login(client, "vic")
    page = client.get(PAGE).text
    assert f"<strong>Risk accepted</strong> by ana until {FUTURE}" in page and HOSTILE not in page
    assert "From mllens.yaml: implemented: goal in docs/goal.md" in page
    assert "MLOPS01 · " in page and f"accepted until {FUTURE}, owner ana" in page


def test_uploading_again_keeps_what_the_app_holds(
    client: TestClient, people: People, store: Store, scan_json: dict[str, Any]
) -> None:
    _upload(client, people, _body(scan_json, FIRST))
    _app_answer(store, "MLOPS01-BP02", "partial", "owner named, no runbook")
    again = _upload(client, people, _body(scan_json, FIRST))  # the file did not change
    assert again["conflicts"] == []
    assert answers_of(store, workload="fraud-detection")["MLOPS01-BP02"].status == "partial"
    view = client.get(SYNC, headers=people.auth("vic:read")).json()
    assert view["app"]["MLOPS01-BP02"]["status"] == "partial" and view["base"]["MLOPS01-BP02"]["status"] == "missing"
    # The file changes another practice: it reaches the app, audit-logged as the uploader's change.
    changed = {**FIRST, "MLOPS01-BP01": PracticeAnswer(status="partial", notes="ROI not measured")}
    _upload(client, people, _body(scan_json, changed))
    view = client.get(SYNC, headers=people.auth("vic:read")).json()
    assert view["app"]["MLOPS01-BP01"]["notes"] == "ROI not measured"
    assert view["app"]["MLOPS01-BP02"]["status"] == "partial"
    assert view["base"]["MLOPS01-BP01"]["notes"] == "ROI not measured"
    last = audit_log(store, workload="fraud-detection")[0]
    assert (last.user, last.practice, last.field) == ("edie", "MLOPS01-BP01", "answer")
    assert last.new_value == "partial, notes 'ROI not measured' (from mllens.yaml)"


def test_an_answer_changed_on_both_sides_is_a_conflict_the_app_keeps(
    client: TestClient, people: People, store: Store, scan_json: dict[str, Any]
) -> None:
    _upload(client, people, _body(scan_json, FIRST))
    _app_answer(store, "MLOPS01-BP02", "partial")
    clash = _upload(client, people, _body(scan_json, {**FIRST, "MLOPS01-BP02": PracticeAnswer(status="implemented")}))
    assert clash["conflicts"] == [{
        "practice": "MLOPS01-BP02", "file": {"status": "implemented", "checks": {}, "notes": None, "reason": None,
                                             "accepted": None},
        "app": {"status": "partial", "checks": {}, "notes": None, "reason": None, "accepted": None},
        "file_says": "implemented", "app_says": "partial"}]
    assert answers_of(store, workload="fraud-detection")["MLOPS01-BP02"].status == "partial"
    view = client.get(SYNC, headers=people.auth("vic:read")).json()
    assert [c["practice"] for c in view["conflicts"]] == ["MLOPS01-BP02"]
    login(client, "vic")
    assert "mllens.yaml says implemented; the app says partial" in client.get(PAGE).text
    # Uploading the app's answer (as `mllens pull --theirs` writes it) ends the conflict.
    agreed = _upload(client, people, _body(scan_json, {**FIRST, "MLOPS01-BP02": PracticeAnswer(status="partial")}))
    assert agreed["conflicts"] == []
    assert client.get(SYNC, headers=people.auth("vic:read")).json()["base"]["MLOPS01-BP02"]["status"] == "partial"


def test_who_may_read_and_write_the_sync(
    client: TestClient, people: People, store: Store, scan_json: dict[str, Any]
) -> None:
    _upload(client, people, _body(scan_json, FIRST))
    assert client.get(SYNC).status_code == 401
    for key in ("vic:read", "edie:read", "edie:upload", "admin:read"):
        assert client.get(SYNC, headers=people.auth(key)).status_code == 200, key
    assert client.get(SYNC, headers=people.auth("otto:read")).status_code == 403
    assert client.get(SYNC.replace("fraud-detection", "nope"), headers=people.auth("edie:read")).status_code == 404
    body = {"answers": {"MLOPS01-BP02": {"status": "implemented", "notes": "runbook in docs/"}}}
    assert client.post(SYNC, json=body).status_code == 401
    assert client.post(SYNC, json=body, headers=people.auth("edie:read")).status_code == 403  # scope
    assert client.post(SYNC, json=body, headers=people.auth("vic:upload")).status_code == 403  # viewer
    assert client.post(SYNC, json=body, headers=people.auth("otto:upload")).status_code == 403  # other team
    unknown = client.post(SYNC, json={"answers": {"MLXX99-BP01": None}}, headers=people.auth("edie:upload"))
    assert unknown.status_code == 422 and "MLXX99-BP01" in unknown.json()["detail"]
    taken = client.post(SYNC, json=body, headers=people.auth("edie:upload"))
    assert taken.status_code == 200 and taken.json()["app"]["MLOPS01-BP02"]["notes"] == "runbook in docs/"
    entry = audit_log(store, workload="fraud-detection")[0]
    assert (entry.user, entry.field, entry.old_value, entry.new_value) == (
        "edie", "answer", "missing", "implemented, notes 'runbook in docs/'")
    gone = client.post(SYNC, json={"answers": {"MLOPS01-BP01": None}}, headers=people.auth("edie:upload")).json()
    assert "MLOPS01-BP01" not in gone["app"]
