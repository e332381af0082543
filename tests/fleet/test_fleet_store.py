"""What fleet_scan stores is the record `mllens scan --upload` makes of the same report, and
the web app's portfolio shows it."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from fleetrepos import TRAIN, MakeRepo, commit

from mllens.fleet.executors import ProcessExecutor
from mllens.fleet.run import fleet_scan
from mllens.fleet.sources import expand
from mllens.review.serialise import review_to_stored_json
from mllens.store import Store, latest_review, open_store
from mllens.store.access import add_token, add_user, workload_teams
from mllens.store.records import StoreError, UserInfo
from mllens.web.app import create_app
from mllens.web.portfolio import visible_workloads
from mllens.web.security import new_token, token_digest

ANSWERS = (
    "workload:\n  name: payments-risk\n  owner: ml@acme.example\n  environment: prod\n"
    "answers:\n  MLOPS01-BP01:\n    status: implemented\n    notes: the business goal is written down\n"
)


def test_the_stored_review_equals_an_upload_of_the_same_report(make_repo: MakeRepo, tmp_path: Path) -> None:
    repo = make_repo("payments", {"train.py": TRAIN, "requirements.txt": "torch\n", "mllens.yaml": ANSWERS})
    out = tmp_path / "out"
    with open_store(f"sqlite:///{tmp_path / 'fleet.db'}") as fleet_store, ProcessExecutor(workers=1) as executor:
        (entry,) = fleet_scan(expand([str(repo)]), executor=executor, store=fleet_store, out=out,
                              clone_cache=tmp_path / "clones")  # fmt: skip
        assert entry.status == "ok"
        from_fleet = latest_review(fleet_store, workload="payments")
        (line,) = visible_workloads(fleet_store, user=_admin(fleet_store)[0])
    with open_store(f"sqlite:///{tmp_path / 'upload.db'}") as upload_store:
        _user, token = _admin(upload_store)
        with TestClient(create_app(store=upload_store, secure_cookies=False), base_url="http://localhost") as client:
            response = client.post("/api/v1/workloads/payments/scans", content=(out / "payments.json").read_bytes(),
                                   headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        assert response.status_code == 201, response.text
        uploaded = latest_review(upload_store, workload="payments")
    assert from_fleet is not None and uploaded is not None
    assert review_to_stored_json(from_fleet) == review_to_stored_json(uploaded)
    assert from_fleet.workload.owner == "ml@acme.example"  # the workload's details came along
    assert (line.name, line.owner, line.environment) == ("payments", "ml@acme.example", "prod")
    assert line.risk_counts is not None and line.risk_counts.model_dump() == entry.risk_counts


def _admin(store: Store) -> tuple[UserInfo, str]:
    token = new_token()
    with store.transaction() as tx:
        user = add_user(tx, name="root", role="admin", password_hash=None)
        add_token(tx, user="root", name="upload", scope="upload", digest=token_digest(token))
    return user, token


def test_workloads_a_run_creates_go_into_its_team(make_repo: MakeRepo, tmp_path: Path) -> None:
    one, two = make_repo("one"), make_repo("two")
    with open_store(f"sqlite:///{tmp_path / 'fleet.db'}") as store, ProcessExecutor(workers=1) as executor:
        list(fleet_scan(expand([str(one)]), executor=executor, store=store, clone_cache=tmp_path, team="risk"))
        commit(one, {"serve.py": "import flask\n"})
        statuses = {e.name: e.status for e in fleet_scan(expand([str(one), str(two)]), executor=executor,
                                                          store=store, clone_cache=tmp_path, team="platform")}
        assert statuses == {"one": "ok", "two": "ok"}
        # a new workload goes into the run's team; one that exists keeps its own
        assert workload_teams(store) == {"one": "risk", "two": "platform"}
        editor = add_user(store, name="rita", role="editor", password_hash=None, teams=("risk",))
        assert [line.name for line in visible_workloads(store, user=editor)] == ["one"]
        with pytest.raises(StoreError, match="team name: expected 1 to 100 letters"):
            next(fleet_scan(expand([str(two)]), executor=executor, store=store, clone_cache=tmp_path, team="a b"))
