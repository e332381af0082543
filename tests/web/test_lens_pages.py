"""The lens browser: pillars, questions and practices of the shipped lens, the search, a
practice's page (either numbering) and the same data over the API, for every role."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from webpeople import People, login

from mllens.lens.load import load_shipped_lens
from mllens.web.lens_pages import search


@pytest.mark.parametrize("who", ["admin", "edie", "vic", "otto"])
def test_every_role_browses_the_lens_outline(client: TestClient, people: People, who: str) -> None:
    login(client, who)
    lens = load_shipped_lens()
    html = client.get("/lens").text
    for pillar in lens.pillars:
        assert f">{pillar.name}</h2>" in html
    for question in lens.questions:
        assert question.id in html
    first = lens.practices[0]
    assert f'href="/lens/practices/{first.id}"' in html
    assert f"(2023: {first.id_2023})" in html


def test_the_browser_needs_a_session(client: TestClient) -> None:
    response = client.get("/lens?q=drift", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Flens%3Fq%3Ddrift"


def test_search_keeps_the_practices_with_every_word() -> None:
    lens = load_shipped_lens()
    found = search(lens, "Skill Builder")  # in an AWS improvement note only
    assert "MLOPS01-BP01" in [p.id for p in found]
    assert search(lens, "skill builder zzzunknownword") == []
    assert search(lens, "") == lens.practices
    assert [p.id for p in search(lens, "MLOE-01")] == ["MLOPS01-BP01"]  # the 2023 id


def test_the_search_box_filters_the_page_server_side(client: TestClient, people: People) -> None:
    login(client, "vic")
    html = client.get("/lens", params={"q": "skill builder"}).text
    assert 'value="skill builder"' in html
    assert "MLOPS01-BP01" in html
    assert "MLSEC" not in html.split("<main", 1)[1]  # no security practice mentions Skill Builder
    nothing = client.get("/lens", params={"q": "zzzunknownword"}).text
    assert "No practice matches" in nothing


def test_a_practice_page_shows_ids_checks_guidance_per_stack_and_resources(client: TestClient,
                                                                          people: People) -> None:
    login(client, "vic")
    practice = load_shipped_lens().practice("MLOPS01-BP01")
    html = client.get("/lens/practices/mloe-01").text  # the 2023 id, any case
    assert "Best-practice id MLOPS01-BP01; 2023 id MLOE-01" in html
    for check in practice.checks:
        assert check.text.replace("'", "&#39;") in html
    for stack in ("<dt>AWS</dt>", "<dt>Google Cloud</dt>", "<dt>Azure</dt>", "<dt>Open source</dt>"):
        assert stack in html
    assert "AWS Skill Builder" in html
    for resource in practice.resources:
        assert f'href="{resource.url}"' in html


def test_an_unknown_practice_is_a_404_page(client: TestClient, people: People) -> None:
    login(client, "vic")
    response = client.get("/lens/practices/MLXX99-BP99")
    assert response.status_code == 404
    assert "&#39;MLXX99-BP99&#39; is not a practice" in response.text


def test_the_api_gives_the_outline_and_the_search(client: TestClient, people: People) -> None:
    lens = load_shipped_lens()
    data = client.get("/api/v1/lens", headers=people.auth("vic:read")).json()
    assert (data["id"], data["version"]) == (lens.id, lens.version)
    assert [p["id"] for p in data["pillars"]] == [p.id for p in lens.pillars]
    assert [p["id"] for p in data["phases"]] == [p.id for p in lens.phases]
    assert sum(len(q["practices"]) for q in data["questions"]) == len(lens.practices)
    found = client.get("/api/v1/lens", params={"q": "skill builder"}, headers=people.auth("vic:read")).json()
    ids = [p["id"] for q in found["questions"] for p in q["practices"]]
    assert "MLOPS01-BP01" in ids and len(ids) < len(lens.practices)


def test_the_api_gives_one_practice_in_either_numbering(client: TestClient, people: People) -> None:
    data = client.get("/api/v1/lens/practices/MLOE-01", headers=people.auth("otto:read")).json()
    practice = load_shipped_lens().practice("MLOPS01-BP01")
    assert (data["id"], data["id_2023"], data["question"], data["pillar"]) == (
        "MLOPS01-BP01", "MLOE-01", practice.question, practice.pillar)
    assert [c["id"] for c in data["checks"]] == [c.id for c in practice.checks]
    assert data["improvement"][0]["stacks"]["open_source"] == practice.improvement[0].stacks.open_source
    assert [r["url"] for r in data["resources"]] == [r.url for r in practice.resources]


def test_the_api_refuses_without_a_read_token_and_names_unknown_ids(client: TestClient, people: People) -> None:
    assert client.get("/api/v1/lens").status_code == 401
    assert client.get("/api/v1/lens", headers=people.auth("edie:upload")).status_code == 403
    missing = client.get("/api/v1/lens/practices/NOPE-1", headers=people.auth("vic:read"))
    assert missing.status_code == 404
    assert missing.json()["field"] == "path.practice_id"
    no_lens = client.get("/api/v1/lens", params={"lens": "nolens"}, headers=people.auth("vic:read"))
    assert (no_lens.status_code, no_lens.json()["field"]) == (404, "query.lens")
