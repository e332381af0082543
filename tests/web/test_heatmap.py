"""The heat map of questions x workloads, the portfolio's pillar and phase filters and its
trend column, over HTTP and the API, for every role."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from parth import WORKLOAD, assert_escaped, upload
from webpeople import People, login

from mllens.lens.load import load_shipped_lens
from mllens.store import Store, save_milestone
from mllens.web.current import current_review
from mllens.web.heatmap import heat_map
from mllens.web.portfolio import Filters, filtered_portfolio


@pytest.fixture
def uploaded(client: TestClient, people: People, scan_json: dict[str, Any]) -> None:
    upload(client, people, scan_json)
    upload(client, people, scan_json, name="churn", who="otto")


def _risk_of(store: Store, workload: str, question: str) -> str:
    review = current_review(store, workload=workload)
    assert review is not None
    return review.question(question).risk.value  # type: ignore[union-attr]


def test_the_heat_map_counts_high_across_workloads_most_first(client: TestClient, people: People,
                                                              uploaded: None, store: Store) -> None:
    data = client.get("/api/v1/heatmap", headers=people.auth("admin:read")).json()
    assert data["workloads"] == ["churn", WORKLOAD]
    rows = data["rows"]
    assert len(rows) == len(load_shipped_lens().questions)
    assert [(r["HIGH"], r["MEDIUM"]) for r in rows] == sorted(((r["HIGH"], r["MEDIUM"]) for r in rows),
                                                              key=lambda hm: (-hm[0], -hm[1]))
    first = rows[0]
    assert first["risks"][WORKLOAD] == _risk_of(store, WORKLOAD, first["question"])
    assert first["HIGH"] == sum(1 for v in first["risks"].values() if v == "HIGH")


def test_a_team_sees_only_its_workloads_in_the_heat_map(client: TestClient, people: People, uploaded: None) -> None:
    assert client.get("/api/v1/heatmap", headers=people.auth("vic:read")).json()["workloads"] == [WORKLOAD]
    assert client.get("/api/v1/heatmap", headers=people.auth("otto:read")).json()["workloads"] == ["churn"]
    assert client.get("/api/v1/heatmap").status_code == 401
    assert client.get("/api/v1/heatmap", headers=people.auth("vic:upload")).status_code == 403
    login(client, "vic")
    page = client.get("/heatmap")
    assert page.status_code == 200 and WORKLOAD in page.text and ">churn<" not in page.text
    assert_escaped(page.text)


def test_the_heat_map_csv_has_one_row_per_question(client: TestClient, people: People, uploaded: None) -> None:
    assert client.get("/heatmap.csv", follow_redirects=False).status_code == 303
    login(client, "admin")
    response = client.get("/heatmap.csv?team=fraud")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["question", "title", "pillar", "phase", "HIGH", "MEDIUM", WORKLOAD]
    assert len(rows) == 1 + len(load_shipped_lens().questions)


def test_filters_by_pillar_phase_and_risk(client: TestClient, people: People, uploaded: None, store: Store) -> None:
    review = current_review(store, workload=WORKLOAD)
    assert review is not None
    high = next(q for q in review.questions if q.risk.value == "HIGH")
    clean = next(q for q in review.questions if q.risk.value not in ("HIGH", "MEDIUM"))
    admin = client.get("/api/v1/workloads", headers=people.auth("admin:read"),
                       params={"pillar": high.pillar, "phase": high.phase or "", "risk": "HIGH"}).json()
    assert WORKLOAD in [w["name"] for w in admin]
    none = client.get("/api/v1/workloads", headers=people.auth("admin:read"),
                      params={"pillar": clean.pillar, "phase": clean.phase or "", "team": "fraud"}).json()
    slice_risks = [q.risk.value for q in review.questions if q.pillar == clean.pillar and q.phase == clean.phase]
    assert (WORKLOAD in [w["name"] for w in none]) == any(r in ("HIGH", "MEDIUM") for r in slice_risks)
    assert client.get("/api/v1/workloads", headers=people.auth("admin:read"),
                      params={"environment": "nowhere"}).json() == []
    login(client, "admin")
    page = client.get("/", params={"pillar": high.pillar, "risk": "HIGH"})
    assert page.status_code == 200 and f'<option value="{high.pillar}" selected>' in page.text
    lines = filtered_portfolio(store, user=_admin(store), filters=Filters(pillar="no-such-pillar"))
    assert lines == []


def _admin(store: Store) -> Any:
    from mllens.store.access import get_user

    return get_user(store, name="admin")


def test_the_portfolio_draws_a_trend_once_there_are_milestones(client: TestClient, people: People,
                                                               uploaded: None, store: Store) -> None:
    login(client, "vic")
    assert 'class="spark"' not in client.get("/").text
    review = current_review(store, workload=WORKLOAD)
    assert review is not None
    save_milestone(store, name="kick-off", review=review, workload=WORKLOAD)
    page = client.get("/").text
    assert 'class="spark"' in page and "kick-off: " in page and "<polyline" in page
    trend = client.get(f"/api/v1/workloads/{WORKLOAD}/trend", headers=people.auth("vic:read")).json()
    assert [p["label"] for p in trend] == ["kick-off", "now"]
    assert client.get(f"/api/v1/workloads/{WORKLOAD}/trend", headers=people.auth("otto:read")).status_code == 403


def test_heat_map_of_no_workload_is_the_questions_with_nothing_at_risk() -> None:
    empty = heat_map(load_shipped_lens(), [])
    assert empty.workloads == [] and all(r.HIGH == 0 and r.risks == {} for r in empty.rows)
