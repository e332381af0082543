"""The portfolio says accepted risks apart, as the CLI's reports do ("3 HIGH (1 accepted)"):
on the page, in the CSV and in GET /api/v1/workloads; an acceptance that ran out is not
counted as accepted. The question keeps its risk in the counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from webpeople import People, login

from mllens.store import Store
from mllens.store.access import get_user
from mllens.store.sync import set_acceptance

PAGE = "/workloads/fraud-detection"
FUTURE = (dt.date.today() + dt.timedelta(days=60)).isoformat()


@pytest.fixture
def accepted(client: TestClient, people: People, scan_json: dict[str, Any]) -> tuple[str, int]:
    """edie answers MLOPS01-BP02 missing (MLOPS01 goes HIGH) and accepts MLOPS01's risk;
    her CSRF token and the HIGH count."""
    assert client.post(f"/api/v1{PAGE}/scans", headers=people.auth("edie:upload"), json=scan_json).status_code == 201
    csrf = login(client, "edie")
    assert client.post(PAGE + "/answers", data={"csrf": csrf, "practice": "MLOPS01-BP02", "status": "missing"},
                       follow_redirects=False).status_code == 303
    assert client.post(PAGE + "/risks", data={"csrf": csrf, "question": "MLOPS01", "practice": "*", "owner": "ana",
                                              "expires": FUTURE, "reason": "next quarter"},
                       follow_redirects=False).status_code == 303
    listed = client.get("/api/v1/workloads", headers=people.auth("vic:read")).json()
    return csrf, int(listed[0]["risk_counts"]["HIGH"])


def test_the_api_counts_accepted_questions_apart(client: TestClient, people: People,
                                                 accepted: tuple[str, int]) -> None:
    _csrf, high = accepted
    for query in ("", "?risk=HIGH"):  # unfiltered and filtered give the same shape
        [line] = client.get("/api/v1/workloads" + query, headers=people.auth("vic:read")).json()
        assert line["accepted_counts"] == {"HIGH": 1, "MEDIUM": 0}
        assert line["risk_counts"]["HIGH"] == high >= 1  # the accepted question stays HIGH in the counts


def test_the_page_and_the_csv_say_accepted_apart(client: TestClient, people: People,
                                                 accepted: tuple[str, int]) -> None:
    _csrf, high = accepted
    page = client.get("/").text
    assert f'{high} <span class="accepted-count">(1 accepted)</span></td>' in page
    rows = list(csv.DictReader(io.StringIO(client.get("/portfolio.csv").text)))
    assert [(r["HIGH"], r["HIGH_accepted"], r["MEDIUM_accepted"]) for r in rows] == [(str(high), "1", "0")]


def test_a_lapsed_acceptance_is_not_counted_as_accepted(client: TestClient, people: People, store: Store,
                                                       accepted: tuple[str, int]) -> None:
    set_acceptance(store, user=get_user(store, name="edie"), workload="fraud-detection", practice="MLOPS01-BP02",
                   owner="ana", expires=dt.date.today() - dt.timedelta(days=1), reason="until the audit")
    [line] = client.get("/api/v1/workloads", headers=people.auth("vic:read")).json()
    assert line["accepted_counts"] == {"HIGH": 0, "MEDIUM": 0}
    assert "accepted)" not in client.get("/").text


def test_a_workload_without_acceptances_shows_plain_counts(client: TestClient, people: People,
                                                          scan_json: dict[str, Any]) -> None:
    assert client.post(f"/api/v1{PAGE}/scans", headers=people.auth("edie:upload"), json=scan_json).status_code == 201
    [line] = client.get("/api/v1/workloads", headers=people.auth("vic:read")).json()
    assert line["accepted_counts"] == {"HIGH": 0, "MEDIUM": 0}
    login(client, "edie")
    assert "accepted-count" not in client.get("/").text
