"""The Markdown (pull-request comment) report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mllens.answers.model import AcceptedRisk, AnswersFile, PracticeAnswer, Workload
from mllens.lens import load_lens, load_shipped_lens
from mllens.report import REPORTERS, ReportOptions
from mllens.report.markdown import escape, render
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
        "Lens mini 0.1 · 2 HIGH · 1 MEDIUM · 0 NONE · 0 UNANSWERED · 0 NOT APPLICABLE\n\n"
        "| Phase | Security | Reliability |\n"
        "|---|---|---|\n"
        "| Business goal | 🔴 SEC1 HIGH |  |\n"
        "| Deployment | 🟠 SEC2 MEDIUM | 🔴 REL2 HIGH |\n"
        "\n"
        "NONE = no risk found\n"
    )


def test_top_five_actions_follow_the_plan() -> None:
    text = render(mini_review(STATUSES))
    assert (
        "#### Top 5 actions\n\n"
        "1. **REL2-A** Automate deployment (REL2: HIGH → NONE): Deploy from a pipeline\n"
        "2. **SEC1-A** Encrypt data (SEC1: HIGH → MEDIUM): Turn on encryption with a managed key\n"
        "3. **SEC1-B** Log access (SEC1: HIGH → HIGH): Turn on access logging\n"
        "4. **SEC2-A** Authenticate callers (SEC2: MEDIUM → NONE): "
        "Put practice SEC2-A in place: Authenticate callers.\n"
        # SEC1-C nobody answered: asked, with the command that asks it
        "5. **Answer question SEC1, which may carry HIGH risk**: `mllens review . --question SEC1`\n"
    ) in text


def test_accepted_risks_leave_the_actions_and_top_is_an_option() -> None:
    review = mini_review(
        STATUSES,
        accepted_risks=[
            AcceptedRisk(practice="REL2-A", reason="r", owner="o", expires=dt.date(2027, 1, 1))
        ],
    )
    text = render(review, options=ReportOptions(top=2))
    assert "Accepted risks: 1 practice\n" in text
    assert (
        "- **REL2-A** Automate deployment: REL2 HIGH (accepted until 2027-01-01, owner o). Reason: r\n"
    ) in text
    assert "#### Top 2 actions\n\n1. **SEC1-A**" in text
    assert "\n2. **SEC1-B**" in text
    assert "REL2-A" not in text.split("#### Top 2 actions")[1]


def test_changes_against_a_baseline() -> None:
    before = mini_review(STATUSES)
    now = mini_review({**STATUSES, "REL2-A": "implemented", "SEC2-A": "implemented"})
    text = render(now, baseline=before)
    assert (
        "#### Changes since the baseline\n\n"
        "Counts: HIGH 2 → 1 (-1), MEDIUM 1 → 0 (-1), NONE 0 → 2 (+2).\n\n"
        "| Question | Before | Now | |\n"
        "|---|---|---|---|\n"
        "| SEC2 | 🟠 MEDIUM | 🟢 NONE | better |\n"
        "| REL2 | 🔴 HIGH | 🟢 NONE | better |\n"
    ) in text
    assert "No question changed its risk." in render(before, baseline=before)


def test_new_findings_since_the_baseline_are_listed_escaped_and_capped() -> None:
    def key(line: int, file: str = "src/settings.py") -> Evidence:
        return Evidence(rule="secrets.aws_access_key", practice="SEC1-A", check="encrypted", outcome="contradicts",
                        file=file, line=line, message="AWS key <b>id</b>: AKIA... (20 chars)", confidence=0.9)

    before = mini_review(STATUSES).model_copy(update={"evidence": [key(3)]})
    now = before.model_copy(update={"evidence": [key(9), key(4, "src/<img src=x>.py")]})  # the first one moved
    text = render(now, baseline=before)
    assert (
        "#### New findings since the baseline (1)\n\n"
        "- `secrets.aws_access_key` src/&lt;img src=x&gt;.py:4: AWS key &lt;b&gt;id&lt;/b&gt;: AKIA... (20 chars)"
        " (practice SEC1-A)\n"
    ) in text
    assert "New findings" not in render(before, baseline=before) and "New findings" not in render(now)
    many = before.model_copy(update={"evidence": [key(n, f"src/m{n}.py") for n in range(1, 26)]})
    listed = render(many, baseline=before).split("#### New findings since the baseline (25)\n\n")[1]
    assert listed.count("\n- `secrets.aws_access_key`") + listed.startswith("- `") == 20
    assert "- and 5 more (the SARIF report has every one)" in listed


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
    assert "1 files could not be read or parsed:\n\n- x.tf: parse\\_error: bad HCL\n" in text
    assert "| Business goal | ⚪ MLOPS01 UNANSWERED | ⚪ MLSEC01 UNANSWERED |  |" in text


HOSTILE = {
    "html": "<img src=x onerror=alert(1)>",
    "pipe": "a | b",
    "code": "`rm -rf /`",
    "link": "[click](https://evil.example)",
    "image": "![x](https://evil.example/x.png)",
    "emphasis": "*bold* _it_ ~~gone~~",
    "newline": "one\n# two\n| three |",
}


def test_escape_makes_project_text_plain() -> None:
    assert escape("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert escape("a | b") == "a \\| b"
    assert escape("`x` *y* _z_ ~w~ [l](u) !#") == "\\`x\\` \\*y\\* \\_z\\_ \\~w\\~ \\[l\\](u) \\!\\#"
    assert escape("one\n# two\r\nthree") == "one \\# two three"
    assert escape("back\\slash & \"q\"") == "back\\\\slash &amp; &quot;q&quot;"


def test_hostile_values_in_every_field_are_escaped() -> None:
    for name, value in HOSTILE.items():
        answers = AnswersFile(
            workload=Workload(name=value, owner=value, environment=value),
            answers={k: PracticeAnswer(status=v) for k, v in STATUSES.items()},  # type: ignore[arg-type]
            accepted_risks=[AcceptedRisk(practice="SEC2-A", reason=value, owner=value, expires=dt.date(2027, 1, 1))],
        )
        evidence = [Evidence(
            rule="test.rule", practice="REL2-A", check="pipeline", outcome="contradicts",
            file=f"infra/{value}.tf", line=3, message=value, confidence=1,
        )]
        review = evaluate(load_lens(MINI_LENS), evidence, answers, today=dt.date(2026, 6, 1))
        scan = ScanResult(root="/p", files_scanned=1, duration_s=0.1,
                          diagnostics=[Diagnostic(file=f"{value}.ipynb", kind=value, message=value)])
        text = render(review, scan=scan, baseline=review)
        safe = escape(value)
        assert f"### mllens review: {safe}\n" in text, name
        assert f"Owner: {safe} · Environment: {safe}\n" in text, name
        assert f"(accepted until 2027-01-01, owner {safe}). Reason: {safe}\n" in text, name
        assert f"   - infra/{safe}.tf:3: {safe} (`test.rule`)\n" in text, name
        assert f"- {safe}.ipynb: {safe}: {safe}\n" in text, name
        # Nothing raw: no tag, no line that the value started, every table row intact.
        assert "<" not in text, name
        assert not any(line.startswith(("# ", "| three")) for line in text.splitlines()), name
        for row in (line for line in text.splitlines() if line.startswith("|")):
            assert row.replace("\\|", "").count("|") == 4, (name, row)


def test_a_new_finding_outside_the_projects_files_says_it_decides_nothing() -> None:
    found = Evidence(rule="secrets.git_host_token", practice="SEC1-A", check="encrypted", outcome="contradicts",
                     file="lambda/requests/auth.py", line=1, message="token", confidence=0.9,
                     file_class="vendored")  # fmt: skip
    before = mini_review(STATUSES)
    text = render(before.model_copy(update={"evidence": [found]}), baseline=before)
    assert ("- `secrets.git_host_token` lambda/requests/auth.py:1: token "
            "(practice SEC1-A; vendored file, decides nothing)\n") in text  # fmt: skip
