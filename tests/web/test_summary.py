"""The stored per-workload summary (web.summary) equals a fresh evaluation of the review
the app shows after every kind of write, read back without the lazy refresh (so the write
itself refreshed it); one left stale by a write outside the app is computed again on the
next listing; listings are paged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from webpeople import People, login

from mllens.review.serialise import review_from_data
from mllens.store import Store, get_workload, latest_review, list_milestones, save_review
from mllens.store.summaries import current_key, portfolio_entries, summary_details
from mllens.web.current import current_review
from mllens.web.summary import basis, cells_json, detail_json, digest_of, is_fresh

NAME = "fraud-detection"
PAGE = f"/workloads/{NAME}"
FUTURE = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def assert_summary_is_fresh(store: Store, name: str = NAME) -> None:
    """The stored summary (not refreshed by this read) equals one computed now, field by field."""
    (entry,) = [e for e in portfolio_entries(store, teams=None, cells=True) if e.name == name]
    review = current_review(store, workload=name)
    assert review is not None and entry.summary is not None
    expected = digest_of(review, list_milestones(store, workload=name))
    stored = entry.summary
    assert stored.key == current_key(store, workload=name, basis=basis())
    assert is_fresh(entry, today=dt.date.today())
    assert stored.risk_counts == expected.risk_counts
    assert (stored.accepted_high, stored.accepted_medium) == (expected.accepted_high, expected.accepted_medium)
    assert stored.cells == cells_json(expected.cells)
    assert stored.valid_until == expected.valid_until
    assert summary_details(store, workload_ids=[entry.workload_id])[entry.workload_id] == (
        cells_json(expected.cells), detail_json(expected))


@pytest.fixture
def uploaded(client: TestClient, people: People, scan_json: dict[str, Any], store: Store) -> str:
    """The scan uploaded through the API; edie's CSRF token."""
    assert client.post(f"/api/v1{PAGE}/scans", headers=people.auth("edie:upload"), json=scan_json).status_code == 201
    assert_summary_is_fresh(store)
    return login(client, "edie")


def _post(client: TestClient, path: str, data: dict[str, str]) -> None:
    response = client.post(PAGE + path, data=data, headers={"x-mllens-autosave": "1"})
    assert response.status_code == 204, response.text[:300]


def test_an_answer_refreshes_the_summary(client: TestClient, store: Store, uploaded: str) -> None:
    before = portfolio_entries(store, teams=None)[0].summary
    _post(client, "/answers", {"csrf": uploaded, "practice": "MLOPS01-BP02", "status": "missing"})
    after = portfolio_entries(store, teams=None)[0].summary
    assert before is not None and after is not None and after.key.revision == before.key.revision + 1
    assert_summary_is_fresh(store)


def test_a_question_answer_refreshes_the_summary(client: TestClient, store: Store, uploaded: str) -> None:
    _post(client, "/questions", {"csrf": uploaded, "question": "MLSUS01", "applicable": "no",
                                 "reason": "out_of_scope"})
    assert_summary_is_fresh(store)
    counts = portfolio_entries(store, teams=None)[0].summary
    assert counts is not None and counts.risk_counts.NOT_APPLICABLE >= 1


def test_an_accepted_risk_refreshes_the_summary_until_it_runs_out(client: TestClient, store: Store,
                                                                  uploaded: str) -> None:
    _post(client, "/answers", {"csrf": uploaded, "practice": "MLOPS01-BP02", "status": "missing"})
    _post(client, "/risks", {"csrf": uploaded, "question": "MLOPS01", "practice": "*", "owner": "ana",
                             "expires": FUTURE, "reason": "next quarter"})
    assert_summary_is_fresh(store)
    (entry,) = portfolio_entries(store, teams=None)
    assert entry.summary is not None and entry.summary.accepted_high == 1
    assert entry.summary.valid_until == dt.date.fromisoformat(FUTURE)
    # the day after the acceptance runs out the summary no longer holds
    assert not is_fresh(entry, today=dt.date.fromisoformat(FUTURE) + dt.timedelta(days=1))


def test_a_milestone_refreshes_the_trend(client: TestClient, people: People, store: Store, uploaded: str) -> None:
    response = client.post(PAGE + "/milestones", data={"csrf": uploaded, "milestone": "first"},
                           follow_redirects=False)
    assert response.status_code == 303
    assert client.post(f"/api/v1{PAGE}/milestones", headers=people.auth("edie:upload"),
                       json={"name": "second"}).status_code == 201
    assert_summary_is_fresh(store)
    (entry,) = portfolio_entries(store, teams=None)
    _cells, trend = summary_details(store, workload_ids=[entry.workload_id])[entry.workload_id]
    assert '"label":"first"' in trend and '"label":"second"' in trend and '"label":"now"' in trend


def test_answers_taken_through_the_sync_api_refresh_the_summary(client: TestClient, people: People, store: Store,
                                                                uploaded: str) -> None:
    response = client.post(f"/api/v1{PAGE}/sync", headers=people.auth("edie:upload"),
                           json={"answers": {"MLOPS01-BP02": {"status": "missing"}}})
    assert response.status_code == 200, response.text
    assert_summary_is_fresh(store)


def test_a_new_upload_refreshes_the_summary(client: TestClient, people: People, scan_json: dict[str, Any],
                                            store: Store, uploaded: str) -> None:
    _post(client, "/answers", {"csrf": uploaded, "practice": "MLOPS01-BP02", "status": "missing"})
    again = client.post(f"/api/v1{PAGE}/scans", headers=people.auth("edie:upload"), json=scan_json)
    assert again.status_code == 201
    (entry,) = portfolio_entries(store, teams=None)
    assert entry.summary is not None and entry.summary.key.review_id == again.json()["review_id"]
    assert_summary_is_fresh(store)


def test_a_review_stored_outside_the_app_is_summarised_on_the_next_listing(
    client: TestClient, people: People, store: Store, uploaded: str
) -> None:
    review = latest_review(store, workload=NAME)
    assert review is not None
    save_review(store, review=review, workload=NAME)  # as `mllens fleet scan` or the CLI store it
    (entry,) = portfolio_entries(store, teams=None)
    assert not is_fresh(entry, today=dt.date.today())
    listed = client.get("/api/v1/workloads", headers=people.auth("vic:read"))
    assert listed.status_code == 200
    assert_summary_is_fresh(store)
    assert listed.json()[0]["risk_counts"] == review.summary.risk_counts.model_dump()


def _many(store: Store, scan_json: dict[str, Any], count: int) -> None:
    from mllens.lens.load import load_shipped_lens
    from mllens.store.access import set_workload_team

    review = review_from_data(scan_json, lens=load_shipped_lens(), file="scan.json")
    for i in range(count):
        save_review(store, review=review, workload=f"wl-{i:03d}")
        set_workload_team(store, workload=f"wl-{i:03d}", team="fraud")


def test_listings_are_paged(client: TestClient, people: People, store: Store, scan_json: dict[str, Any]) -> None:
    _many(store, scan_json, 55)
    first = client.get("/api/v1/workloads", headers=people.auth("vic:read"), params={"limit": 20, "offset": 40})
    assert first.headers["x-total-count"] == "55"
    assert [w["name"] for w in first.json()] == [f"wl-{i:03d}" for i in range(40, 55)]
    default = client.get("/api/v1/workloads", headers=people.auth("vic:read")).json()
    assert len(default) == 55  # under the default limit of 100
    assert client.get("/api/v1/workloads", headers=people.auth("vic:read"),
                      params={"limit": 0}).status_code == 422
    login(client, "vic")
    one = client.get("/").text
    assert 'href="/workloads/wl-049"' in one and 'href="/workloads/wl-050"' not in one
    assert "Page 1 of 2 (55 workloads)" in one and "page=2" in one
    two = client.get("/", params={"page": 2}).text
    assert 'href="/workloads/wl-050"' in two and 'href="/workloads/wl-049"' not in two
    heat = client.get("/heatmap", params={"page": 2}).text
    assert "Workloads 51 to 55 of 55" in heat
    rows = client.get("/portfolio.csv").text.strip().splitlines()
    assert len(rows) == 56  # the export has every workload
    for i in (0, 54):
        assert_summary_is_fresh(store, f"wl-{i:03d}")


def test_a_workload_without_a_review_has_no_summary(client: TestClient, people: People, store: Store) -> None:
    from mllens.answers.model import Workload
    from mllens.store import upsert_workload
    from mllens.store.access import set_workload_team

    upsert_workload(store, workload=Workload(name="empty"))
    set_workload_team(store, workload="empty", team="fraud")
    [line] = client.get("/api/v1/workloads", headers=people.auth("vic:read")).json()
    assert (line["name"], line["risk_counts"], line["accepted_counts"]) == ("empty", None, None)
    assert get_workload(store, name="empty").name == "empty"
    (entry,) = portfolio_entries(store, teams=None)
    assert entry.summary is None and is_fresh(entry, today=dt.date.today())


def test_the_review_page_evaluates_a_review_once_per_change(client: TestClient, store: Store,
                                                           uploaded: str) -> None:
    shown = client.app.state.shown_reviews  # type: ignore[attr-defined]
    first = shown.get(store, workload=NAME)
    assert first is not None and shown.get(store, workload=NAME) is first
    _post(client, "/answers", {"csrf": uploaded, "practice": "MLOPS01-BP02", "status": "missing",
                               "notes": "no owner yet"})
    again = shown.get(store, workload=NAME)
    assert again is not first and again is not None
    assert next(p for p in again.practices if p.id == "MLOPS01-BP02").status.value == "missing"
    assert "no owner yet" in client.get(PAGE).text


def test_a_lens_change_refreshes_the_summary(client: TestClient, store: Store, uploaded: str) -> None:
    import json

    from test_lens_upload import LENS

    from mllens.store.lenses import save_custom_lens

    save_custom_lens(store, name="data-platform", title=LENS["name"], document=json.dumps(LENS), user="admin")
    before = portfolio_entries(store, teams=None)[0].summary
    _post(client, "/lens", {"csrf": uploaded, "lens": "data-platform"})
    after = portfolio_entries(store, teams=None)[0].summary
    assert before is not None and after is not None and after.key.revision == before.key.revision + 1
    assert_summary_is_fresh(store)
