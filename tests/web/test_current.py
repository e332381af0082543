"""The review the app shows is the uploaded scan merged with the app's answers: the
question risks, the API's review and the portfolio's counts follow each answer."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from webpeople import People, login

from mllens.answers.model import AnswersFile, PracticeAnswer, QuestionAnswer, Workload
from mllens.lens.load import load_shipped_lens
from mllens.review.evaluate import evaluate
from mllens.review.serialise import review_from_data
from mllens.scan.evidence import Evidence
from mllens.store.access import audit_log
from mllens.store.records import AnswerInfo
from mllens.store.sessions import answered_workloads
from mllens.web.current import merged_answers, uploaded_answers, with_answers

PAGE = "/workloads/fraud-detection"


def _question_risk(html: str, question: str) -> str:
    found = re.search(question + r' · [^<]*<span class="badge risk-[a-z-]+">([^<]+)</span>', html)
    assert found is not None, question
    return found.group(1)


def _api_risk(client: TestClient, people: People, question: str) -> str:
    data = client.get(f"{PAGE.replace('/workloads', '/api/v1/workloads')}/review",
                      headers=people.auth("vic:read")).json()
    return str(next(q["risk"] for q in data["questions"] if q["id"] == question))


def _high_count(client: TestClient, people: People) -> int:
    lines = client.get("/api/v1/workloads", headers=people.auth("vic:read")).json()
    return int(next(line["risk_counts"]["HIGH"] for line in lines if line["name"] == "fraud-detection"))


def _answer(client: TestClient, csrf: str, practice: str, status: str) -> None:
    response = client.post(PAGE + "/answers", data={"csrf": csrf, "practice": practice, "status": status},
                           follow_redirects=False)
    assert response.status_code == 303


def test_answers_in_the_app_change_the_risks_everywhere(client: TestClient, people: People,
                                                        scan_json: dict[str, Any]) -> None:
    assert client.post("/api/v1/workloads/fraud-detection/scans", headers=people.auth("edie:upload"),
                       json=scan_json).status_code == 201
    csrf = login(client, "edie")
    assert _question_risk(client.get(PAGE).text, "MLOPS01") == "UNANSWERED"
    assert _api_risk(client, people, "MLOPS01") == "UNANSWERED"
    highs = _high_count(client, people)
    _answer(client, csrf, "MLOPS01-BP02", "missing")  # a high-risk practice missing
    assert _question_risk(client.get(PAGE).text, "MLOPS01") == "HIGH"
    assert _api_risk(client, people, "MLOPS01") == "HIGH"
    assert _high_count(client, people) == highs + 1
    for practice in ("MLOPS01-BP02", "MLOPS01-BP03"):  # the mllens.yaml already implements BP01
        _answer(client, csrf, practice, "implemented")
    assert _question_risk(client.get(PAGE).text, "MLOPS01") == "NONE"
    assert _api_risk(client, people, "MLOPS01") == "NONE"
    assert _high_count(client, people) == highs


def test_the_app_answers_win_over_the_uploaded_ones(scan_json: dict[str, Any]) -> None:
    lens = load_shipped_lens()
    review = review_from_data(scan_json, lens=lens, file="scan.json")
    uploaded = uploaded_answers(review, lens=lens)
    assert uploaded.answers["MLOPS01-BP01"].status == "implemented"
    given = AnswerInfo(practice="MLOPS01-BP01", status="missing", notes="not yet", updated_by="edie",
                       updated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    merged = merged_answers(uploaded, {"MLOPS01-BP01": given})
    assert merged.answers["MLOPS01-BP01"] == PracticeAnswer(status="missing", notes="not yet")
    assert with_answers(review, {"MLOPS01-BP01": given}).practice("MLOPS01-BP01").status.value == "missing"
    # An answer given in the app replaces the file's whole answer (the form starts from the one shown).
    notes_only = given.model_copy(update={"status": None})
    assert with_answers(review, {"MLOPS01-BP01": notes_only}).practice("MLOPS01-BP01").status.value == "unknown"


@pytest.fixture
def evidence() -> list[Evidence]:
    lens = load_shipped_lens()
    practice = lens.practice("MLSEC03-BP02")
    return [Evidence(rule="t.rule", practice=practice.id, check=practice.checks[0].id, outcome="contradicts",
                     file="main.tf", line=3, message="no key", confidence=0.9)]


def test_the_answers_read_back_from_a_review_give_the_same_review(evidence: list[Evidence]) -> None:
    lens = load_shipped_lens()
    checks = lens.practice("MLOPS02-BP01").checks
    answers = AnswersFile(
        workload=Workload(name="w"),
        answers={
            "MLOPS02-BP01": PracticeAnswer(checks={c.id: "met" for c in checks}),
            "MLSEC03-BP02": PracticeAnswer(status="partial", notes="keys next quarter"),
            "MLSEC05-BP01": PracticeAnswer(status="not_applicable", reason="out_of_scope"),
        },
        questions={"MLPERF05": QuestionAnswer(applicable=False, notes="no training here")},
    )
    first = evaluate(lens, evidence, answers)
    again = evaluate(lens, evidence, uploaded_answers(first, lens=lens))
    assert [(q.id, q.risk) for q in again.questions] == [(q.id, q.risk) for q in first.questions]
    assert [(p.id, p.status, p.notes, p.na_reason) for p in again.practices] == [
        (p.id, p.status, p.notes, p.na_reason) for p in first.practices]


def test_workloads_with_answers_in_the_app_are_listed(client: TestClient, people: People,
                                                      scan_json: dict[str, Any], store: Any) -> None:
    assert client.post("/api/v1/workloads/fraud-detection/scans", headers=people.auth("edie:upload"),
                       json=scan_json).status_code == 201
    assert answered_workloads(store) == set()
    _answer(client, login(client, "edie"), "MLOPS01-BP02", "partial")
    assert answered_workloads(store) == {"fraud-detection"}


def test_an_editor_marks_a_practices_checks_met_and_the_risk_drops(
    client: TestClient, people: People, scan_json: dict[str, Any], store: Any
) -> None:
    assert client.post("/api/v1/workloads/fraud-detection/scans", headers=people.auth("edie:upload"),
                       json=scan_json).status_code == 201
    csrf = login(client, "edie")
    lens = load_shipped_lens()
    page = client.get(PAGE).text
    first = lens.practice("MLOPS01-BP02").checks[0].id
    assert f'<option value="{first}=met">met</option>' in page  # each check has its own choice
    _answer(client, csrf, "MLOPS01-BP02", "missing")
    highs = _high_count(client, people)
    for practice in ("MLOPS01-BP02", "MLOPS01-BP03"):
        checks = [f"{c.id}=met" for c in lens.practice(practice).checks]
        saved = client.post(PAGE + "/answers", data={"csrf": csrf, "practice": practice, "status": "",
                                                     "checks": checks}, follow_redirects=False)
        assert saved.status_code == 303
    assert _question_risk(client.get(PAGE).text, "MLOPS01") == "NONE"
    assert _api_risk(client, people, "MLOPS01") == "NONE"
    assert _high_count(client, people) == highs - 1
    assert ("checks", "edie") in {(e.field, e.user) for e in audit_log(store, workload="fraud-detection")}
    bad = client.post(PAGE + "/answers", data={"csrf": csrf, "practice": "MLOPS01-BP02",
                                               "checks": [f"{first}=great"]})
    assert bad.status_code == 422 and "met, not_met" in bad.text
    other = client.post(PAGE + "/answers", data={"csrf": csrf, "practice": "MLOPS01-BP02",
                                                 "checks": ["nope=met"]})
    assert other.status_code == 422
