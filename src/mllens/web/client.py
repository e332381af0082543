"""`mllens scan PATH --upload URL`: send the scan's JSON to an mllens server.

The token comes from $MLLENS_TOKEN (scope upload; `mllens token create`), a new
workload's team from $MLLENS_TEAM when the token's user is in several teams. Every
failure is one InputError naming the URL and what the server said, never the token.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote, urlsplit

from mllens.errors import InputError

TOKEN_VAR = "MLLENS_TOKEN"
TEAM_VAR = "MLLENS_TEAM"
TIMEOUT_S = 60.0


def scans_url(base: str, workload: str) -> str:
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"expected the server's http(s) URL, such as https://mllens.example.org, got {base!r}",
                         field="--upload")
    return f"{base.rstrip('/')}/api/v1/workloads/{quote(workload, safe='')}/scans"


def upload_scan(base: str, *, workload: str, data: dict[str, Any]) -> dict[str, Any]:
    """POST the scan; the server's answer (workload, team, review_id, risk_counts)."""
    import httpx

    url = scans_url(base, workload)
    token = os.environ.get(TOKEN_VAR, "").strip()
    if not token:
        raise InputError(f"expected an API token of scope upload in ${TOKEN_VAR}, got none", field="--upload")
    team = os.environ.get(TEAM_VAR, "").strip()
    try:
        response = httpx.post(
            url, json=data, params={"team": team} if team else None,
            headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT_S,
        )
    except httpx.HTTPError as exc:
        raise InputError(f"{url}: cannot reach the server ({type(exc).__name__}: {exc})", field="--upload") from None
    if response.status_code != 201:
        try:
            detail = response.json().get("detail", response.text)
        except ValueError:
            detail = response.text[:200]
        raise InputError(f"{url}: the server refused the scan ({response.status_code}: {detail})", field="--upload")
    answer: dict[str, Any] = response.json()
    return answer
