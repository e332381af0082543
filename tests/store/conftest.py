"""Store fixtures: every test runs against SQLite and a real PostgreSQL server.

No test here may touch the user's real data directory: XDG_DATA_HOME points into the
test's tmp_path and MLLENS_DB is cleared, so even `open_store()` with no URL stays inside
the test's directory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from mllens.answers.model import AcceptedRisk, Workload
from mllens.lens import load_shipped_lens
from mllens.lens.model import Risk
from mllens.review.model import (
    CheckResult,
    CheckState,
    PlanStep,
    PracticeResult,
    PracticeStatus,
    QuestionResult,
    Review,
    RiskCounts,
    Source,
    Summary,
)
from mllens.review.plan import attach_guidance
from mllens.scan.evidence import Evidence
from mllens.store import Store
from mllens.store.models import Base

PILLARS = {"MLOPS": "operational_excellence", "MLSEC": "security", "MLCOST": "cost_optimization"}


@pytest.fixture(autouse=True)
def _isolated(isolated_data_dir: None) -> None:
    """Every test here keeps out of the user's data directory (tests/conftest.py)."""


Snapshot = Callable[[Store], dict[str, list[tuple[Any, ...]]]]


def _snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    with store.engine.connect() as conn:
        return {
            table.name: sorted(tuple(row) for row in conn.execute(select(table)))
            for table in Base.metadata.sorted_tables
        }


@pytest.fixture
def snapshot() -> Snapshot:
    """Every row of every table, to show that a failed write changed nothing."""
    return _snapshot


def build_review(
    *,
    workload: str = "fraud-detection",
    lens_version: str = "2025.11",
    practices: dict[str, PracticeStatus] | None = None,
    risks: dict[str, Risk] | None = None,
    generated_at: dt.datetime | None = None,
) -> Review:
    """A small but complete Review: evidence, checks, plan, accepted risk, awkward text."""
    practices = practices or {
        "MLSEC03-BP02": PracticeStatus.PARTIAL,
        "MLSEC03-BP01": PracticeStatus.IMPLEMENTED,
        "MLOPS02-BP04": PracticeStatus.MISSING,
        "MLCOST04-BP06": PracticeStatus.NOT_APPLICABLE,
    }
    risks = risks or {"MLSEC03": Risk.MEDIUM, "MLOPS02": Risk.HIGH, "MLCOST04": Risk.NONE}
    evidence = Evidence(
        rule="terraform.sagemaker_endpoint_kms",
        practice="MLSEC03-BP02",
        check="encryption_at_rest",
        outcome="supports",
        file="infra/main.tf",
        line=42,
        message='kms_key_id set on "fraud" endpoint — ünïcode ✓',
        confidence=0.1,
    )
    results = [
        PracticeResult(
            id=pid,
            id_2023=None,
            question=pid.split("-")[0],
            pillar=PILLARS[pid.split("-")[0].rstrip("0123456789")],
            phase="deployment",
            title=f"Practice {pid}",
            risk_if_missing="high",
            status=status,
            source=Source.BOTH,
            checks=[
                CheckResult(
                    id="encryption_at_rest",
                    kind="automated",
                    text="Data at rest is encrypted with a managed key",
                    state=CheckState.MET,
                    source=Source.EVIDENCE,
                    evidence_state=CheckState.MET,
                    answer_state=CheckState.NOT_MET,
                    evidence=[evidence],
                )
            ],
            notes="line one\nline two, with \"quotes\" and a tab\t",
            na_reason="out_of_scope" if status == PracticeStatus.NOT_APPLICABLE else None,
        )
        for pid, status in practices.items()
    ]
    questions = [
        QuestionResult(
            id=qid,
            pillar=PILLARS[qid.rstrip("0123456789")],
            phase="deployment",
            title=f"Question {qid}",
            risk=risk,
            selected=[p for p in practices if p.startswith(qid)][:1],
        )
        for qid, risk in risks.items()
    ]
    counts = RiskCounts()
    for question in questions:
        counts.add(question.risk)
    review = Review(
        lens_id="ml",
        lens_version=lens_version,
        workload=Workload(name=workload, owner="ml-platform@acme.example", environment="prod"),
        generated_at=generated_at
        or dt.datetime(2025, 3, 4, 5, 6, 7, 891011, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        evidence=[evidence],
        practices=results,
        questions=questions,
        summary=Summary(risk_counts=counts, by_pillar={"security": counts}, by_phase={}),
        plan=[
            PlanStep(
                rank=1,
                practice="MLOPS02-BP04",
                question="MLOPS02",
                pillar="operational_excellence",
                phase="deployment",
                title="Track experiments",
                risk_now=Risk.HIGH,
                risk_after=Risk.NONE,
                status=PracticeStatus.MISSING,
            )
        ],
        accepted_risks=[
            AcceptedRisk(
                practice="MLCOST04-BP06", reason="spot capacity unreliable", owner="alice",
                expires=dt.date(2027, 3, 31),
            )
        ],
    )
    # A review fresh from the engine carries the lens's how-to text in its plan.
    return attach_guidance(review, load_shipped_lens())


@pytest.fixture
def make_review() -> Callable[..., Review]:
    return build_review
