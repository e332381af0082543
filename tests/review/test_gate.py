"""The CI gate: thresholds, baselines, accepted and expired risks."""

from __future__ import annotations

import datetime as dt
import json
import shlex
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from typer.testing import CliRunner

from mllens.answers.model import AcceptedRisk, AnswersFile, PracticeAnswer, Workload
from mllens.cli import app
from mllens.errors import InputError
from mllens.lens import Lens, Risk
from mllens.report import json as json_report
from mllens.review import Review, evaluate
from mllens.review.gate import GateReason, evaluate_gate, load_baseline, parse_threshold
from mllens.scan.evidence import Evidence

TODAY = dt.date(2026, 6, 1)
# SEC1 HIGH (SEC1-A missing), SEC2 MEDIUM (SEC2-A missing), REL2 HIGH (REL2-A missing).
STATUSES = {
    "SEC1-A": "missing",
    "SEC1-B": "partial",
    "SEC1-C": "implemented",
    "SEC2-A": "missing",
    "REL2-A": "missing",
    "REL2-B": "implemented",
}


def review_of(lens: Lens, statuses: dict[str, str], accepted: list[AcceptedRisk] | None = None) -> Review:
    answers = AnswersFile(
        workload=Workload(name="fraud"),
        answers={k: PracticeAnswer(status=v) for k, v in statuses.items()},  # type: ignore[arg-type]
        accepted_risks=accepted or [],
    )
    return evaluate(lens, [], answers, today=TODAY)


def accept(practice: str, expires: dt.date) -> AcceptedRisk:
    return AcceptedRisk(practice=practice, reason="inputs are internal only", owner="alice", expires=expires)


def test_the_review_under_test_has_the_risks_the_cases_rely_on(mini: Lens) -> None:
    review = review_of(mini, STATUSES)
    assert [(q.id, q.risk) for q in review.questions] == [
        ("SEC1", Risk.HIGH),
        ("SEC2", Risk.MEDIUM),
        ("REL2", Risk.HIGH),
    ]


def test_fail_on_high_names_each_high_question_with_its_missing_practices(mini: Lens) -> None:
    result = evaluate_gate(review_of(mini, STATUSES), fail_on="high")
    assert not result.passed and result.exit_code == 1
    assert result.reasons == [
        GateReason("SEC1", Risk.HIGH, "How do you protect data? (SEC1-A missing, SEC1-B partial)"),
        GateReason("REL2", Risk.HIGH, "How do you deploy safely? (REL2-A missing)"),
    ]
    assert result.lines()[0] == "mllens gate failed: 2 question(s) at or above HIGH:"


def test_fail_on_medium_also_counts_medium_questions(mini: Lens) -> None:
    result = evaluate_gate(review_of(mini, STATUSES), fail_on="medium")
    assert [(r.question, r.risk) for r in result.reasons] == [
        ("SEC1", Risk.HIGH),
        ("SEC2", Risk.MEDIUM),
        ("REL2", Risk.HIGH),
    ]


def test_a_review_without_risks_at_the_threshold_passes(mini: Lens) -> None:
    review = review_of(mini, {**STATUSES, "SEC1-A": "implemented", "SEC1-B": "implemented", "REL2-A": "implemented"})
    result = evaluate_gate(review, fail_on="high")
    assert result.passed and result.exit_code == 0
    assert result.lines() == ["mllens gate passed: no question at or above HIGH fails."]
    assert not evaluate_gate(review, fail_on="medium").passed  # SEC2 is still MEDIUM


def test_with_a_baseline_only_new_or_worse_risks_fail(mini: Lens) -> None:
    # The baseline already had SEC1 HIGH; REL2 was NONE there; SEC2 was HIGH (now better).
    baseline = review_of(mini, {**STATUSES, "REL2-A": "implemented", "SEC2-A": "missing"})
    baseline.question("SEC2").risk = Risk.HIGH
    result = evaluate_gate(review_of(mini, STATUSES), fail_on="medium", baseline=baseline)
    assert result.reasons == [
        GateReason("REL2", Risk.HIGH, "How do you deploy safely? (REL2-A missing); was NONE in the baseline"),
    ]
    assert [(k.question, k.risk) for k in result.known] == [("SEC1", Risk.HIGH), ("SEC2", Risk.MEDIUM)]
    assert result.lines()[-1] == "  already in the baseline (not failing): SEC1 HIGH, SEC2 MEDIUM"


def test_a_risk_that_got_worse_than_the_baseline_fails(mini: Lens) -> None:
    baseline = review_of(mini, STATUSES)
    baseline.question("SEC1").risk = Risk.MEDIUM
    baseline.question("REL2").risk = Risk.UNANSWERED  # from unknown to HIGH is new, not known
    result = evaluate_gate(review_of(mini, STATUSES), fail_on="high", baseline=baseline)
    assert [r.why.rsplit("; ", 1)[1] for r in result.reasons] == [
        "was MEDIUM in the baseline",
        "was UNANSWERED in the baseline",
    ]


def test_a_question_missing_from_the_baseline_is_new(mini: Lens) -> None:
    baseline = review_of(mini, STATUSES)
    baseline.questions = [q for q in baseline.questions if q.id != "REL2"]
    result = evaluate_gate(review_of(mini, STATUSES), fail_on="high", baseline=baseline)
    assert [(r.question, r.why.rsplit("; ", 1)[1]) for r in result.reasons] == [
        ("REL2", "new question in the baseline")
    ]


def test_unexpired_acceptances_covering_every_missing_practice_let_a_question_pass(mini: Lens) -> None:
    review = review_of(mini, STATUSES, [accept("REL2-A", dt.date(2027, 1, 1)), accept("SEC1-A", dt.date(2027, 1, 1))])
    result = evaluate_gate(review, fail_on="high")
    # REL2 passes: its only missing practice is accepted. SEC1 still fails: SEC1-B is partial.
    assert [r.question for r in result.reasons] == ["SEC1"]
    assert [(a.question, a.practice, a.owner, a.expires) for a in result.accepted] == [
        ("REL2", "REL2-A", "alice", dt.date(2027, 1, 1))
    ]
    assert "  accepted: REL2-A (REL2) by alice until 2027-01-01: inputs are internal only" in result.lines()


def test_an_acceptance_given_by_its_2023_id_counts(mini: Lens) -> None:
    review = review_of(mini, {**STATUSES, "SEC1-B": "implemented"}, [accept("SEC-A", dt.date(2027, 1, 1))])
    result = evaluate_gate(review, fail_on="high")
    assert [r.question for r in result.reasons] == ["REL2"]
    assert [a.practice for a in result.accepted] == ["SEC1-A"]


def test_an_expired_acceptance_is_flagged_and_fails_even_when_the_baseline_had_the_risk(mini: Lens) -> None:
    review = review_of(mini, STATUSES, [accept("REL2-A", dt.date(2026, 5, 31))])
    assert review.practice("REL2-A").accepted_expired
    result = evaluate_gate(review, fail_on="high", baseline=review_of(mini, STATUSES))
    assert result.reasons == [GateReason("REL2", Risk.HIGH, "accepted risk ran out: REL2-A (expired 2026-05-31)")]
    assert [(e.practice, e.expires) for e in result.expired] == [("REL2-A", dt.date(2026, 5, 31))]
    assert [k.question for k in result.known] == ["SEC1"]
    assert "  expired: REL2-A (REL2) accepted by alice until 2026-05-31" in result.lines()


def test_an_expired_acceptance_below_the_threshold_is_flagged_but_does_not_fail(mini: Lens) -> None:
    review = review_of(
        mini, {**STATUSES, "SEC1-A": "implemented", "SEC1-B": "implemented", "REL2-A": "implemented"},
        [accept("SEC2-A", dt.date(2026, 1, 1))],
    )
    result = evaluate_gate(review, fail_on="high")
    assert result.passed
    assert [(e.question, e.practice) for e in result.expired] == [("SEC2", "SEC2-A")]


# --- new findings since a baseline -----------------------------------------------------------


def finding(practice: str, check: str, *, rule: str = "secrets.aws_access_key", file: str = "src/settings.py",
            line: int = 3, message: str = "AWS access key id: AKIA... (20 chars)") -> Evidence:
    return Evidence(rule=rule, practice=practice, check=check, outcome="contradicts", file=file, line=line,
                    message=message, confidence=0.9)


KEY = finding("SEC1-A", "encrypted")
LOGS = finding("SEC1-B", "logs", rule="terraform.access_logs", file="infra/main.tf", line=12,
               message="aws_s3_bucket.data has no access logging")


def with_evidence(lens: Lens, evidence: list[Evidence], accepted: list[AcceptedRisk] | None = None) -> Review:
    """The STATUSES review (SEC1 and REL2 HIGH, SEC2 MEDIUM) with these findings in it."""
    review = review_of(lens, STATUSES, accepted)
    return review.model_copy(update={"evidence": evidence})


def test_a_new_finding_fails_even_when_its_question_was_already_at_that_risk(mini: Lens) -> None:
    baseline = with_evidence(mini, [])
    result = evaluate_gate(with_evidence(mini, [KEY]), fail_on="high", baseline=baseline)
    assert result.reasons == []  # every question was HIGH already: the risks alone would pass
    assert not result.passed and result.exit_code == 1
    assert [(f.rule, f.practice, f.if_missing, f.file, f.line) for f in result.new_findings] == [
        ("secrets.aws_access_key", "SEC1-A", Risk.HIGH, "src/settings.py", 3)
    ]
    assert result.lines()[:2] == [
        "mllens gate failed: 1 new finding(s) at or above HIGH:",
        "  new: secrets.aws_access_key src/settings.py:3 AWS access key id: AKIA... (20 chars)"
        " (practice SEC1-A, HIGH if missing)",
    ]


def test_findings_the_baseline_had_pass_and_are_counted(mini: Lens) -> None:
    result = evaluate_gate(with_evidence(mini, [KEY]), fail_on="high", baseline=with_evidence(mini, [KEY]))
    assert result.passed and result.new_findings == [] and result.known_findings == 1
    assert result.lines()[0] == "mllens gate passed: no new or worse question and no new finding at or above HIGH."
    assert result.lines()[-1] == "  findings already in the baseline (not failing): 1"


def test_a_finding_that_only_moved_lines_is_still_known(mini: Lens) -> None:
    moved = KEY.model_copy(update={"line": KEY.line + 40})  # lines were added above it
    result = evaluate_gate(with_evidence(mini, [moved]), fail_on="high", baseline=with_evidence(mini, [KEY]))
    assert result.passed and result.known_findings == 1


def test_a_finding_with_another_message_or_file_is_new(mini: Lens) -> None:
    baseline = with_evidence(mini, [KEY])
    renamed = KEY.model_copy(update={"file": "src/config.py"})
    reworded = KEY.model_copy(update={"message": "AWS access key id with its secret key nearby: AKIA... (20 chars)"})
    result = evaluate_gate(with_evidence(mini, [renamed, reworded]), fail_on="high", baseline=baseline)
    assert [(f.file, f.message) for f in result.new_findings] == [
        ("src/config.py", KEY.message),
        ("src/settings.py", reworded.message),
    ]


def test_one_more_identical_finding_is_one_new_finding(mini: Lens) -> None:
    again = KEY.model_copy(update={"line": 9})
    result = evaluate_gate(with_evidence(mini, [KEY, again]), fail_on="high", baseline=with_evidence(mini, [KEY]))
    assert len(result.new_findings) == 1 and result.known_findings == 1


def test_a_new_finding_on_a_medium_practice_passes_a_high_gate_and_fails_a_medium_one(mini: Lens) -> None:
    review, baseline = with_evidence(mini, [LOGS]), with_evidence(mini, [])
    high = evaluate_gate(review, fail_on="high", baseline=baseline)
    assert high.passed and [f.practice for f in high.below] == ["SEC1-B"]
    assert "  new finding(s) on practices below HIGH (not failing): 1" in high.lines()
    medium = evaluate_gate(review, fail_on="medium", baseline=baseline)
    assert [(f.practice, f.if_missing) for f in medium.new_findings] == [("SEC1-B", Risk.MEDIUM)]


def test_supporting_evidence_is_never_a_new_finding(mini: Lens) -> None:
    support = KEY.model_copy(update={"outcome": "supports"})
    assert evaluate_gate(with_evidence(mini, [support]), fail_on="high", baseline=with_evidence(mini, [])).passed


def test_an_unexpired_acceptance_excuses_a_new_finding_and_an_expired_one_does_not(mini: Lens) -> None:
    baseline = with_evidence(mini, [])
    live = evaluate_gate(with_evidence(mini, [KEY], [accept("SEC1-A", dt.date(2027, 1, 1))]), fail_on="high",
                         baseline=baseline)
    assert live.passed and [f.practice for f in live.accepted_findings] == ["SEC1-A"]
    assert [(a.question, a.practice) for a in live.accepted] == [("SEC1", "SEC1-A")]
    accepted_lines = [line for line in live.lines() if line.startswith("  new, risk accepted: ")]
    assert accepted_lines == [f"  new, risk accepted: {live.accepted_findings[0].describe()}"]
    assert accepted_lines[0].startswith("  new, risk accepted: secrets.aws_access_key src/settings.py:3 ")
    ran_out = evaluate_gate(with_evidence(mini, [KEY], [accept("SEC1-A", dt.date(2026, 1, 1))]), fail_on="high",
                            baseline=baseline)
    assert [f.practice for f in ran_out.new_findings] == ["SEC1-A"]


@pytest.mark.parametrize("file_class", ["vendored", "fixture", "generated", "docs"])
def test_a_finding_outside_the_projects_own_files_does_not_fail(mini: Lens, file_class: str) -> None:
    outside = KEY.model_copy(update={"file_class": file_class})  # Evidence.file_class, as the scan sets it
    tested = KEY.model_copy(update={"file": "tests/test_io.py", "file_class": "test"})
    result = evaluate_gate(with_evidence(mini, [outside, tested]), fail_on="high", baseline=with_evidence(mini, []))
    assert [f.file for f in result.new_findings] == ["tests/test_io.py"]


def test_a_new_finding_stays_on_one_whole_line_whatever_its_file_name_holds(mini: Lens) -> None:
    hostile = KEY.model_copy(update={"file": "src/a\nnew: fake.rule \x1b[32mok.py", "message": "x" * 300})
    result = evaluate_gate(with_evidence(mini, [hostile]), fail_on="high", baseline=with_evidence(mini, []))
    (line,) = [line for line in result.lines() if line.startswith("  new: ")]
    assert line == (f"  new: secrets.aws_access_key src/a\\nnew: fake.rule \\x1b[32mok.py:3 {'x' * 300}"
                    " (practice SEC1-A, HIGH if missing)")


def test_without_a_baseline_findings_are_not_judged(mini: Lens) -> None:
    result = evaluate_gate(with_evidence(mini, [KEY]), fail_on="high")
    assert result.new_findings == [] and [r.question for r in result.reasons] == ["SEC1", "REL2"]


def test_new_questions_and_new_findings_are_both_named(mini: Lens) -> None:
    baseline = with_evidence(mini, [])
    baseline.question("REL2").risk = Risk.NONE
    result = evaluate_gate(with_evidence(mini, [KEY]), fail_on="high", baseline=baseline)
    lines = result.lines()
    assert lines[0] == "mllens gate failed: 1 question(s) and 1 new finding(s) at or above HIGH:"
    assert lines[1].startswith("  REL2 HIGH: ") and lines[2].startswith("  new: secrets.aws_access_key ")


def test_a_json_baseline_keeps_its_findings_in_order(mini: Lens, tmp_path: Path) -> None:
    path = tmp_path / "main.json"
    data = json.loads(json_report.render(with_evidence(mini, [KEY, LOGS])))
    assert [item["file_class"] for item in data["evidence"]] == ["project", "project"]  # the contract's key
    path.write_text(json.dumps(data), encoding="utf-8")
    baseline = load_baseline(path, lens=mini)
    assert baseline.evidence == [KEY, LOGS]
    assert evaluate_gate(with_evidence(mini, [KEY, LOGS]), fail_on="medium", baseline=baseline).known_findings == 2


@pytest.mark.parametrize(
    ("evidence", "message"),
    [
        ({"rule": "secrets.aws_access_key"},
         r"main\.json: evidence: expected a list of evidence objects, got a mapping$"),
        ([3], r"main\.json: evidence\[0\]: expected an evidence object, got a number$"),
        ([{**KEY.model_dump(), "line": "three"}],
         r"main\.json: evidence\[0\]\.line: expected a whole number \(got 'three'\)$"),
        ([{**KEY.model_dump(), "message": None}], r"main\.json: evidence\[0\]\.message: expected text \(got null\)$"),
    ],
)
def test_a_baseline_with_malformed_evidence_names_the_item(mini: Lens, tmp_path: Path, evidence: object,
                                                          message: str) -> None:
    path = tmp_path / "main.json"
    data = json.loads(json_report.render(with_evidence(mini, [])))
    path.write_text(json.dumps({**data, "evidence": evidence}), encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_baseline(path, lens=mini)


@pytest.mark.parametrize(("given", "expected"), [("high", "high"), ("MEDIUM", "medium"), (" High ", "high")])
def test_thresholds_parse_in_any_case(given: str, expected: str) -> None:
    assert parse_threshold(given) == expected


def test_an_unknown_threshold_names_the_option_and_the_value() -> None:
    with pytest.raises(InputError, match=r"--fail-on: expected high or medium, got 'low'"):
        parse_threshold("low")


# --- wired into `mllens scan` --------------------------------------------------------------

EXAMPLE = Path(__file__).parents[2] / "examples" / "fraud-detection"


def scan_cli(args: list[str]) -> Result:
    return CliRunner().invoke(app, ["scan", str(EXAMPLE), "--no-cache", *args])


def test_scan_fail_on_high_exits_1_and_names_the_questions(tmp_path: Path) -> None:
    result = scan_cli(["--format", "json", "-o", str(tmp_path / "now.json"), "--fail-on", "high"])
    assert result.exit_code == 1, result.output
    assert "mllens gate failed:" in result.stderr
    assert "accepted: MLSEC05-BP01 (MLSEC05) by head-of-risk-ml until 2027-03-31" in result.stderr


def test_scan_with_its_own_result_as_baseline_passes_and_writes_html(tmp_path: Path) -> None:
    first = scan_cli(["--format", "json", "-o", str(tmp_path / "base.json")])
    assert first.exit_code == 0, first.output
    report = tmp_path / "report.html"
    again = scan_cli(["--fail-on", "high", "--baseline", str(tmp_path / "base.json"), "--html", str(report),
                      "--format", "sarif", "-o", str(tmp_path / "out.sarif")])
    assert again.exit_code == 0, again.output
    assert "mllens gate passed" in again.stderr and "already in the baseline (not failing): " in again.stderr
    assert '<h1 class="workload-name">card-fraud-scoring</h1>' in report.read_text(encoding="utf-8")
    assert json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_scan_rejects_a_baseline_that_is_not_a_report(tmp_path: Path) -> None:
    (tmp_path / "base.json").write_text("{}", encoding="utf-8")
    result = scan_cli(["--fail-on", "high", "--baseline", str(tmp_path / "base.json")])
    assert result.exit_code == 2
    assert "base.json: not an mllens JSON report" in result.stderr
    missing = scan_cli(["--fail-on", "medium", "--baseline", str(tmp_path / "none.json")])
    assert missing.exit_code == 2 and "expected a JSON report from `mllens scan --format json`" in missing.stderr


def test_load_baseline_reads_back_a_json_report(mini: Lens, tmp_path: Path) -> None:
    path = tmp_path / "base.json"
    path.write_text(json_report.render(review_of(mini, STATUSES)), encoding="utf-8")
    baseline = load_baseline(path, lens=mini)
    assert [(q.id, q.risk) for q in baseline.questions] == [
        ("SEC1", Risk.HIGH), ("SEC2", Risk.MEDIUM), ("REL2", Risk.HIGH)
    ]
    assert evaluate_gate(review_of(mini, STATUSES), fail_on="medium", baseline=baseline).passed


def test_the_pre_commit_hook_and_the_workflow_call_the_gate_as_the_cli_accepts_it() -> None:
    root = Path(__file__).parents[2]
    hooks = yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    entry = shlex.split(next(h for h in hooks if h["id"] == "mllens")["entry"])
    assert entry[:3] == ["mllens", "scan", "."] and hooks[0]["pass_filenames"] is False
    hook = CliRunner().invoke(app, [*entry[1:2], str(EXAMPLE), *entry[3:], "--no-cache"])
    assert hook.exit_code == 1 and "mllens gate failed" in hook.stderr  # the example has HIGH risks

    workflow = yaml.safe_load((root / ".github" / "workflows" / "mllens.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["review"]["steps"]
    command = next(s["run"] for s in steps if "--fail-on high" in s.get("run", ""))
    assert "--format sarif -o mllens.sarif" in command and "--html mllens-report.html" in command
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == "mllens.sarif"
    assert workflow["jobs"]["review"]["permissions"]["security-events"] == "write"
