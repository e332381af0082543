"""Web fixtures: an app over a real store (SQLite and PostgreSQL), users of every role,
their tokens, and the JSON of a real scan to upload."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from browserkit import browser, served  # noqa: F401 (the browser tests' fixtures, found by name)
from fastapi.testclient import TestClient
from webpeople import HOSTILE, PASSWORD, People

from mllens.review.serialise import review_to_data
from mllens.store import Store
from mllens.store.access import add_token, add_user
from mllens.web import security
from mllens.web.app import create_app
from mllens.web.security import new_token, token_digest
from mllens.workflow import review_project


@pytest.fixture(autouse=True)
def _isolated(isolated_data_dir: None) -> None:
    """Every test here keeps out of the user's data directory (tests/conftest.py)."""


USERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("admin", "admin", ()), ("edie", "editor", ("fraud",)), ("vic", "viewer", ("fraud",)),
    ("otto", "editor", ("other",)),
)


def _cheap_hasher() -> PasswordHasher:
    # Real Argon2id with the smallest costs: the tests check the flow, not the work factor.
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(security, "_hasher", _cheap_hasher)


@pytest.fixture(scope="session")
def password_hash() -> str:
    return str(_cheap_hasher().hash(PASSWORD))


@pytest.fixture
def people(store: Store, password_hash: str) -> People:
    tokens: dict[str, str] = {}
    with store.transaction() as tx:
        for name, role, teams in USERS:
            add_user(tx, name=name, role=role, password_hash=password_hash, teams=teams)
            for scope in ("read", "upload"):
                token = new_token()
                add_token(tx, user=name, name=scope, scope=scope, digest=token_digest(token))
                tokens[f"{name}:{scope}"] = token
    return People(tokens=tokens)


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store=store, secure_cookies=False), base_url="http://localhost") as test_client:
        yield test_client


@pytest.fixture(scope="session")
def scan_json(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The JSON of `mllens scan --format json` over a small project with answers."""
    root = tmp_path_factory.mktemp("project")
    (root / "requirements.txt").write_text("torch\nscikit-learn==1.5.0\n")
    (root / "train.py").write_text("import torch\n# " + HOSTILE + "\n")
    (root / "mllens.yaml").write_text(
        "workload:\n  name: fraud-detection\n  owner: ml@acme.example\n  environment: prod\n"
        "answers:\n  MLOPS01-BP01:\n    status: implemented\n    notes: '" + HOSTILE + "'\n"
    )
    review, result = review_project(root, use_cache=False)
    data: dict[str, Any] = json.loads(json.dumps(review_to_data(review, scan=result)))
    return data
