"""What the tests of the role views, backlog, heat map and admin pages share."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from webpeople import HOSTILE, OUR_SCRIPT, People

WORKLOAD = "fraud-detection"
PAGE = f"/workloads/{WORKLOAD}"


def upload(client: TestClient, people: People, scan_json: dict[str, Any], *, name: str = WORKLOAD,
           who: str = "edie", team: str | None = None) -> None:
    """Upload the test scan as `name`, its owner hostile text (it reaches every page)."""
    hostile = {**scan_json, "workload": {**scan_json["workload"], "owner": HOSTILE, "name": name}}
    query = f"?team={team}" if team else ""
    response = client.post(f"/api/v1/workloads/{name}/scans{query}", headers=people.auth(f"{who}:upload"),
                           json=hostile)
    assert response.status_code == 201, response.text


def csrf_in(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, html[:500]
    return found.group(1)


def assert_escaped(html: str) -> None:
    """No project text ran as markup: the hostile text only appears escaped."""
    assert HOSTILE not in html and "<script" not in html.replace(OUR_SCRIPT, "")
