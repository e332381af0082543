"""review_project: lens + mllens.yaml + (injected) scan -> Review."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mllens.errors import AnswersError, InputError
from mllens.lens import Risk, load_lens
from mllens.review import PracticeStatus, Source
from mllens.scan.evidence import Evidence
from mllens.scan.result import ScanResult
from mllens.workflow import review_project

MINI_LENS = Path(__file__).parent / "review" / "data" / "mini_lens"


class FakeScan:
    """Stands in for mllens.scan.run.run_scan and records how it was called."""

    def __init__(self, evidence: list[Evidence]) -> None:
        self.evidence = evidence
        self.calls: list[tuple[str, bool, bool]] = []

    def __call__(self, path: str, *, use_cache: bool = True, progress: bool = False, **options: object) -> ScanResult:
        self.calls.append((path, use_cache, progress))
        return ScanResult(root=path, files_scanned=3, duration_s=0.2, evidence=self.evidence)


def finding(practice: str, check: str, outcome: str) -> Evidence:
    return Evidence(
        rule="test.rule", practice=practice, check=check, outcome=outcome,  # type: ignore[arg-type]
        file="deploy.yml", line=4, message="seen", confidence=1.0,
    )


def test_without_mllens_yaml_the_workload_is_named_after_the_folder(tmp_path: Path) -> None:
    project = tmp_path / "churn-model"
    project.mkdir()
    scan = FakeScan([finding("MLREL04-BP01", "automated_deployment", "contradicts")])
    review, result = review_project(project, scan=scan, use_cache=False)
    assert review.workload.name == "churn-model"
    assert review.lens_id == "ml"
    assert scan.calls == [(str(project), False, False)]
    assert result.files_scanned == 3
    practice = review.practice("MLREL04-BP01")
    assert (practice.status, practice.source) == (PracticeStatus.MISSING, Source.EVIDENCE)
    # BP02 unknown cannot save MLREL04: it is HIGH either way.
    assert review.question("MLREL04").risk is Risk.HIGH


def test_answers_and_evidence_are_merged_and_today_judges_expiry(tmp_path: Path) -> None:
    (tmp_path / "mllens.yaml").write_text(
        "workload: {name: fraud}\n"
        "answers:\n"
        "  MLREL-11: {status: implemented}\n"  # 2023 id of MLREL04-BP02
        "accepted_risks:\n"
        "  - {practice: MLREL04-BP01, reason: r, owner: o, expires: 2026-03-01}\n",
        encoding="utf-8",
    )
    scan = FakeScan([finding("MLREL04-BP01", "automated_deployment", "supports")])
    review, _ = review_project(tmp_path, scan=scan, today=dt.date(2026, 4, 1))
    assert review.workload.name == "fraud"
    assert review.practice("MLREL04-BP02").status is PracticeStatus.IMPLEMENTED
    assert review.practice("MLREL04-BP02").source is Source.ANSWERS
    deploy = review.practice("MLREL04-BP01")
    assert next(c for c in deploy.checks if c.id == "automated_deployment").evidence[0].file == "deploy.yml"
    assert review.practice("MLREL04-BP01").accepted_expired is True


def test_a_given_lens_is_used(tmp_path: Path) -> None:
    (tmp_path / "mllens.yaml").write_text(
        "workload: {name: w}\nlens: mini\nanswers:\n  SEC-A: {status: missing}\n", encoding="utf-8"
    )
    review, _ = review_project(tmp_path, lens=load_lens(MINI_LENS), scan=FakeScan([]))
    assert review.lens_id == "mini"
    assert review.question("SEC1").risk is Risk.HIGH


def test_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="expected a project folder"):
        review_project(tmp_path / "nowhere", scan=FakeScan([]))
    (tmp_path / "mllens.yaml").write_text("workload: {name: w}\nlens: genai\n", encoding="utf-8")
    with pytest.raises(AnswersError) as info:
        review_project(tmp_path, scan=FakeScan([]))
    assert info.value.field == "lens"
    assert "'genai' is not a lens shipped with mllens" in str(info.value)
