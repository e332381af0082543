"""Schemathesis against the app's own /openapi.json: every operation gets generated
requests (paths, queries and bodies from the schema, and some that break it) with no
token, a read token and an upload token, over the ASGI app on SQLite and PostgreSQL.
No request may end in a server error (5xx); /healthz's 503 (database unreachable) is
the one 5xx the schema declares and a healthy test store never gives it.

`max_examples` is small so that `make test` stays within about a minute here; `mllens`'s schema is what
drives the cases, so a new operation is covered without a change here.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from parth import WORKLOAD, upload
from schemathesis.checks import not_a_server_error
from webpeople import People

from mllens.store import Store
from mllens.web.app import create_app

schema = schemathesis.pytest.from_fixture("web_schema")
# A deeper run: MLLENS_SCHEMATHESIS_EXAMPLES=200 .venv/bin/pytest tests/web/test_schemathesis.py
EXAMPLES = int(os.environ.get("MLLENS_SCHEMATHESIS_EXAMPLES", "4"))
TOKENS = ("none", "edie:read", "edie:upload", "admin:read")


# Generated path names almost never name a stored workload or practice: each case is sent
# a second time with these, so the handlers behind the 404 see generated queries and bodies.
KNOWN = {"name": WORKLOAD, "practice_id": "MLOE-01", "role": "engineer"}


@pytest.fixture
def web_schema(store: Store, people: People, scan_json: dict[str, Any]) -> Any:
    app = create_app(store=store, secure_cookies=False)
    with TestClient(app, base_url="http://localhost") as client:
        upload(client, people, scan_json)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_no_generated_request_ends_in_a_server_error(case: Any, people: People) -> None:
    known = {key: KNOWN[key] for key in (case.path_parameters or {}) if key in KNOWN}
    for path_parameters in (dict(case.path_parameters or {}), {**(case.path_parameters or {}), **known}):
        case.path_parameters = path_parameters
        for token in TOKENS:  # each generated request is sent once per kind of caller
            headers = {} if token == "none" else people.auth(token)
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error])
