"""One name per state in every output: one review, with every risk, practice status and
check state in it and one accepted HIGH, rendered in every format. No output uses an old
synonym ("ok", "no risk", "?", "open", "n/a", ...) and each shows the canonical names and
the accepted risk the same way."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import importlib.util
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mllens.answers.model import AcceptedRisk, AnswersFile, PracticeAnswer, QuestionAnswer, Workload
from mllens.cli import app
from mllens.lens import load_lens
from mllens.lens.model import Risk
from mllens.report import ReportOptions, get_reporter, labels
from mllens.report.html import to_html
from mllens.review import Review, evaluate
from mllens.review.model import CheckState, PracticeStatus
from mllens.scan.evidence import Evidence
from mllens.store import open_store, save_milestone, save_review

STATES_LENS = Path(__file__).parent / "data" / "states_lens"
ACCEPTED = "HIGH (accepted until 2027-03-01, owner ana)"

# Words reports once used for a state, by the state they stood for. Matched as words,
# case-insensitively; the legend "NONE = no risk found" is the one allowed explanation.
FORBIDDEN = {
    "NONE": [r"\bok\b", r"\bno[ -]risk\b"],
    "UNANSWERED": [r"(?<![\w-])open(?![\w-])", r"(?<!\S)\?(?!\S)"],  # a lone "?" cell
    "NOT_APPLICABLE": [r"(?<![\w/])n/a(?![\w/])", r"\bnot_applicable\b", r"\bn\.a\."],
    "unknown": [r"\bnot (yet )?known\b", r"\bknown yet\b"],
    "not_met": [r"\bnot_met\b"],
}
# An icon followed by its word is not a synonym: `? UNANSWERED`, `? unknown`.
_ICON_WITH_WORD = re.compile(r"\?\s+(?=UNANSWERED\b|unknown\b)")


def synonyms(text: str) -> list[str]:
    """Every old synonym in `text`, as `STATE: match`."""
    text = _ICON_WITH_WORD.sub("", text.replace(labels.NONE_LEGEND, labels.RISKS[Risk.NONE]))
    found = []
    for state, patterns in FORBIDDEN.items():
        for pattern in patterns:
            found += [f"{state}: {m.group(0)!r}" for m in re.finditer(pattern, text, flags=re.IGNORECASE)]
    return found


def visible_text(page: str) -> str:
    """What a reader of an HTML page sees or hears: no styles, scripts or tags."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def states_review(*, workload: str = "states", s3: str = "implemented") -> Review:
    """S1 HIGH (accepted), S2 MEDIUM, S3 NONE, S4 UNANSWERED, S5 NOT_APPLICABLE; practices
    missing, partial, implemented, not applicable and unknown; checks met, not met,
    unknown and not applicable."""
    answers = AnswersFile(
        workload=Workload(name=workload, owner="ana"),
        answers={
            "S1-A": PracticeAnswer(status="missing"),
            "S2-A": PracticeAnswer(checks={"reviewed": "met", "signed": "not_applicable"}),
            "S3-A": PracticeAnswer(status=s3),  # type: ignore[arg-type]
            "S3-B": PracticeAnswer(status="not_applicable", reason="out_of_scope"),
        },
        questions={"S5": QuestionAnswer(applicable=False)},
        accepted_risks=[AcceptedRisk(practice="S1-A", reason="budget", owner="ana", expires=dt.date(2027, 3, 1))],
    )
    evidence = [Evidence(rule="docs.problem_statement", practice="S2-A", check="framed", outcome="contradicts",
                         file="docs/README.md", line=1, message="the README states no problem", confidence=0.9)]
    return evaluate(load_lens(STATES_LENS), evidence, answers, today=dt.date(2026, 6, 1))


@pytest.fixture(scope="module")
def review() -> Review:
    r = states_review()
    assert [q.risk for q in r.questions] == [Risk.HIGH, Risk.MEDIUM, Risk.NONE, Risk.UNANSWERED, Risk.NOT_APPLICABLE]
    assert {p.status for p in r.practices} == set(PracticeStatus)
    assert {c.state for p in r.practices for c in p.checks} == set(CheckState)
    return r


def test_display_names_are_the_contract_values_with_spaces() -> None:
    assert [labels.risk(r) for r in Risk] == ["UNANSWERED", "HIGH", "MEDIUM", "NONE", "NOT APPLICABLE"]
    assert [labels.status(s) for s in PracticeStatus] == [
        "implemented", "partial", "missing", "unknown", "not applicable",
    ]
    assert [labels.check(c) for c in CheckState] == ["met", "not met", "unknown", "not applicable"]
    for value, name in [*labels.RISKS.items(), *labels.STATUSES.items(), *labels.CHECKS.items()]:
        assert name.lower() == value.value.replace("_", " ").lower()  # only case and "_" change
        assert labels.state(value.value) == name
    assert labels.state("improved") == "improved"  # not a state: unchanged


def test_the_synonym_check_finds_each_old_word() -> None:
    old = "SEC2 ok · no risk · ? · open · n/a · not yet known · not_met · NOT_APPLICABLE"
    assert len(synonyms(old)) == 8
    assert synonyms("NONE = no risk found · ? UNANSWERED · ? unknown: S4-A · and/or") == []


def test_terminal(review: Review) -> None:
    text = get_reporter("terminal")(review, options=ReportOptions(width=120))
    assert synonyms(text) == []
    assert "Questions: 1 HIGH (1 accepted) · 1 MEDIUM · 1 NONE · 1 UNANSWERED · 1 NOT APPLICABLE" in text
    assert f"S1 {ACCEPTED} · Security / Business goal" in text
    assert "✗ S1-A Guard the data [missing] (accepted until 2027-03-01, owner ana)" in text
    assert "NONE = no risk found" in text


def test_markdown(review: Review) -> None:
    text = get_reporter("markdown")(review, baseline=states_review(s3="missing"), options=ReportOptions())
    assert synonyms(text) == []
    assert "1 HIGH (1 accepted) · 1 MEDIUM · 1 NONE · 1 UNANSWERED · 1 NOT APPLICABLE" in text
    assert f"- **S1-A** Guard the data: S1 {ACCEPTED}. Reason: budget" in text
    assert "| S3 | 🔴 HIGH | 🟢 NONE | better |" in text
    for risk in ("HIGH ⚑", "MEDIUM", "NONE", "UNANSWERED", "NOT APPLICABLE"):
        assert re.search(rf"\| \S+ S\d {risk} \|", text), risk


def test_html(review: Review) -> None:
    text = visible_text(get_reporter("html")(review, baseline=states_review(s3="missing"), options=ReportOptions()))
    assert synonyms(text) == []
    for name in ["HIGH (1 accepted)", "MEDIUM", "NONE = no risk found", "UNANSWERED", "NOT APPLICABLE",
                 *labels.STATUSES.values(), "not met", f"{ACCEPTED} S1 How do you guard the business data"]:
        assert name in text, name
    assert "⚑ accepted until 2027-03-01, owner ana: budget" in text
    assert "HIGH risk if missing" in text and "S3 Security ✓ NONE 1/2 implemented" in text


def test_pdf(review: Review, tmp_path: Path) -> None:
    pytest.importorskip("weasyprint", reason="the optional extra 'pdf' (WeasyPrint) is not installed")
    if importlib.util.find_spec("pypdf") is None:
        pytest.skip("pypdf reads the PDF's text")
    import pypdf  # type: ignore[import-not-found,unused-ignore]

    from mllens.report import pdf

    data = pdf.html_to_pdf(to_html(review, paged=True))
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert synonyms(text) == []
    for name in ("HIGH (1 accepted)", "MEDIUM", "NONE", "UNANSWERED", "NOT APPLICABLE"):
        assert name in text, name
    for name in ("partial", "missing", "implemented", "not applicable", "met", "not met"):  # styles may upper-case
        assert f" {name} " in text.lower(), name
    assert "accepted until 2027-03-01, owner ana" in text


def test_json_keeps_the_contract_values(review: Review) -> None:
    data = json.loads(get_reporter("json")(review, options=ReportOptions()))
    assert [q["risk"] for q in data["questions"]] == ["HIGH", "MEDIUM", "NONE", "UNANSWERED", "NOT_APPLICABLE"]
    assert {p["status"] for p in data["practices"]} == {s.value for s in PracticeStatus}
    assert set(data["summary"]["risk_counts"]) == {r.value for r in Risk}


def test_milestone_list_and_diff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    db = f"sqlite:///{tmp_path / 'store.db'}"
    with open_store(db) as store:
        for name, r in (("before", states_review(s3="missing")), ("after", states_review())):
            save_review(store, review=r)
            save_milestone(store, name=name, review=r)
    runner = CliRunner()
    listed = runner.invoke(app, ["milestone", "list", "states", "--db", db]).output
    compared = runner.invoke(app, ["diff", "before", "after", "--workload", "states", "--db", db]).output
    for text in (listed, compared):
        assert synonyms(text) == []
        assert "N/A" not in text
        assert re.search(r"HIGH\s+MEDIUM\s+UNANSWERED\s+NONE\s+APPLICABLE", text)
    change = next(line for line in compared.splitlines() if "S3-A" in line)
    assert change.split()[-2:] == ["missing", "implemented"]
    question = next(line for line in compared.splitlines() if "How do you process data" in line)
    assert question.split()[-2:] == ["HIGH", "NONE"]
