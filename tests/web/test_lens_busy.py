"""When no database connection comes free in time (the pool is exhausted under load, as
bench/web_load.py found), a request is answered 503 with Retry-After, not 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import TimeoutError as PoolTimeout

from mllens.store import Store
from mllens.web.app import create_app


def test_an_exhausted_pool_is_a_503_with_retry_after(store: Store) -> None:
    app = create_app(store=store, secure_cookies=False)

    @app.get("/busy-probe")
    def busy() -> None:
        raise PoolTimeout("QueuePool limit of size 10 overflow 30 reached")

    with TestClient(app, base_url="http://localhost", raise_server_exceptions=False) as client:
        response = client.get("/busy-probe")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert "busy" in response.json()["detail"]
    assert "QueuePool" not in response.text  # no internals reach the client


def test_the_postgresql_pool_has_a_connection_per_worker_thread(store: Store) -> None:
    if store.url.get_backend_name() == "sqlite":
        pytest.skip("SQLite's engine has its own pool (one file, serialised writers)")
    assert store.engine.pool.size() == 10  # type: ignore[attr-defined]
    assert store.engine.pool._max_overflow == 30  # type: ignore[attr-defined]
