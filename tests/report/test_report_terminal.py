"""The terminal report: grid, counts, HIGH risks with what to do, disagreements, scan facts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mllens.answers.model import (
    AcceptedRisk,
    AnswersFile,
    PracticeAnswer,
    QuestionAnswer,
    Workload,
)
from mllens.lens import Lens, load_lens, load_shipped_lens
from mllens.report import REPORTERS, ReportOptions
from mllens.report.terminal import render
from mllens.review import Review, evaluate
from mllens.scan.evidence import Evidence
from mllens.scan.result import Diagnostic, ScanResult

MINI_LENS = Path(__file__).parents[1] / "review" / "data" / "mini_lens"


def finding(practice: str, check: str, outcome: str, *, file: str = "infra/main.tf", line: int = 7) -> Evidence:
    return Evidence(
        rule="test.rule", practice=practice, check=check, outcome=outcome,  # type: ignore[arg-type]
        file=file, line=line, message=f"{check} is {outcome}", confidence=0.9,
    )


@pytest.fixture(scope="module")
def mini_review() -> Review:
    lens = load_lens(MINI_LENS)
    answers = AnswersFile(
        workload=Workload(name="fraud"),
        answers={
            "SEC1-A": PracticeAnswer(checks={"key_rotation": "met"}),
            "SEC2-A": PracticeAnswer(status="implemented"),
        },
        accepted_risks=[
            AcceptedRisk(practice="SEC1-B", reason="r", owner="ana", expires=dt.date(2027, 1, 1))
        ],
    )
    evidence = [
        finding("SEC1-A", "encrypted", "contradicts", line=7),
        finding("SEC1-A", "key_rotation", "contradicts", line=9),
        finding("SEC1-B", "logs", "contradicts", line=12),
    ]
    return evaluate(lens, evidence, answers, today=dt.date(2026, 6, 1))


def grid_rows(text: str) -> list[list[str]]:
    """The body rows of the first table, each cell's lines joined by a space."""
    rows: list[list[str]] = []
    current: list[list[str]] = []
    started = False
    for line in text.splitlines():
        if line.startswith("┡"):
            started = True
        elif started and line.startswith("│"):
            current.append([c.strip() for c in line.strip("│").split("│")])
        elif started and line.startswith(("├", "└")):
            rows.append([" ".join(p for p in parts if p) for parts in zip(*current, strict=True)])
            current = []
            if line.startswith("└"):
                break
    return rows


def test_grid_has_phases_as_rows_pillars_as_columns_and_a_blank_cell(mini_review: Review) -> None:
    text = render(mini_review, options=ReportOptions(width=100))
    assert "┃ Phase         ┃ SEC  ┃ REL  ┃" in text
    assert grid_rows(text) == [
        ["Business goal", "SEC1 HIGH", ""],
        ["Deployment", "SEC2 ok", "REL2 ?"],
    ]
    assert "SEC Security · REL Reliability" in text
    assert "HIGH, MEDIUM: risk · ok: no risk · ?: unanswered · n/a: not applicable" in text


def test_counts_and_accepted_risks(mini_review: Review) -> None:
    text = render(mini_review, options=ReportOptions(width=100))
    assert "Questions: 1 HIGH · 0 MEDIUM · 1 no risk · 1 unanswered · 0 n/a" in text
    assert "Accepted risks: 1\n" in text


def test_high_risks_list_missing_practices_with_evidence_and_first_step(mini_review: Review) -> None:
    text = render(mini_review, options=ReportOptions(width=120, stack="aws"))
    section = text[text.index("HIGH risks (1)"):text.index("Evidence and answers disagree")]
    assert "SEC1 HIGH · Security / Business goal · How do you protect data?" in section
    assert "✗ SEC1-A Encrypt data [partial]" in section
    # The team says the key rotates, so only the encryption finding is listed as proof.
    assert "infra/main.tf:7: encrypted is contradicts" in section
    assert "infra/main.tf:9" not in section
    assert "→ Turn on encryption with a managed key" in section
    assert "aws: Use a KMS key" in section
    assert "✗ SEC1-B Log access [missing] (risk accepted by ana, until 2027-01-01)" in section
    assert "→ Turn on access logging" in section
    assert "? not yet known: SEC1-C" in section


def test_disagreements_and_scan_facts_close_the_report(mini_review: Review) -> None:
    scan = ScanResult(
        root="/p", files_scanned=12, duration_s=0.46,
        diagnostics=[Diagnostic(file="a.ipynb", kind="parse_error", message="bad JSON")],
    )
    text = render(mini_review, scan=scan, options=ReportOptions(width=120))
    assert "Evidence and answers disagree (1)" in text
    assert "SEC1-A key_rotation: the files say not met, the team says met (infra/main.tf:9)" in text
    assert text.rstrip().endswith(
        "Scanned 12 files in 0.5s: 3 findings, 1 diagnostics (files that could not be read or parsed)"
    )


def test_colour_is_never_the_only_signal(mini_review: Review) -> None:
    plain = render(mini_review, options=ReportOptions(width=100))
    coloured = render(mini_review, options=ReportOptions(width=100, color=True))
    assert "\x1b[" not in plain
    assert "\x1b[" in coloured
    assert "SEC1" in coloured and "HIGH" in coloured


def test_shipped_lens_grid_leaves_reliability_business_goal_blank() -> None:
    lens: Lens = load_shipped_lens()
    review = evaluate(
        lens,
        [finding("MLSEC03-BP02", "no_secrets_in_code", "contradicts", file="train.py", line=3)],
        AnswersFile(
            workload=Workload(name="w"),
            questions={"MLPERF05": QuestionAnswer(applicable=False)},
        ),
    )
    text = REPORTERS["terminal"](review, options=ReportOptions(width=100))
    rows = grid_rows(text)
    assert [r[0] for r in rows] == [
        "Business goal", "Problem framing", "Data processing",
        "Model development", "Deployment", "Monitoring",
    ]
    assert rows[0] == ["Business goal", "MLOPS01 ?", "MLSEC01 ?", "", "MLPERF01 ?", "MLCOST01 ?", "MLSUS01 ?"]
    assert rows[2][2] == "MLSEC03 HIGH"
    assert rows[4][4] == "MLPERF05 n/a"
    assert "train.py:3: no_secrets_in_code is contradicts" in text
