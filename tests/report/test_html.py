"""The HTML report: content, escaping, offline-ness and size, for the example project, an
empty project and a hostile one."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import wcag
from typer.testing import CliRunner

from mllens.cli import app
from mllens.lens import Risk
from mllens.report import REPORTERS, html
from mllens.report.base import LABELS
from mllens.report.html_view import PALETTE
from mllens.review.model import Review, RiskCounts, Summary
from mllens.scan.result import ScanResult

MB = 1024 * 1024
Reviewed = tuple[Review, ScanResult]


class Page(HTMLParser):
    """Collects what the assertions need: grid cells with their text, every element's
    attributes, the ids in document order, and the inline scripts."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: dict[str, tuple[str, str]] = {}  # question -> (class, text)
        self.attrs: list[tuple[str, dict[str, str]]] = []
        self.ids: list[str] = []
        self.scripts: list[str] = []
        self._cell: str | None = None
        self._text: list[str] = []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.attrs.append((tag, found))
        if "id" in found:
            self.ids.append(found["id"])
        if tag == "a" and "data-question" in found:
            self._cell, self._text = found["data-question"], []
            self.cells[self._cell] = (found.get("class", ""), "")
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._cell is not None:
            cls = self.cells[self._cell][0]
            self.cells[self._cell] = (cls, " ".join("".join(self._text).split()))
            self._cell = None
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._text.append(data)
        if self._in_script:
            self.scripts.append(data)


def section(text: str, element_id: str) -> str:
    """The markup of the element with this id, up to the next question or section."""
    start = text.index(f'id="{element_id}"')
    end = min([i for i in (text.find('<details class="question"', start + 1), text.find("<section", start + 1))
               if i > 0] or [len(text)])
    return text[start:end]


@pytest.fixture(scope="module")
def example_html(example: Reviewed) -> str:
    review, scan = example
    return html.render(review, scan=scan)


def test_the_grid_has_a_cell_per_question_with_its_risk_word_and_the_empty_cell(
    example: Reviewed, example_html: str
) -> None:
    review, _ = example
    page = Page(example_html)
    assert len(page.cells) == 35
    for q in review.questions:
        cls, text = page.cells[q.id]
        assert f"risk-{html.view.RISK_CLASS[q.risk]}" in cls.split()
        assert text.startswith(q.id)
        assert LABELS[q.risk] in text  # a word, not only a colour
        assert f"{len(q.selected)}/" in text
    # The lens has no reliability x business-goal question: that cell says so.
    row = example_html[example_html.index("<th scope=\"row\">Business goal</th>"):]
    row = row[: row.index("</tr>")]
    assert row.count('class="cell ') == 5
    assert '<td class="cell-empty"><span class="cell-pillar">Reliability</span><span>no question</span></td>' in row


def test_header_names_the_workload_and_the_lens(example: Reviewed, example_html: str) -> None:
    review, scan = example
    assert review.workload.name == "card-fraud-scoring"
    assert '<h1 class="workload-name">card-fraud-scoring</h1>' in example_html
    assert f"<span>Lens</span> ml {review.lens_version}</li>" in example_html
    assert f"<span>Scan</span> {scan.files_scanned} files in" in example_html


def test_counts_per_pillar_and_phase_match_the_summary(example: Reviewed, example_html: str) -> None:
    review, _ = example
    counts = example_html[example_html.index('id="counts"'):example_html.index('id="lifecycle"')]
    for name, risk_counts in [*review.summary.by_pillar.items(), *review.summary.by_phase.items()]:
        label = name.replace("_", " ").capitalize()
        row = counts[counts.index(f'<th scope="row">{label}</th>'):]
        row = row[: row.index("</tr>")]
        numbers = [int(n) for n in re.findall(r'<td class="num[^"]*">(\d+)</td>', row)]
        assert numbers == [risk_counts.HIGH, risk_counts.MEDIUM, risk_counts.NONE, risk_counts.UNANSWERED,
                           risk_counts.NOT_APPLICABLE], name


def test_contradicting_evidence_appears_with_file_and_line_under_its_question(
    example: Reviewed, example_html: str
) -> None:
    review, _ = example
    contradicting = [e for e in review.evidence if e.outcome == "contradicts" and e.line]
    assert contradicting, "the example project is built to show some contradicting evidence"
    for item in contradicting:
        practice = review.practice(item.practice)
        detail = section(example_html, f"q-{practice.question}")
        assert f'<code class="loc">{item.file}:{item.line}</code>' in detail


def test_team_notes_and_accepted_risks_are_shown(example: Reviewed, example_html: str) -> None:
    detail = section(example_html, "q-MLPERF01")
    assert "Success = fraud losses down 20% at &lt;= 0.5% false-decline rate." in detail
    accepted = example_html[example_html.index('<section id="accepted">'):]
    assert "MLSEC05-BP01" in accepted and "head-of-risk-ml" in accepted and "2027-03-31" in accepted
    assert "⚑ active" in accepted and "EXPIRED" not in accepted[: accepted.index("</section>")]


def test_the_plan_is_listed_in_priority_order_with_stack_notes(example: Reviewed, example_html: str) -> None:
    review, _ = example
    plan = example_html[example_html.index('<section id="plan">'):]
    plan = plan[: plan.index("</section>")]
    shown = re.findall(r'<li class="step[^"]*" id="step-(\d+)">.*?<span class="pid">([^<]+)</span>', plan, re.S)
    expected = [(str(s.rank), s.practice or ", ".join(s.questions)) for s in review.plan if not s.accepted]
    assert shown[: len(expected)] == expected
    first = next(s for s in review.plan if s.stacks)
    block = section(plan, f"step-{first.rank}")
    for stack, notes in first.stacks.items():
        assert f"<h5>{html.view.STACK_LABELS[stack]}</h5>" in block
        assert html_escape(notes[0]) in block


def html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace(
        "'", "&#39;"
    )


def lifecycle_figure(text: str) -> str:
    start = text.index('<figure class="lifecycle">')
    return text[start:text.index("</figure>", start)]


def test_the_lifecycle_diagram_tells_found_stages_from_gaps_and_empty_ones(example: Reviewed) -> None:
    review, scan = example
    gap = next(e for e in review.evidence if e.outcome == "contradicts" and e.line)
    lifecycle = {
        "training": ["src/fraud/train.py:31 logs runs to an experiment tracker: mlflow.start_run"],
        "deployment": [f"{gap.file}:{gap.line} {gap.message}"],
    }
    figure = lifecycle_figure(html.render(review, scan=scan.model_copy(update={"lifecycle": lifecycle})))
    states = re.findall(r'<g class="stage (\w+)">', figure)
    assert states == ["missing", "missing", "found", "missing", "gaps", "missing"]
    assert figure.count("nothing found</text>") == 4
    assert figure.count("✕ Nothing in the files shows this stage.") == 4
    assert '<li class="in-place"><code>src/fraud/train.py:31</code>logs runs' in figure
    assert f'<li class="gap"><code>{gap.file}:{gap.line}</code><span class="note-mark">✗ gap:</span> ' in figure
    assert 'font-weight="700">1 gap</tspan>' in figure
    # the same states as text beside the picture (the PDF keeps it as text: search, screen readers)
    headings = re.findall(
        r'<h4>(\d)\. ([\w ]+) <span class="stage-state"><span aria-hidden="true">.</span> ([^<]+)</span>', figure)
    assert headings == [
        ("1", "Data sources", "nothing found"),
        ("2", "Processing", "nothing found"),
        ("3", "Training", "found (1 in place)"),
        ("4", "Registry", "nothing found"),
        ("5", "Deployment", "only gaps found (1 gap)"),
        ("6", "Monitoring", "nothing found"),
    ]


def test_the_example_lifecycle_lists_every_note_the_scan_made(example: Reviewed) -> None:
    review, scan = example
    figure = lifecycle_figure(html.render(review, scan=scan))
    for stage, notes in scan.lifecycle.items():
        for note in notes:
            loc, _, what = note.partition(" ")
            assert f"<code>{loc}</code>" in figure and f"{html_escape(what)}</li>" in figure, (stage, note)
    assert len(re.findall(r'<g class="stage (?:found|gaps|missing)">', figure)) == 6


def test_offline_self_contained_and_small(example_html: str) -> None:
    size = len(example_html.encode("utf-8"))
    assert size < MB, f"example report is {size} bytes"
    page = Page(example_html)
    for tag, attrs in page.attrs:
        for name in ("src", "href", "xlink:href", "action", "srcset", "data"):
            value = attrs.get(name, "").strip().lower()
            assert not value.startswith(("http:", "https:", "//", "ftp:")), (tag, name, value)
        assert attrs.get("href", "#").startswith(("#", "data:")) or tag != "a", attrs
    assert "@import" not in example_html and "@font-face" not in example_html
    assert not re.search(r"url\(\s*['\"]?(https?:|//)", example_html)
    assert [tag for tag, _ in page.attrs].count("link") == 0


def test_the_csp_allows_exactly_the_inline_script(example_html: str) -> None:
    page = Page(example_html)
    assert len(page.scripts) == 1
    digest = base64.b64encode(hashlib.sha256(page.scripts[0].encode()).digest()).decode()
    csp = next(a["content"] for t, a in page.attrs if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert f"script-src 'sha256-{digest}'" in csp
    assert "default-src 'none'" in csp and "img-src data:" in csp


def test_everything_from_the_project_or_the_answers_is_escaped(hostile: Reviewed, hostile_file: str) -> None:
    review, scan = hostile
    text = html.render(review, scan=scan)
    assert text.count("<script") == 1  # ours, at the end
    for raw in ("<script>alert", "<b>fraud</b>", "<img src=https", "<i>one</i>", "<svg onload", "<em>endpoint"):
        assert raw not in text, raw
    assert "&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt; reviewed by ops" in text
    assert f'<code class="loc">{html_escape(hostile_file)}:3</code>' in text
    assert "<title>&lt;b&gt;fraud&lt;/b&gt; &amp; co · mllens review</title>" in text
    assert "&lt;img src=https://evil.example/x.png&gt;" in text  # shown as text, never fetched


def test_accepted_risks_are_counted_apart_and_expired_ones_flagged(hostile: Reviewed) -> None:
    review, scan = hostile
    text = html.render(review, scan=scan)
    assert "<small>2 accepted, 1 expired</small>" in text
    accepted = text[text.index('<section id="accepted">'):]
    accepted = accepted[: accepted.index("</section>")]
    expired_row = accepted[accepted.index('<tr class="expired">'):]
    assert "MLREL05-BP01" in expired_row[: expired_row.index("</tr>")]
    assert "✗ EXPIRED" in expired_row[: expired_row.index("</tr>")]
    assert 'class="accepted-note expired"' in section(text, "q-MLREL05")


def test_disagreements_between_files_and_answers_are_listed(hostile: Reviewed) -> None:
    review, scan = hostile
    text = html.render(review, scan=scan)
    part = text[text.index('<section id="disagreements">'):]
    part = part[: part.index("</section>")]
    assert "files say <strong>not met</strong>, team says <strong>met</strong>" in part
    assert '<code class="loc">infra/main.tf:48</code>' in part
    assert "⇄ files say not met, team says met" in section(text, "q-MLSEC03")


def test_diagnostics_are_listed_escaped(hostile: Reviewed) -> None:
    review, scan = hostile
    text = html.render(review, scan=scan)
    expected = '<code>nb/&lt;svg onload=x&gt;.ipynb</code> <span class="kind">parse_error</span> bad JSON &lt;b&gt;'
    assert expected in text


def test_an_empty_project_renders_every_question_unanswered_and_no_stage_found(empty: Reviewed) -> None:
    review, scan = empty
    text = html.render(review, scan=scan)
    page = Page(text)
    assert len(page.cells) == 35
    assert {cls.split()[1] for cls, _ in page.cells.values()} == {"risk-unanswered"}
    assert all(LABELS[Risk.UNANSWERED] in body for _, body in page.cells.values())
    assert text.count('<g class="stage missing">') == 6
    assert f'<h1 class="workload-name">{review.workload.name}</h1>' in text
    assert len(text.encode()) < MB


def test_the_risk_trend_is_drawn_over_milestones(example: Reviewed) -> None:
    review, scan = example
    history = [
        ("kick-off <b>", dt.date(2026, 1, 10), Summary(risk_counts=RiskCounts(HIGH=12, MEDIUM=3), by_pillar={},
                                                        by_phase={})),
        ("before launch", dt.datetime(2026, 3, 2, 9, 30), Summary(risk_counts=RiskCounts(HIGH=9, MEDIUM=4),
                                                                   by_pillar={}, by_phase={})),
    ]
    text = html.render(review, scan=scan, history=history)
    trend = text[text.index('<section id="trend">'):]
    trend = trend[: trend.index("</section>")]
    assert "kick-off &lt;b&gt;" in trend and "2026-03-02" in trend and "this review" in trend
    high = trend[trend.index('<g class="series series-high">'):]
    high = high[: high.index("</g>")]
    values = re.findall(r'font-weight="700">(\d+)</text>', high)
    assert values == ["12", "9", str(review.summary.risk_counts.HIGH)]
    assert "<td>before launch</td><td>2026-03-02</td>" in trend  # the same numbers as a table
    assert '<section id="trend">' not in html.render(review, scan=scan)


def test_changes_since_a_baseline_are_marked(example: Reviewed) -> None:
    review, scan = example
    baseline = review.model_copy(deep=True)
    target = next(q for q in baseline.questions if q.risk is Risk.HIGH)
    target.risk = Risk.MEDIUM
    text = html.render(review, scan=scan, baseline=baseline)
    changes = text[text.index('<section id="changes">'):]
    assert f'<a href="#q-{target.id}">{target.id}</a>' in changes[: changes.index("</section>")]
    assert "was MEDIUM" in Page(text).cells[target.id][1]


def test_without_a_scan_the_report_says_it_cannot_draw_the_lifecycle(example: Reviewed) -> None:
    review, _ = example
    text = html.render(review)
    assert "made without a scan" in text and '<figure class="lifecycle">' not in text


def test_the_registry_maps_html_to_this_reporter(example: Reviewed) -> None:
    review, scan = example
    assert REPORTERS["html"] is html.render
    assert REPORTERS["html"](review, scan=scan).startswith("<!DOCTYPE html>")


def test_the_contrast_helper_gives_the_wcag_values() -> None:
    white, black = wcag.parse("#ffffff"), wcag.parse("#000")
    assert wcag.ratio(black, white) == pytest.approx(21)
    assert wcag.ratio(white, white) == pytest.approx(1)
    assert wcag.ratio(wcag.parse("#777777"), white) == pytest.approx(4.48, abs=0.01)  # the classic near miss
    # half-transparent black over white is drawn as grey 127.5, whatever way it is written
    assert wcag.ratio(wcag.parse("rgba(0, 0, 0, 0.5)"), white) == pytest.approx(3.98, abs=0.01)
    assert wcag.ratio(wcag.parse("rgb(0 0 0 / 50%)"), white) == pytest.approx(3.98, abs=0.01)
    assert wcag.all_colours("repeating-linear-gradient(45deg, rgba(1, 2, 3, 0.5) 0px, rgb(4, 5, 6) 2px)") == [
        (1.0, 2.0, 3.0, 0.5), (4.0, 5.0, 6.0, 1.0)]


@pytest.mark.parametrize("name", sorted(PALETTE))
def test_every_colour_pair_passes_wcag_aa(name: str) -> None:
    bg, fg = PALETTE[name]
    assert wcag.ratio(wcag.parse(fg), wcag.parse(bg)) >= wcag.AA_NORMAL_TEXT, name


def test_mllens_report_writes_html_and_sarif_for_the_example(tmp_path: Path) -> None:
    example = Path(__file__).parents[2] / "examples" / "fraud-detection"
    for fmt in ("html", "sarif"):
        out = tmp_path / f"review.{fmt}"
        result = CliRunner().invoke(app, ["report", str(example), "--format", fmt, "-o", str(out), "--no-cache"])
        assert result.exit_code == 0, result.output
        assert f"wrote {out}" in result.stderr
    assert '<h1 class="workload-name">card-fraud-scoring</h1>' in (tmp_path / "review.html").read_text("utf-8")
    assert '"name": "mllens"' in (tmp_path / "review.sarif").read_text("utf-8")


def test_no_label_is_ever_cut_with_an_ellipsis() -> None:
    """State names and ids wrap; a stylesheet that hides their end ('HIGH (1 acc…') is a defect."""
    templates = Path(__file__).resolve().parents[2] / "src" / "mllens" / "report" / "templates"
    for sheet in sorted(templates.glob("*.css")):
        assert "text-overflow: ellipsis" not in sheet.read_text(encoding="utf-8"), sheet.name


def test_a_gap_the_files_prove_shows_its_evidence_next_step_and_fix(example: Reviewed, example_html: str) -> None:
    review, _ = example
    step = review.plan[0]
    assert step.kind == "fix" and step.advice is not None and step.advice.snippet
    start = example_html.index(f'id="step-{step.rank}"')
    block = example_html[start:example_html.index('id="step-', start + 1)]
    first = step.evidence[0]
    assert f"{first.file}:{first.line}" in block and html_escape(first.message) in block
    assert f"<strong>Next step:</strong> {html_escape(step.advice.text)}" in block
    assert f"<pre><code>{html_escape(step.advice.snippet)}</code></pre>" in block
    assert f"<strong>AWS:</strong> {html_escape(step.advice.stacks['aws'])}" in block  # the stack the scan found
    assert "<strong>Google Cloud:</strong>" not in block
    ask = next(s for s in review.plan if s.kind == "answer")
    start = example_html.index(f'id="step-{ask.rank}"')
    assert f"<code>{html_escape(ask.command or '')}</code>" in example_html[start:start + 4000]
