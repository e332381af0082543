"""Custom lens upload: an admin's AWS custom-lens JSON is linted, stored as the next
version of a named lens and browsable; anything wrong is shown as the linter's findings
(naming the field) and nothing is stored; only admins upload, with the form's CSRF token."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from webpeople import HOSTILE, People, login

from mllens.store import Store
from mllens.store.lenses import custom_lens_document, list_custom_lenses, save_custom_lens
from mllens.web import lens_upload

LENS: dict[str, Any] = {
    "schemaVersion": "2021-11-01", "name": "Data platform lens", "description": "Checks for a data platform.",
    "pillars": [{"id": "reliability", "name": "Reliability", "questions": [{
        "id": "backups", "title": "How are tables backed up?", "description": "Backups of the warehouse.",
        "choices": [
            {"id": "backups_snapshots", "title": "Nightly snapshots are taken",
             "helpfulResource": {"displayText": "Snapshot every table nightly."},
             "improvementPlan": {"displayText": "Turn on point-in-time recovery."}},
            {"id": "backups_restore_drill", "title": "Restores are rehearsed",
             "helpfulResource": {"displayText": "Practise a restore each quarter."},
             "improvementPlan": {"displayText": "Schedule a restore drill."}},
            {"id": "backups_no", "title": "None of these"},
        ],
        "riskRules": [{"condition": "backups_snapshots && backups_restore_drill", "risk": "NO_RISK"},
                      {"condition": "backups_snapshots", "risk": "MEDIUM_RISK"},
                      {"condition": "default", "risk": "HIGH_RISK"}],
    }]}],
}


def _send(client: TestClient, csrf: str, body: bytes, *, name: str = "data-platform") -> Any:
    return client.post("/admin/lenses", data={"csrf": csrf, "name": name},
                       files={"lens_file": ("lens.json", body, "application/json")})


def test_an_admin_stores_a_lens_as_versions_and_browses_it(client: TestClient, people: People, store: Store) -> None:
    csrf = login(client, "admin")
    first = _send(client, csrf, json.dumps(LENS).encode())
    assert first.status_code == 201, first.text[:400]
    assert "version 1" in first.text
    assert "W42" in first.text  # a warning is shown; it does not stop the upload
    assert _send(client, csrf, json.dumps(LENS).encode()).status_code == 201
    assert [(i.name, i.version, i.title, i.uploaded_by) for i in list_custom_lenses(store)] == [
        ("data-platform", 2, "Data platform lens", "admin"), ("data-platform", 1, "Data platform lens", "admin")]
    page = client.get("/lens", params={"lens": "data-platform"}).text
    assert "How are tables backed up?" in page
    assert 'href="/lens/practices/backups_snapshots?lens=data-platform"' in page
    practice = client.get("/lens/practices/backups_snapshots", params={"lens": "data-platform"}).text
    assert "Turn on point-in-time recovery." in practice
    listed = client.get("/api/v1/lenses", headers=people.auth("vic:read")).json()
    assert [(x["name"], x["version"]) for x in listed] == [("data-platform", 2), ("data-platform", 1)]
    api = client.get("/api/v1/lens", params={"lens": "data-platform"}, headers=people.auth("vic:read")).json()
    assert [p["id"] for q in api["questions"] for p in q["practices"]] == ["backups_snapshots",
                                                                          "backups_restore_drill"]
    assert "data-platform" in client.get("/admin/lenses").text


def _refused(client: TestClient, store: Store, body: bytes, status: int, *, name: str = "data-platform") -> str:
    csrf = login(client, "admin")
    response = _send(client, csrf, body, name=name)
    assert response.status_code == status, response.text[:400]
    assert "Not stored" in response.text
    assert list_custom_lenses(store) == []
    return str(response.text)


def test_malformed_json_is_a_finding_and_nothing_is_stored(client: TestClient, people: People,
                                                          store: Store) -> None:
    html = _refused(client, store, b'{"schemaVersion": "2021-11-01", "name": ', 422)
    assert "malformed JSON at line 1" in html


def test_a_schema_error_names_the_field(client: TestClient, people: People, store: Store) -> None:
    broken = copy.deepcopy(LENS)
    del broken["pillars"][0]["questions"][0]["choices"][0]["title"]
    broken["pillars"][0]["questions"][0]["riskRules"][1]["risk"] = "SOMEWHAT_RISKY"
    html = _refused(client, store, json.dumps(broken).encode(), 422)
    assert "<code>pillars[0].questions[0].choices[0].title</code>" in html
    assert "<code>pillars[0].questions[0].riskRules[1].risk</code>" in html


def test_a_json_file_that_is_no_lens_is_refused(client: TestClient, people: People, store: Store) -> None:
    html = _refused(client, store, json.dumps({"mllens_version": "1", "workload": {}}).encode(), 422)
    assert "not an AWS Well-Architected custom lens" in html


def test_a_file_over_the_limit_is_refused(client: TestClient, people: People, store: Store,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lens_upload, "MAX_LENS_BYTES", 100)
    html = _refused(client, store, json.dumps(LENS).encode(), 413)
    assert "larger than" in html


def test_a_bad_lens_name_is_refused(client: TestClient, people: People, store: Store) -> None:
    html = _refused(client, store, json.dumps(LENS).encode(), 422, name="ml")
    assert "expected a lens name" in html


@pytest.mark.parametrize("who", ["edie", "vic"])
def test_only_admins_upload_or_see_the_page(client: TestClient, people: People, store: Store, who: str) -> None:
    csrf = login(client, who)
    assert client.get("/admin/lenses").status_code == 403
    assert _send(client, csrf, json.dumps(LENS).encode()).status_code == 403
    assert list_custom_lenses(store) == []


def test_an_upload_without_the_csrf_token_is_refused(client: TestClient, people: People, store: Store) -> None:
    login(client, "admin")
    assert _send(client, "forged", json.dumps(LENS).encode()).status_code == 403
    assert list_custom_lenses(store) == []


def test_lens_text_is_escaped_on_every_page(client: TestClient, people: People, store: Store) -> None:
    hostile = copy.deepcopy(LENS)  # the AWS format refuses markup characters in names and titles, not in text
    choice = hostile["pillars"][0]["questions"][0]["choices"][0]
    choice["helpfulResource"]["displayText"] = HOSTILE
    choice["improvementPlan"]["displayText"] = HOSTILE
    csrf = login(client, "admin")
    stored = _send(client, csrf, json.dumps(hostile).encode(), name="hostile")
    assert stored.status_code == 201, stored.text[:400]
    practice = client.get("/lens/practices/backups_snapshots?lens=hostile").text
    assert HOSTILE not in practice and practice.count("&lt;script&gt;") == 2
    hostile["pillars"][0]["questions"][0]["title"] = HOSTILE  # refused: its finding is shown escaped
    refused = client.post("/admin/lenses", data={"csrf": csrf, "name": "hostile"},
                          files={"lens_file": (HOSTILE + ".json", json.dumps(hostile).encode(), "application/json")})
    assert refused.status_code == 422
    assert HOSTILE not in refused.text and "&lt;script&gt;alert" in refused.text
    assert len(list_custom_lenses(store)) == 1


def test_the_store_keeps_each_version_as_uploaded(store: Store) -> None:
    text = json.dumps(LENS, indent=1)
    save_custom_lens(store, name="dp", title="Data platform lens", document=text, user="admin")
    save_custom_lens(store, name="dp", title="Data platform lens", document="{}", user="admin")
    newest = custom_lens_document(store, name="dp")
    assert newest is not None and (newest[0].version, newest[1]) == (2, "{}")
    first = custom_lens_document(store, name="dp", version=1)
    assert first is not None and first[1] == text
    assert custom_lens_document(store, name="other") is None
