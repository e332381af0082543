"""`mllens pull`'s side of the API: read what the app says (GET .../sync), and hand the
file's answers to the app (POST .../sync, for `--ours`).

The token comes from $MLLENS_TOKEN (scope read; scope upload when resolving with --ours).
Every failure is one InputError naming the URL and what the server said, never the token.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from mllens.answers.sync import SyncAnswer
from mllens.errors import InputError
from mllens.web.client import TIMEOUT_S, TOKEN_VAR


def sync_url(base: str, workload: str) -> str:
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"expected the server's http(s) URL, such as https://mllens.example.org, got {base!r}",
                         field="URL")
    return f"{base.rstrip('/')}/api/v1/workloads/{quote(workload, safe='')}/sync"


def _token(scope: str) -> str:
    token = os.environ.get(TOKEN_VAR, "").strip()
    if not token:
        raise InputError(f"expected an API token of scope {scope} in ${TOKEN_VAR}, got none", field="URL")
    return token


def _call(method: str, url: str, *, scope: str, body: Any = None) -> dict[str, Any]:
    import httpx

    try:
        response = httpx.request(method, url, json=body, headers={"Authorization": f"Bearer {_token(scope)}"},
                                 timeout=TIMEOUT_S)
    except httpx.HTTPError as exc:
        raise InputError(f"{url}: cannot reach the server ({type(exc).__name__}: {exc})", field="URL") from None
    if response.status_code != 200:
        try:
            detail = response.json().get("detail", response.text)
        except ValueError:
            detail = response.text[:200]
        raise InputError(f"{url}: the server refused ({response.status_code}: {detail})", field="URL")
    answer: dict[str, Any] = response.json()
    return answer


def fetch_sync(base: str, *, workload: str) -> dict[str, Any]:
    """The app's side of the sync: workload, base, app, uploaded, conflicts (web.sync.SyncView)."""
    return _call("GET", sync_url(base, workload), scope="read")


def send_answers(base: str, *, workload: str, answers: Mapping[str, SyncAnswer | None]) -> dict[str, Any]:
    """Make the app hold these answers (None: no answer); needs a token of scope upload."""
    body = {"answers": {p: None if a is None else a.model_dump(mode="json", exclude_defaults=True)
                        for p, a in answers.items()}}
    return _call("POST", sync_url(base, workload), scope="upload", body=body)
