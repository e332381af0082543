"""mllens fleet report, the library: over a store of three repositories, the heat map's
cells, the totals per pillar and phase, the repositories worse since a date, the CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from fleetrepos import write

from mllens.fleet.html import fleet_report_html
from mllens.fleet.report import FleetReport, build_report, render_report
from mllens.review.model import Review
from mllens.store import Store, open_store, save_review
from mllens.workflow import review_project

TRAIN = "import mlflow\nmlflow.log_metric('auc', 0.9)\n"


def review_of(tmp_path: Path, name: str, business_goal: str) -> Review:
    """A small project whose business-goal practice (MLOPS01-BP01) is answered `business_goal`."""
    root = tmp_path / "projects" / f"{name}-{business_goal}"
    answers = f"workload:\n  name: {name}\nanswers:\n  MLOPS01-BP01:\n    status: {business_goal}\n"
    write(root, {"train.py": TRAIN, "mllens.yaml": answers})
    review, _ = review_project(root, use_cache=False)
    return review


def at(month: int) -> dt.datetime:
    return dt.datetime(2025, month, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """alpha: fixed in March; beta: got worse in March; gamma: one scan, in January."""
    missing, implemented = review_of(tmp_path, "x", "missing"), review_of(tmp_path, "x", "implemented")
    opened = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    for name, old, new in (("alpha", missing, implemented), ("beta", implemented, missing)):
        save_review(opened, review=old, workload=name, created_at=at(1), git_commit=f"{name}1")
        save_review(opened, review=new, workload=name, created_at=at(3), git_commit=f"{name}2")
    save_review(opened, review=missing, workload="gamma", created_at=at(1))
    return opened


def report(store: Store, since: dt.date | None = None) -> FleetReport:
    with store:
        return build_report(store, since=since)


def test_the_heat_map_has_each_repositorys_latest_risk_per_question(store: Store) -> None:
    found = report(store)
    assert found.heat_map.workloads == ["alpha", "beta", "gamma"]
    row = next(r for r in found.heat_map.rows if r.question == "MLOPS01")
    assert row.risks == {"alpha": "UNANSWERED", "beta": "HIGH", "gamma": "HIGH"}
    assert (row.HIGH, row.MEDIUM) == (2, 0)
    assert found.heat_map.rows[0].HIGH >= row.HIGH  # most HIGH first
    assert [(line.name, line.scans, line.commit) for line in found.repositories] == [
        ("alpha", 2, "alpha2"), ("beta", 2, "beta2"), ("gamma", 1, None),
    ]  # fmt: skip


def test_totals_count_every_question_of_the_latest_scans_per_pillar_and_phase(store: Store) -> None:
    found = report(store)
    totals = found.totals
    assert totals.by_pillar["operational_excellence"].HIGH == 2  # beta and gamma's MLOPS01
    assert totals.by_phase["business_goal"].HIGH == 2
    assert sum(c.HIGH for c in totals.by_pillar.values()) == totals.risk_counts.HIGH
    assert sum(c.HIGH + c.MEDIUM + c.NONE + c.UNANSWERED + c.NOT_APPLICABLE
               for c in totals.by_pillar.values()) == 3 * 35  # fmt: skip
    assert len(totals.by_pillar) == 6 and len(totals.by_phase) == 6


def test_the_repositories_worse_since_a_date_compare_their_scans_before_and_after_it(store: Store) -> None:
    found = report(store, since=dt.date(2025, 2, 1))
    assert found.worse is not None
    assert [w.workload for w in found.worse] == ["beta"]  # alpha got better, gamma has no scan since
    assert found.worse[0].after.HIGH == found.worse[0].before.HIGH + 1
    assert ("MLOPS01", "UNANSWERED", "HIGH") in found.worse[0].questions
    assert report(store, since=dt.date(2025, 4, 1)).worse == []  # nothing scanned since
    assert report(store).worse is None


def test_csv_json_and_html(store: Store) -> None:
    found = report(store, since=dt.date(2025, 2, 1))
    rows = list(csv.reader(io.StringIO(render_report(found, fmt="csv"))))
    assert rows[0] == ["question", "title", "pillar", "phase", "HIGH", "MEDIUM", "alpha", "beta", "gamma"]
    assert len(rows) == 1 + 35
    assert next(r for r in rows if r[0] == "MLOPS01")[4:] == ["2", "0", "UNANSWERED", "HIGH", "HIGH"]
    data = json.loads(render_report(found, fmt="json"))
    assert set(data) == {"generated_at", "since", "repositories", "totals", "heat_map", "worse"}
    page = fleet_report_html(found)
    cells = page.split('<th scope="row" class="q"><code>MLOPS01</code>', 1)[1].split("</tr>", 1)[0]
    assert cells.count('<td class="risk-high">▲ HIGH</td>') == 2  # the risk written in the cell, not only its colour
    assert '<td class="risk-unanswered">' in cells
    assert "Worse since 2025-02-01" in page and '<th scope="row">beta</th>' in page
    assert "<script" not in page
