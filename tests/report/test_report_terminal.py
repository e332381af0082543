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
from mllens.review.advice import as_found, step_for_check, syntax_of
from mllens.scan.evidence import Evidence
from mllens.scan.registry import all_rules
from mllens.scan.result import Diagnostic, ScanResult

MINI_LENS = Path(__file__).parents[1] / "review" / "data" / "mini_lens"


def finding(
    practice: str, check: str, outcome: str, *, file: str = "infra/main.tf", line: int = 7,
    rule: str = "test.rule", message: str | None = None,
) -> Evidence:
    return Evidence(
        rule=rule, practice=practice, check=check, outcome=outcome,  # type: ignore[arg-type]
        file=file, line=line, message=message or f"{check} is {outcome}", confidence=0.9,
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
    assert "┃ Phase         ┃ SEC  ┃    REL     ┃" in text
    assert grid_rows(text) == [
        ["Business goal", "SEC1 HIGH", ""],
        ["Deployment", "SEC2 NONE", "REL2 UNANSWERED"],
    ]
    assert "SEC Security · REL Reliability" in text
    assert "NONE = no risk found" in text


def test_counts_and_accepted_risks(mini_review: Review) -> None:
    text = render(mini_review, options=ReportOptions(width=100))
    assert "Questions: 1 HIGH · 0 MEDIUM · 1 NONE · 1 UNANSWERED · 0 NOT APPLICABLE" in text
    # SEC1 is also HIGH for SEC1-A, which nobody accepted: the question is not accepted.
    assert "Accepted risks: 1 practice\n" in text
    assert "accepted)" not in text.split("Accepted risks")[0]


def test_high_risks_list_missing_practices_with_evidence_and_first_step(mini_review: Review) -> None:
    text = render(mini_review, options=ReportOptions(width=120, stack="aws"))
    section = text[text.index("HIGH risks (1)"):text.index("Evidence and answers disagree")]
    assert "SEC1 HIGH · Security / Business goal · How do you protect data?" in section
    assert "✗ SEC1-A Encrypt data [partial]" in section
    # The team says the key rotates, so only the encryption finding is listed as proof.
    assert "infra/main.tf:7: encrypted is contradicts (test.rule)" in section
    assert "infra/main.tf:9" not in section
    assert "→ Turn on encryption with a managed key" in section
    assert "aws: Use a KMS key" in section
    assert "✗ SEC1-B Log access [missing] (accepted until 2027-01-01, owner ana)" in section
    assert "→ Turn on access logging" in section
    assert "? unknown: SEC1-C" in section


def test_disagreements_and_scan_facts_close_the_report(mini_review: Review) -> None:
    scan = ScanResult(
        root="/p", files_scanned=12, duration_s=0.46,
        diagnostics=[Diagnostic(file="a.ipynb", kind="parse_error", message="bad JSON")],
    )
    text = render(mini_review, scan=scan, options=ReportOptions(width=120))
    assert "Evidence and answers disagree (1)" in text
    assert "SEC1-A key_rotation: the files say not met, the team says met (infra/main.tf:9)" in text
    assert text.rstrip().endswith(
        "Scanned 12 files in 0.5s: 3 findings, 1 diagnostics (files that could not be read or parsed)\n"
        "  a.ipynb: parse_error: bad JSON\n"
        "1 question is UNANSWERED: answer them with `mllens review /p`"
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
    assert rows[0] == [
        "Business goal", "MLOPS01 UNANSWERED", "MLSEC01 UNANSWERED", "",
        "MLPERF01 UNANSWERED", "MLCOST01 UNANSWERED", "MLSUS01 UNANSWERED",
    ]
    assert rows[2][2] == "MLSEC03 HIGH"
    assert rows[4][4] == "MLPERF05 NOT APPLICABLE"
    assert "train.py:3: no_secrets_in_code is contradicts" in text


def accepted_review(*, today: dt.date) -> Review:
    """SEC1 HIGH with every missing practice accepted (two owners), REL2 HIGH and open."""
    answers = AnswersFile(
        workload=Workload(name="fraud"),
        answers={
            "SEC1-A": PracticeAnswer(status="missing"),
            "SEC1-B": PracticeAnswer(status="missing"),
            "SEC1-C": PracticeAnswer(status="missing"),
            "REL2-A": PracticeAnswer(status="missing"),
        },
        accepted_risks=[
            AcceptedRisk(practice="SEC1-A", reason="r", owner="bob", expires=dt.date(2027, 3, 1)),
            AcceptedRisk(practice="SEC1-B", reason="r", owner="ana", expires=dt.date(2027, 1, 1)),
            AcceptedRisk(practice="SEC1-C", reason="r", owner="ana", expires=dt.date(2027, 6, 1)),
        ],
    )
    return evaluate(load_lens(MINI_LENS), [], answers, today=today)


def test_an_accepted_high_keeps_its_risk_is_counted_apart_and_comes_last() -> None:
    text = render(accepted_review(today=dt.date(2026, 6, 1)), options=ReportOptions(width=120))
    assert "Questions: 2 HIGH (1 accepted) · 0 MEDIUM · 0 NONE · 1 UNANSWERED · 0 NOT APPLICABLE" in text
    assert "Accepted risks: 3 practices\n" in text
    assert grid_rows(text)[0] == ["Business goal", "SEC1 HIGH ⚑", ""]
    assert grid_rows(text)[1][2] == "REL2 HIGH"  # open: no flag
    assert "⚑ = risk accepted by the team" in text
    section = text[text.index("HIGH risks (2, 1 accepted)"):]
    # The question keeps HIGH; the first acceptance to run out dates it; open risks first.
    accepted = section.index("SEC1 HIGH (accepted until 2027-01-01, owner ana, bob) · Security / Business goal")
    assert section.index("REL2 HIGH · Reliability / Deployment") < accepted
    assert "✗ SEC1-B Log access [missing] (accepted until 2027-01-01, owner ana)" in section


def test_an_expired_acceptance_is_shown_and_no_longer_counted() -> None:
    text = render(accepted_review(today=dt.date(2027, 2, 1)), options=ReportOptions(width=120))
    assert "Questions: 2 HIGH · 0 MEDIUM" in text
    assert "Accepted risks: 3 practices (1 expired)" in text
    assert grid_rows(text)[0] == ["Business goal", "SEC1 HIGH", ""]
    assert "⚑" not in text
    assert "HIGH risks (2)\n" in text
    assert "SEC1 HIGH (acceptance expired 2027-01-01, owner ana, bob) · Security" in text
    assert "✗ SEC1-B Log access [missing] (acceptance expired 2027-01-01, owner ana)" in text


LONG_RULE = "platform_resources.iam_sagemaker_guardrails"
LONG_MESSAGE = "the role lets every principal call every SageMaker action on every resource in the account"


@pytest.fixture(scope="module")
def long_review() -> Review:
    lens = load_shipped_lens()
    evidence = [
        finding("MLSEC03-BP01", "least_privilege_iam", "contradicts", file="infra/platform/iam/roles.yaml",
                line=120, rule=LONG_RULE, message=LONG_MESSAGE),
    ]
    return evaluate(lens, evidence, AnswersFile(workload=Workload(name="w")))


@pytest.mark.parametrize("width", [40, 80])
def test_piped_output_cuts_no_id_and_keeps_each_finding_on_one_line(long_review: Review, width: int) -> None:
    text = render(long_review, options=ReportOptions(width=width))  # no colour: a pipe or a file
    assert f"      infra/platform/iam/roles.yaml:120: {LONG_MESSAGE} ({LONG_RULE})\n" in text
    assert "…" not in text
    ids = [cell.split()[0] for row in grid_rows(text) for cell in row[1:] if cell]
    assert sorted(ids) == sorted(q.id for q in long_review.questions)
    assert "MLSEC03 HIGH" in [cell for row in grid_rows(text) for cell in row]


@pytest.mark.parametrize("width", [40, 80])
def test_a_narrow_terminal_wraps_at_spaces_but_never_inside_an_id(long_review: Review, width: int) -> None:
    text = render(long_review, options=ReportOptions(width=width, wrap=True))
    assert LONG_RULE in text and "…" not in text
    ids = [cell.split()[0] for row in grid_rows(text) for cell in row[1:] if cell]
    assert sorted(ids) == sorted(q.id for q in long_review.questions)
    after_grid = text[text.index("NONE = no risk found"):]
    for line in after_grid.splitlines():
        # A line is over the width only when it is one word too long to break.
        assert len(line) <= width or " " not in line.strip(), line
    assert f"({LONG_RULE})" in after_grid.split()


def test_diagnostics_name_the_first_ten_files_then_how_many_more(mini_review: Review) -> None:
    diagnostics = [
        Diagnostic(file=f"notebooks/n{i:02}.ipynb", kind="parse_error", message="bad JSON") for i in range(12)
    ]
    diagnostics[3] = Diagnostic(file="src/x.py", kind="rule_error", message="rule failed", rule="python_code.r", line=4)
    scan = ScanResult(root="/p", files_scanned=20, duration_s=0.1, diagnostics=diagnostics)
    text = render(mini_review, scan=scan, options=ReportOptions(width=100))
    for i in (0, 1, 2, 4, 9):
        assert f"  notebooks/n{i:02}.ipynb: parse_error: bad JSON\n" in text
    assert "  src/x.py:4: rule_error: rule failed (python_code.r)\n" in text
    assert "n10.ipynb" not in text and "n11.ipynb" not in text
    assert "  and 2 more (the JSON report lists them all)\n" in text


def test_after_a_scan_unanswered_questions_point_to_mllens_review(mini_review: Review) -> None:
    scan = ScanResult(root="/work/my project", files_scanned=1, duration_s=0.1)
    text = render(mini_review, scan=scan, options=ReportOptions(width=100))
    assert text.endswith("1 question is UNANSWERED: answer them with `mllens review '/work/my project'`\n")
    assert "mllens review '" not in render(mini_review, options=ReportOptions(width=100))  # no scan, no path
    answered = accepted_review(today=dt.date(2026, 6, 1))
    answered_all = evaluate(
        load_lens(MINI_LENS), [],
        AnswersFile(workload=Workload(name="f"), answers={
            p.id: PracticeAnswer(status="implemented") for p in answered.practices
        }),
    )
    assert answered_all.summary.risk_counts.UNANSWERED == 0
    assert "UNANSWERED:" not in render(answered_all, scan=scan, options=ReportOptions(width=100))


def test_on_the_example_each_gap_shown_comes_with_its_own_fix(example: tuple[Review, ScanResult]) -> None:
    """Each failing check's findings are followed by that check's next step and the
    failing rule's fix for the file's syntax (from the registry), never another check's."""
    review, scan = example
    lens = load_shipped_lens()
    rules = all_rules()
    text = render(review, scan=scan, options=ReportOptions(width=200, wrap=False))
    high = text[text.index("HIGH risks"):]
    shown = 0
    for q in (q for q in review.questions if q.risk.value == "HIGH"):
        for pid in q.missing:
            practice = review.practice(pid)
            for check in (c for c in practice.checks if c.state.value == "not_met"):
                proof = [e for e in check.evidence if e.outcome == "contradicts"]
                if not proof:
                    continue
                first = proof[0]
                at = high.index(f"{first.file}:{first.line}: {first.message} ({first.rule})", high.index(f"✗ {pid} "))
                advice_line = high[high.index("→ ", at) + 2:].split("\n", 1)[0]
                lens_check = lens.practice(pid).check(check.id)
                assert lens_check is not None
                step, _ = step_for_check(lens.practice(pid), lens_check, found=first.message)
                expected = step.text if step is not None else f"Make this hold: {lens_check.text.rstrip('.')}."
                assert advice_line == expected, (pid, check.id)
                fixes = {str(k): v for k, v in rules[first.rule].meta.fix.items()}
                syntax = syntax_of(as_found(first), fixes)
                assert syntax is not None, first.rule  # every rule failing on the example has a fix for its file
                block = high[at:]
                assert f"fix ({syntax}, {first.rule}):" in block.split("\n  ✗", 1)[0]
                for line in fixes[syntax].strip().splitlines():
                    assert line.rstrip() in block
                shown += 1
    assert shown >= 7  # data capture (twice), IAM, networking, root, deserialisation, instances, validation
    # The issue's wrong advice: a met check's step under other checks' findings.
    networking = high[high.index("✗ MLSEC03-BP02"):high.index("? unknown: MLSEC03-BP03")]
    assert "customer-managed keys" not in networking
    assert "Validate every request" not in networking


def test_the_stacks_found_are_shown_by_default_and_stack_chooses(example: tuple[Review, ScanResult]) -> None:
    review, scan = example
    default = render(review, scan=scan, options=ReportOptions(width=200, wrap=False))
    chosen = render(review, scan=scan, options=ReportOptions(width=200, wrap=False, stack="gcp"))
    assert "\n        aws: " in default and "\n        gcp: " not in default  # the example is on AWS
    assert "\n        gcp: " in chosen and "\n        aws: " not in chosen
