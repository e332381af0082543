"""mllens.web.demo: the example project stored as an upload stores it, two milestones, a
first admin; on SQLite and PostgreSQL (the `mllens serve --demo` process: tests/cli)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from webpeople import login

from mllens.errors import InputError
from mllens.lens import load_shipped_lens
from mllens.store import Store, latest_review, list_milestones
from mllens.store.access import workload_teams
from mllens.web.demo import ANSWERED_MILESTONE, FIRST_MILESTONE, build_demo, example_project
from mllens.web.sync import sync_view

WORKLOAD = "card-fraud-scoring"


@pytest.fixture
def project() -> Path:
    found = example_project()
    assert found is not None, "examples/fraud-detection is part of the source tree"
    return found


def test_demo_stores_the_example_with_its_answers_and_two_milestones(store: Store, project: Path) -> None:
    demo = build_demo(store, project=project)
    assert (demo.workload, demo.user) == (WORKLOAD, "admin")
    review = latest_review(store, workload=WORKLOAD)
    assert review is not None and review.workload.owner == "risk-ml@acme.example"
    assert workload_teams(store) == {WORKLOAD: "demo"}
    milestones = list_milestones(store, workload=WORKLOAD)
    assert [m.name for m in milestones] == [FIRST_MILESTONE, ANSWERED_MILESTONE]
    first, answered = (m.risk_counts for m in milestones)
    assert first.UNANSWERED > answered.UNANSWERED  # the answers made a difference the trend shows
    view = sync_view(store, workload=WORKLOAD, review=review, lens=load_shipped_lens(review.lens_id))
    assert view.conflicts == [] and view.uploaded["MLOPS01-BP01"].status == "implemented"


def test_demo_admin_logs_in_and_walks_portfolio_trend_and_compare(
    store: Store, project: Path, client: TestClient
) -> None:
    demo = build_demo(store, project=project)
    login(client, demo.user, demo.password)
    portfolio = client.get("/")
    assert f'href="/workloads/{WORKLOAD}"' in portfolio.text and "no milestones" not in portfolio.text
    compare = client.get(f"/workloads/{WORKLOAD}/compare", params={"a": FIRST_MILESTONE, "b": ANSWERED_MILESTONE})
    assert compare.status_code == 200 and FIRST_MILESTONE in compare.text


def test_demo_refuses_a_store_already_in_use(store: Store, project: Path) -> None:
    build_demo(store, project=project)
    with pytest.raises(InputError, match=r"--demo fills an empty store, but this one holds 1 user\(s\) and 1 workload"):
        build_demo(store, project=project)
    with pytest.raises(InputError, match="--demo-project: expected a project folder"):
        build_demo(store, project=project / "missing")
