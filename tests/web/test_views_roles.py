"""The views by role over HTTP and the API: what each selects comes from the lens
(roles.yaml checked against it), every role of the team reads them, other teams do not,
evidence links into the repository once its URL is set, project text stays escaped."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from parth import PAGE, WORKLOAD, assert_escaped, upload
from webpeople import People, login

from mllens.lens.load import load_shipped_lens
from mllens.store import Store
from mllens.store.access import get_user
from mllens.store.admin import set_workload_settings
from mllens.web.views_roles import check_against, role_views

ROLES = ("business", "risk", "engineer")


@pytest.fixture
def uploaded(client: TestClient, people: People, scan_json: dict[str, Any]) -> None:
    upload(client, people, scan_json)


def test_roles_yaml_names_only_what_the_lens_has() -> None:
    views = role_views()
    assert set(views) == set(ROLES)
    assert check_against(load_shipped_lens(), views) == []
    assert views["business"].questions.phases == ["business_goal"]
    assert "security" in views["risk"].questions.pillars


def test_check_against_reports_unknown_ids() -> None:
    wrong = role_views()["business"].model_copy(update={"questions": role_views()["business"].questions.model_copy(
        update={"pillars": ["nope"]})})
    assert check_against(load_shipped_lens(), {"x": wrong}) == ["x: pillar nope"]


@pytest.mark.parametrize("who", ["edie", "vic", "admin"])
def test_every_role_of_the_team_reads_every_view(client: TestClient, people: People, uploaded: None,
                                                 who: str) -> None:
    login(client, who)
    for role in ROLES:
        page = client.get(f"{PAGE}/view/{role}")
        assert page.status_code == 200, (role, page.text[:300])
        assert_escaped(page.text)
    assert client.get(f"{PAGE}/view/finance").status_code == 404


def test_other_teams_and_anonymous_users_are_refused(client: TestClient, people: People, uploaded: None) -> None:
    assert client.get(f"{PAGE}/view/risk", follow_redirects=False).status_code == 303
    login(client, "otto")
    assert client.get(f"{PAGE}/view/risk").status_code == 403
    assert client.get("/workloads/nope/view/risk").status_code == 404


def test_the_business_view_picks_business_goal_and_cost_questions(client: TestClient, people: People,
                                                                  uploaded: None) -> None:
    data = client.get(f"/api/v1/workloads/{WORKLOAD}/view/business", headers=people.auth("vic:read")).json()
    lens = load_shipped_lens()
    wanted = {q.id for q in lens.questions if q.phase == "business_goal" or q.pillar == "cost_optimization"}
    assert {q["id"] for q in data["questions"]} == wanted
    assert [p["id"] for p in data["practices"]] == role_views()["business"].practices.ids  # type: ignore[union-attr]
    assert data["trend"][-1]["label"] == "now" and data["audit"] == [] and data["evidence"] == []


def test_the_risk_view_shows_security_accepted_risks_and_the_audit_log(client: TestClient, people: People,
                                                                       uploaded: None, store: Store) -> None:
    csrf = login(client, "edie")
    client.post(PAGE + "/answers", data={"csrf": csrf, "practice": "MLSEC01-BP01", "status": "missing"})
    data = client.get(f"/api/v1/workloads/{WORKLOAD}/view/risk", headers=people.auth("edie:read")).json()
    assert {q["pillar"] for q in data["questions"]} == {"security"}
    assert {"MLREL03-BP04", "MLPERF06-BP02"} <= {p["id"] for p in data["practices"]}
    assert [(e["practice"], e["field"], e["new_value"]) for e in data["audit"]] == [
        ("MLSEC01-BP01", "status", "missing")]
    page = client.get(f"{PAGE}/view/risk")
    assert "Accepted risks" in page.text and "Bias and explainability" in page.text and "MLSEC01-BP01" in page.text


def test_accepted_risks_say_when_they_expire(client: TestClient, people: People, scan_json: dict[str, Any],
                                             store: Store) -> None:
    from mllens.answers.model import AcceptedRisk
    from mllens.web.current import current_review
    from mllens.web.views_roles import build_view

    upload(client, people, scan_json)
    review = current_review(store, workload=WORKLOAD, detail=True)
    assert review is not None
    accepted = [AcceptedRisk(practice="MLSEC03-BP02", reason="legacy", owner="ana", expires=dt.date(2027, 1, 10)),
                AcceptedRisk(practice="MLSEC05-BP01", reason="soon", owner="bo", expires=dt.date(2027, 2, 1))]
    data = build_view(store, workload=WORKLOAD, role="risk", review=review.model_copy(
        update={"accepted_risks": accepted}), today=dt.date(2027, 1, 20))
    assert [(a["practice"], a["expired"], a["days_left"]) for a in data.accepted] == [
        ("MLSEC03-BP02", True, -10), ("MLSEC05-BP01", False, 12)]


def test_the_engineer_view_links_evidence_once_the_repository_is_known(client: TestClient, people: People,
                                                                       uploaded: None, store: Store) -> None:
    url = f"/api/v1/workloads/{WORKLOAD}/view/engineer"
    data = client.get(url, headers=people.auth("edie:read")).json()
    assert data["evidence"], "the test scan has evidence for questions at risk"
    assert all(e["link"] is None for e in data["evidence"])
    assert {q["risk"] for q in data["questions"]} <= {"HIGH", "MEDIUM", "UNANSWERED"}
    admin = get_user(store, name="admin")
    set_workload_settings(store, by=admin, workload=WORKLOAD, team="fraud", owner=None, environment="prod",
                          repository_url="https://github.com/acme/fraud")
    data = client.get(url, headers=people.auth("edie:read")).json()
    first = data["evidence"][0]
    assert first["link"] == f"https://github.com/acme/fraud/blob/HEAD/{first['file']}" + (
        f"#L{first['line']}" if first["line"] else "")
    login(client, "edie")
    assert f'href="{first["link"]}"' in client.get(f"{PAGE}/view/engineer").text


def test_the_view_api_checks_token_scope_and_team(client: TestClient, people: People, uploaded: None) -> None:
    url = f"/api/v1/workloads/{WORKLOAD}/view/risk"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=people.auth("edie:upload")).status_code == 403
    assert client.get(url, headers=people.auth("otto:read")).status_code == 403
    assert client.get(f"/api/v1/workloads/{WORKLOAD}/view/finance", headers=people.auth("edie:read")).status_code \
        == 422


def test_answers_and_audit_text_are_escaped_in_every_view(client: TestClient, people: People,
                                                          uploaded: None) -> None:
    """MLOPS01-BP02 is in the business and the risk view's practices: its notes show there,
    and in the audit log, escaped."""
    from webpeople import HOSTILE

    csrf = login(client, "edie")
    client.post(PAGE + "/answers", data={"csrf": csrf, "practice": "MLOPS01-BP02", "status": "partial",
                                         "notes": HOSTILE})
    for role in ("business", "risk"):
        html = client.get(f"{PAGE}/view/{role}").text
        assert_escaped(html)
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html, role


def test_the_engineer_view_lists_answers_the_files_contradict(client: TestClient, people: People,
                                                              uploaded: None, store: Store) -> None:
    from mllens.review.model import CheckState
    from mllens.web.current import current_review

    review = current_review(store, workload=WORKLOAD, detail=True)
    assert review is not None
    shown = next((p, c) for p in review.practices for c in p.checks
                 if c.evidence_state is CheckState.MET and review.question(p.question).risk.value != "NONE")
    practice, check = shown
    csrf = login(client, "edie")
    client.post(PAGE + "/answers", data={"csrf": csrf, "practice": practice.id, "checks": f"{check.id}=not_met"})
    data = client.get(f"/api/v1/workloads/{WORKLOAD}/view/engineer", headers=people.auth("edie:read")).json()
    assert {"practice": practice.id, "check": check.id, "text": check.text, "answer": "not_met",
            "files": "met"} in data["disagreements"]
    assert "Where the answers and the files disagree" in client.get(f"{PAGE}/view/engineer").text


def test_evidence_links_point_at_the_commit_the_uploaded_scan_read(client: TestClient, people: People,
                                                                  scan_json: dict[str, Any], store: Store) -> None:
    sha = "89abcdef0123456789abcdef0123456789abcdef"
    upload = f"/api/v1/workloads/{WORKLOAD}/scans"
    assert client.post(upload, params={"commit": "not a commit"}, headers=people.auth("edie:upload"),
                       json=scan_json).status_code == 422
    assert client.post(upload, params={"commit": sha.upper()}, headers=people.auth("edie:upload"),
                       json=scan_json).status_code == 201
    set_workload_settings(store, by=get_user(store, name="admin"), workload=WORKLOAD, team="fraud", owner=None,
                          environment="prod", repository_url="https://dev.azure.com/acme/ml/_git/fraud")
    data = client.get(f"/api/v1/workloads/{WORKLOAD}/view/engineer", headers=people.auth("edie:read")).json()
    first = data["evidence"][0]
    assert first["link"].startswith(f"https://dev.azure.com/acme/ml/_git/fraud?path=/{first['file']}&version=GC{sha}")
    backlog = client.get(f"/api/v1/workloads/{WORKLOAD}/backlog", headers=people.auth("edie:read")).json()
    links = [e["link"] for item in backlog for e in item["evidence"] if e["link"]]  # files in the repository
    assert links and all(f"version=GC{sha}" in link for link in links)
