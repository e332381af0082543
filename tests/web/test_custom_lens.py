"""A workload shows a custom lens uploaded in the app beside the ML Lens, over HTTP: an
editor chooses it, answers its questions by selecting choices, and each question's risk is
the AWS tool's (nothing selected: UNANSWERED; else the first rule that holds, "None of
these" meaning only what the rules say); viewers read it; answers are audit-logged and
kept per lens."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_lens_upload import LENS
from webpeople import HOSTILE, People, login

from mllens.store import Store
from mllens.store.access import audit_log
from mllens.store.lenses import save_custom_lens
from mllens.store.summaries import portfolio_entries

PAGE = "/workloads/fraud-detection"
AUTOSAVE = {"X-Mllens-Autosave": "1"}


@pytest.fixture
def shown(client: TestClient, people: People, scan_json: dict[str, Any], store: Store) -> str:
    """The scan uploaded, the data-platform lens stored and chosen by edie; her CSRF token."""
    assert client.post(f"/api/v1{PAGE}/scans", headers=people.auth("edie:upload"), json=scan_json).status_code == 201
    save_custom_lens(store, name="data-platform", title=LENS["name"], document=json.dumps(LENS), user="admin")
    csrf = login(client, "edie")
    page = client.get(PAGE).text
    assert "This workload shows no custom lens." in page and '<option value="data-platform">' in page
    revision = portfolio_entries(store, teams=None)[0].revision
    chosen = client.post(PAGE + "/lens", data={"csrf": csrf, "lens": "data-platform"}, follow_redirects=False)
    assert chosen.status_code == 303 and chosen.headers["location"].endswith("#custom-lens")
    assert portfolio_entries(store, teams=None)[0].revision == revision + 1  # a lens change is a change
    return csrf


def _risk(client: TestClient, people: People) -> str:
    found = client.get(f"/api/v1{PAGE}/custom-lens", headers=people.auth("vic:read")).json()
    (question,) = found["questions"]
    return str(question["risk"])


def _select(client: TestClient, csrf: str, *choices: str) -> int:
    data: dict[str, Any] = {"csrf": csrf, "question": "backups", "choices": list(choices)}
    return client.post(PAGE + "/custom-answers", data=data, headers=AUTOSAVE).status_code


def test_the_custom_lens_is_scored_as_the_aws_tool_scores_it(client: TestClient, people: People, store: Store,
                                                             shown: str) -> None:
    assert _risk(client, people) == "UNANSWERED"  # nothing selected is never HIGH
    assert _select(client, shown, "backups_no") == 204
    assert _risk(client, people) == "HIGH"  # the default rule: "None of these" matches no other rule
    assert _select(client, shown, "backups_snapshots") == 204
    assert _risk(client, people) == "MEDIUM"
    assert _select(client, shown, "backups_snapshots", "backups_restore_drill") == 204
    assert _risk(client, people) == "NONE"
    # not exclusive, as in the AWS tool: with every practice the rules this lens has say NONE
    assert _select(client, shown, "backups_snapshots", "backups_restore_drill", "backups_no") == 204
    assert _risk(client, people) == "NONE"
    page = client.get(PAGE).text
    assert "Custom lens: Data platform lens" in page and 'id="c-backups"' in page
    assert re.search(r'value="backups_restore_drill" checked', page)
    assert "form.custom-form" in client.get("/static/answers.js").text  # saved as it is changed
    changes = [(e.practice, e.field) for e in audit_log(store, workload="fraud-detection")]
    assert changes.count(("backups", "custom lens data-platform")) == 4
    assert ("-", "custom lens") in changes


def test_refused_answers_and_viewers(client: TestClient, people: People, shown: str) -> None:
    assert _select(client, shown, "MLOPS01_BP01") == 422  # a choice of another question or lens
    bad = client.post(PAGE + "/custom-answers", data={"csrf": shown, "question": "nope"}, headers=AUTOSAVE)
    assert bad.status_code == 422 and "not part of custom lens data-platform" in bad.text
    assert client.post(PAGE + "/lens", data={"csrf": shown, "lens": HOSTILE}).status_code == 422
    assert _select(client, "stale", "backups_no") == 403
    login(client, "vic")
    page = client.get(PAGE).text
    assert "Custom lens: Data platform lens" in page and "Nothing selected yet." in page
    assert 'class="custom-form"' not in page  # a viewer reads
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None
    assert _select(client, csrf.group(1), "backups_no") == 403
    assert client.get(f"/api/v1{PAGE}/custom-lens", headers=people.auth("otto:read")).status_code == 403


def test_answers_are_kept_per_lens_when_the_lens_changes(client: TestClient, people: People, shown: str) -> None:
    assert _select(client, shown, "backups_snapshots") == 204
    assert client.post(PAGE + "/lens", data={"csrf": shown, "lens": ""}, headers=AUTOSAVE).status_code == 204
    assert client.get(f"/api/v1{PAGE}/custom-lens", headers=people.auth("vic:read")).json() is None
    assert "This workload shows no custom lens." in client.get(PAGE).text
    assert client.post(PAGE + "/lens", data={"csrf": shown, "lens": "data-platform"},
                       headers=AUTOSAVE).status_code == 204
    assert _risk(client, people) == "MEDIUM"
