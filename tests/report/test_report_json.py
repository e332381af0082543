"""The JSON report: exactly the scan contract of design.md, plus namespaced extras."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from mllens import __version__
from mllens.answers.model import (
    AcceptedRisk,
    AnswersFile,
    PracticeAnswer,
    QuestionAnswer,
    Workload,
)
from mllens.errors import InputError
from mllens.lens import Lens, load_shipped_lens
from mllens.report import REPORTERS, ReportOptions, get_reporter
from mllens.report.json import CONTRACT_KEYS, EXTRA_KEYS, render
from mllens.review import Review, evaluate
from mllens.review.serialise import review_from_data
from mllens.scan.evidence import Evidence
from mllens.scan.result import Diagnostic, ScanResult

RISKS = ["HIGH", "MEDIUM", "NONE", "UNANSWERED", "NOT_APPLICABLE"]


@pytest.fixture(scope="module")
def lens() -> Lens:
    return load_shipped_lens()


@pytest.fixture(scope="module")
def review(lens: Lens) -> Review:
    finding = Evidence(
        rule="terraform.sagemaker_endpoint_kms", practice="MLSEC03-BP02", check="storage_encrypted_cmk",
        outcome="contradicts", file="infra/main.tf", line=42, message="no KMS key", confidence=0.9,
    )
    answers = AnswersFile(
        workload=Workload(name="fraud", owner="ml@acme.example"),
        answers={
            "MLPERF03-BP01": PracticeAnswer(status="missing"),
            "MLOPS01-BP01": PracticeAnswer(status="implemented"),
        },
        questions={"MLPERF05": QuestionAnswer(applicable=False)},
        accepted_risks=[
            AcceptedRisk(practice="MLPERF03-BP01", reason="r", owner="o", expires=dt.date(2027, 1, 1))
        ],
    )
    return evaluate(lens, [finding], answers)


SCAN = ScanResult(
    root="/work/fraud", files_scanned=123, duration_s=0.8123,
    diagnostics=[Diagnostic(file="nb.ipynb", kind="parse_error", message="bad JSON", line=2)],
)


def test_top_level_keys_are_the_contract_then_the_extras(review: Review) -> None:
    data = json.loads(render(review, scan=SCAN))
    assert list(data) == [
        "mllens_version", "lens", "project", "evidence", "practices", "questions", "summary",
        "workload", "plan", "accepted_risks", "diagnostics", "scan",
    ]
    assert list(data)[:7] == list(CONTRACT_KEYS)
    assert list(data)[7:] == list(EXTRA_KEYS)
    assert data["mllens_version"] == __version__
    assert data["lens"] == {"id": "ml", "version": review.lens_version}
    assert data["project"] == {"path": "/work/fraud", "files_scanned": 123, "duration_s": 0.812}


def test_evidence_practices_and_questions_have_exactly_the_contract_keys(review: Review) -> None:
    data = json.loads(render(review, scan=SCAN))
    assert data["evidence"] == [
        {
            "rule": "terraform.sagemaker_endpoint_kms", "practice": "MLSEC03-BP02",
            "check": "storage_encrypted_cmk", "outcome": "contradicts", "file": "infra/main.tf",
            "line": 42, "message": "no KMS key", "confidence": 0.9, "file_class": "project",
        }
    ]
    assert len(data["practices"]) == 105
    sec = next(p for p in data["practices"] if p["id"] == "MLSEC03-BP02")
    assert sec == {
        "id": "MLSEC03-BP02", "id_2023": "MLSEC-04", "question": "MLSEC03", "pillar": "security",
        "phase": "data_processing", "status": "missing", "source": "evidence",
    }
    ops = next(p for p in data["practices"] if p["id"] == "MLOPS01-BP01")
    assert (ops["status"], ops["source"]) == ("implemented", "answers")
    assert [q["id"] for q in data["questions"]][:3] == ["MLOPS01", "MLOPS02", "MLOPS03"]
    perf3 = next(q for q in data["questions"] if q["id"] == "MLPERF03")
    assert perf3 == {
        "id": "MLPERF03", "pillar": "performance_efficiency", "phase": "data_processing",
        "risk": "MEDIUM", "selected": [],
    }
    assert next(q for q in data["questions"] if q["id"] == "MLPERF05")["risk"] == "NOT_APPLICABLE"
    assert next(q for q in data["questions"] if q["id"] == "MLSEC03")["risk"] == "HIGH"


def test_summary_counts_every_pillar_and_phase(review: Review) -> None:
    summary = json.loads(render(review))["summary"]
    assert list(summary) == ["risk_counts", "by_pillar", "by_phase", "files_by_class"]
    assert summary["files_by_class"] == {  # no scan: no files, every class named
        "project": 0, "test": 0, "vendored": 0, "fixture": 0, "generated": 0, "docs": 0
    }
    assert summary["risk_counts"] == {
        "HIGH": 1, "MEDIUM": 1, "NONE": 0, "UNANSWERED": 32, "NOT_APPLICABLE": 1
    }
    assert list(summary["by_pillar"]) == [
        "operational_excellence", "security", "reliability",
        "performance_efficiency", "cost_optimization", "sustainability",
    ]
    assert summary["by_pillar"]["performance_efficiency"] == {
        "HIGH": 0, "MEDIUM": 1, "NONE": 0, "UNANSWERED": 4, "NOT_APPLICABLE": 1
    }
    assert all(list(counts) == RISKS for counts in summary["by_phase"].values())
    assert summary["by_phase"]["business_goal"]["UNANSWERED"] == 5


def test_extras_without_a_scan(review: Review) -> None:
    data = json.loads(render(review))
    assert data["project"] == {"path": None, "files_scanned": 0, "duration_s": 0.0}
    assert data["diagnostics"] == []
    assert data["workload"] == {"name": "fraud", "owner": "ml@acme.example"}
    assert data["accepted_risks"] == [
        {"practice": "MLPERF03-BP01", "reason": "r", "owner": "o", "expires": "2027-01-01"}
    ]
    assert data["plan"][0]["practice"] == "MLSEC03-BP02"
    assert data["plan"][0]["rank"] == 1
    assert data["plan"][-1]["practice"] == "MLPERF03-BP01"  # accepted: last
    assert data["plan"][-1]["accepted"] is True
    with_scan = json.loads(render(review, scan=SCAN))
    assert with_scan["diagnostics"] == [
        {"file": "nb.ipynb", "kind": "parse_error", "message": "bad JSON", "rule": None, "line": 2}
    ]


def test_a_report_reads_back_as_a_baseline(review: Review, lens: Lens) -> None:
    data = json.loads(render(review, scan=SCAN))
    back = review_from_data(data, lens=lens, file="base.json")
    assert [(q.id, q.risk) for q in back.questions] == [(q.id, q.risk) for q in review.questions]
    assert [(p.id, p.status) for p in back.practices] == [(p.id, p.status) for p in review.practices]
    assert back.summary == review.summary
    assert back.workload.name == "fraud"
    assert back.practice("MLSEC03-BP02").title == lens.practice("MLSEC03-BP02").title
    with pytest.raises(InputError, match=r"base\.json: not an mllens JSON report"):
        review_from_data({"questions": []}, lens=lens, file="base.json")


def test_registry_maps_names_to_reporters(review: Review) -> None:
    assert list(REPORTERS) == ["terminal", "markdown", "json", "html", "sarif"]
    assert get_reporter("json") is render
    assert json.loads(REPORTERS["json"](review, options=ReportOptions()))["lens"]["id"] == "ml"
    with pytest.raises(
        InputError, match=r"unknown report format 'xml' \(expected one of: terminal, markdown, json, html, sarif, pdf\)"
    ):
        get_reporter("xml")


PLAN_KEYS = {
    # the keys plan items have always had, kept
    "rank", "practice", "question", "pillar", "phase", "title", "risk_now", "risk_after", "status", "accepted",
    "steps", "stacks",
    # added: what kind of item, the checks it closes, the evidence behind it, the next step
    "kind", "checks", "evidence", "advice", "questions", "practices", "command",
}  # fmt: skip


def test_plan_items_carry_the_checks_they_close_and_their_evidence(example: tuple[Review, ScanResult]) -> None:
    review, scan = example
    plan = json.loads(render(review, scan=scan))["plan"]
    assert plan
    for item in plan:
        assert set(item) == PLAN_KEYS, item["rank"]
        assert item["kind"] in ("fix", "practice", "answer")
        assert all(isinstance(c, str) for c in item["checks"])
        for found in item["evidence"]:
            assert set(found) == {"rule", "file", "line", "message"}
            assert isinstance(found["line"], int | None) and found["file"] and found["rule"]
        if item["kind"] == "answer":
            assert item["command"].startswith("mllens review ") and item["questions"] and item["advice"] is None
        else:
            advice = item["advice"]
            assert advice["practice"] == item["practice"] and advice["text"]
            assert advice["check"] == (item["checks"][0] if item["checks"] else None)
    fixes = [i for i in plan if i["kind"] == "fix" and i["evidence"]]
    assert fixes and all(i["advice"]["source"] == "rule" and i["advice"]["snippet"] for i in fixes)
