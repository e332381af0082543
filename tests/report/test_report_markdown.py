"""The Markdown (pull-request comment) report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mllens.answers.model import AcceptedRisk, AnswersFile, PracticeAnswer, Workload
from mllens.lens import load_lens, load_shipped_lens
from mllens.report import REPORTERS, ReportOptions
from mllens.report.markdown import render
from mllens.review import Review, evaluate
from mllens.scan.evidence import Evidence
from mllens.scan.result import Diagnostic, ScanResult

MINI_LENS = Path(__file__).parents[1] / "review" / "data" / "mini_lens"

STATUSES = {
    "SEC1-A": "missing",
    "SEC1-B": "partial",
    "SEC2-A": "missing",
    "REL2-A": "missing",
    "REL2-B": "implemented",
}


def mini_review(statuses: dict[str, str], **kw: object) -> Review:
    answers = AnswersFile(
        workload=Workload(name="fraud"),
        answers={k: PracticeAnswer(status=v) for k, v in statuses.items()},  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )
    return evaluate(load_lens(MINI_LENS), [], answers, today=dt.date(2026, 6, 1))


def test_header_counts_and_compact_grid() -> None:
    text = render(mini_review(STATUSES))
    assert text.startswith(
        "### mllens review: fraud\n\n"
        "Lens mini 0.1 · 2 HIGH · 1 MEDIUM · 0 no risk · 0 unanswered · 0 n/a\n\n"
        "| Phase | Security | Reliability |\n"
        "|---|---|---|\n"
        "| Business goal | 🔴 SEC1 HIGH |  |\n"
        "| Deployment | 🟠 SEC2 MEDIUM | 🔴 REL2 HIGH |\n"
    )


def test_top_five_actions_follow_the_plan() -> None:
    text = render(mini_review(STATUSES))
    assert (
        "#### Top 5 actions\n\n"
        "1. **REL2-A** Automate deployment (REL2: HIGH → no risk): Deploy from a pipeline\n"
        "2. **SEC1-A** Encrypt data (SEC1: HIGH → MEDIUM): Turn on encryption with a managed key\n"
        "3. **SEC1-B** Log access (SEC1: HIGH → HIGH): Turn on access logging\n"
        "4. **SEC1-C** Review access (SEC1: HIGH → HIGH): put this practice in place\n"
        "5. **SEC2-A** Authenticate callers (SEC2: MEDIUM → no risk): put this practice in place\n"
    ) in text


def test_accepted_risks_leave_the_actions_and_top_is_an_option() -> None:
    review = mini_review(
        STATUSES,
        accepted_risks=[
            AcceptedRisk(practice="REL2-A", reason="r", owner="o", expires=dt.date(2027, 1, 1))
        ],
    )
    text = render(review, options=ReportOptions(top=2))
    assert "Accepted risks: 1\n" in text
    assert "#### Top 2 actions\n\n1. **SEC1-A**" in text
    assert "\n2. **SEC1-B**" in text
    assert "REL2-A" not in text.split("#### Top 2 actions")[1]


def test_changes_against_a_baseline() -> None:
    before = mini_review(STATUSES)
    now = mini_review({**STATUSES, "REL2-A": "implemented", "SEC2-A": "implemented"})
    text = render(now, baseline=before)
    assert (
        "#### Changes since the baseline\n\n"
        "Counts: HIGH 2 → 1 (-1), MEDIUM 1 → 0 (-1), no risk 0 → 2 (+2).\n\n"
        "| Question | Before | Now | |\n"
        "|---|---|---|---|\n"
        "| SEC2 | 🟠 MEDIUM | 🟢 no risk | better |\n"
        "| REL2 | 🔴 HIGH | 🟢 no risk | better |\n"
    ) in text
    assert "No question changed its risk." in render(before, baseline=before)


def test_disagreements_and_diagnostics_are_counted() -> None:
    lens = load_shipped_lens()
    finding = Evidence(
        rule="test.rule", practice="MLSEC03-BP02", check="private_networking",
        outcome="contradicts", file="infra/main.tf", line=3, message="public subnet", confidence=1,
    )
    answers = AnswersFile(
        workload=Workload(name="w"),
        answers={"MLSEC03-BP02": PracticeAnswer(checks={"private_networking": "met"})},
    )
    review = evaluate(lens, [finding], answers)
    scan = ScanResult(
        root="/p", files_scanned=5, duration_s=0.1,
        diagnostics=[Diagnostic(file="x.tf", kind="parse_error", message="bad HCL")],
    )
    text = REPORTERS["markdown"](review, scan=scan, options=ReportOptions())
    assert "1 checks where the files and the team's answers disagree." in text
    assert "1 files could not be read or parsed (see the JSON report)." in text
    assert "| Business goal | ⚪ MLOPS01 unanswered | ⚪ MLSEC01 unanswered |  |" in text
