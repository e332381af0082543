"""The Markdown report, sized for a pull-request comment: the map, the counts, what
changed since a baseline review, the first actions of the plan, accepted risks and the
files the scan could not read.

Everything that comes from a project or an answer (workload, owner, notes, reasons, file
paths, messages) goes through `escape`: a PR comment renders Markdown and some HTML, and
a workload named `<img src=x onerror=...>` must show as text."""

from __future__ import annotations

import html

from mllens.lens.model import Risk
from mllens.report import labels
from mllens.report.base import (
    COUNT_ORDER,
    QuestionAcceptance,
    ReportOptions,
    accepted_line,
    count_line,
    grid,
    humanize,
    question_acceptances,
    risk_text,
)
from mllens.review.model import PlanStep, QuestionResult, Review, RiskCounts
from mllens.scan.fingerprint import findings, known_fingerprints
from mllens.scan.result import ScanResult

MARKS = {
    Risk.HIGH: "🔴",
    Risk.MEDIUM: "🟠",
    Risk.NONE: "🟢",
    Risk.UNANSWERED: "⚪",
    Risk.NOT_APPLICABLE: "➖",
}
_DIAGNOSTICS_SHOWN = 10
_FINDINGS_SHOWN = 20
_EVIDENCE_PER_ACTION = 3  # findings listed under one action (the JSON plan has them all)
_FENCE_LANG = {"terraform": "hcl", "cloudformation": "yaml", "kubernetes": "yaml", "azureml": "yaml", "yaml": "yaml",
               "python": "python", "cdk": "python", "docker": "dockerfile", "cli": "sh", "arm": "json",
               "bicep": "bicep", "serverless": "yaml"}  # fmt: skip
# Characters Markdown (GitHub flavour) gives a meaning to inline: code, emphasis, links and
# images, tables, strikethrough, and the backslash itself.
_MARKDOWN_SPECIAL = frozenset("\\`*_[]|~!#")


def escape(text: str) -> str:
    """Text from a project or an answer, shown as itself in Markdown: HTML-significant
    characters become entities, Markdown's control characters are backslash-escaped, and a
    line break becomes a space (so the text cannot end a table cell or start a block)."""
    safe = html.escape(" ".join(text.split()), quote=True)
    return "".join(f"\\{c}" if c in _MARKDOWN_SPECIAL else c for c in safe)


def _cell(risk: Risk) -> str:
    return f"{MARKS[risk]} {labels.risk(risk)}"


def _grid_cell(q: QuestionResult, acceptance: QuestionAcceptance | None) -> str:
    flag = f" {labels.ACCEPTED_FLAG}" if acceptance is not None and not acceptance.expired else ""
    return f"{MARKS[q.risk]} {q.id} {labels.risk(q.risk)}{flag}"


def _grid(review: Review, acceptances: dict[str, QuestionAcceptance]) -> list[str]:
    pillars = list(review.summary.by_pillar)
    lines = [
        "| Phase | " + " | ".join(humanize(p) for p in pillars) + " |",
        "|---" * (len(pillars) + 1) + "|",
    ]
    for phase, cells in grid(review):
        row = [_grid_cell(q, acceptances.get(q.id)) if q else "" for q in cells]
        lines.append(f"| {humanize(phase)} | " + " | ".join(row) + " |")
    keys = [labels.NONE_LEGEND]
    if any(not a.expired for a in acceptances.values()):
        keys.append(labels.ACCEPTED_LEGEND)
    return [*lines, "", escape(" · ".join(keys))]


def _count_delta(now: RiskCounts, before: RiskCounts) -> str:
    parts = []
    for risk in COUNT_ORDER:
        a, b = getattr(before, risk.value), getattr(now, risk.value)
        if a != b:
            parts.append(f"{labels.risk(risk)} {a} → {b} ({b - a:+d})")
    return ", ".join(parts)


def _changes(review: Review, baseline: Review, acceptances: dict[str, QuestionAcceptance]) -> list[str]:
    lines = ["#### Changes since the baseline", ""]
    before = {q.id: q.risk for q in baseline.questions}
    rows = []
    for q in review.questions:
        old = before.get(q.id)
        if old != q.risk:
            was = _cell(old) if old is not None else "(new question)"
            trend = "" if old is None else (" better" if q.risk.rank < old.rank else " worse")
            if old is not None and Risk.UNANSWERED in (old, q.risk):
                trend = ""  # more or less known is not better or worse
            now = f"{MARKS[q.risk]} {escape(risk_text(q, acceptances))}"
            rows.append(f"| {q.id} | {was} | {now} |{trend} |")
    delta = _count_delta(review.summary.risk_counts, baseline.summary.risk_counts)
    if not rows:
        return [*lines, "No question changed its risk.", ""]
    return [
        *lines,
        f"Counts: {delta}." if delta else "Counts unchanged.",
        "",
        "| Question | Before | Now | |",
        "|---|---|---|---|",
        *rows,
        "",
    ]


def _new_findings(review: Review, baseline: Review) -> list[str]:
    """Contradicting evidence the baseline did not have, told apart by the fingerprint SARIF
    and the CI gate use (mllens.scan.fingerprint)."""
    known = known_fingerprints(baseline.evidence)
    new = [f.evidence for f in findings(review.evidence) if f.fingerprint not in known]
    if not new:
        return []
    lines = [f"#### New findings since the baseline ({len(new)})", ""]
    for item in new[:_FINDINGS_SHOWN]:
        where = item.file if item.line is None else f"{item.file}:{item.line}"
        outside = "" if item.decides else f"; {item.file_class} file, decides nothing"
        lines.append(
            f"- `{item.rule}` {escape(where)}: {escape(item.message)} (practice {escape(item.practice)}{outside})"
        )
    if len(new) > _FINDINGS_SHOWN:
        lines.append(f"- and {len(new) - _FINDINGS_SHOWN} more (the SARIF report has every one)")
    return [*lines, ""]


def _action(step: PlanStep) -> list[str]:
    if step.kind == "answer":
        return [f"{step.rank}. **{escape(step.title)}**: `{step.command}`"]
    advice = step.advice
    what = advice.text if advice is not None else "put this practice in place"
    check = f" `{step.checks[0]}`" if step.checks else ""
    lines = [
        f"{step.rank}. **{escape(step.practice)}**{check} {escape(step.title)} "
        f"({escape(step.question)}: {labels.risk(step.risk_now)} → {labels.risk(step.risk_after)}): {escape(what)}"
    ]
    for item in step.evidence[:_EVIDENCE_PER_ACTION]:
        where = f"{item.file}:{item.line}" if item.line else item.file
        lines.append(f"   - {escape(where)}: {escape(item.message)} (`{item.rule}`)")
    if advice is not None and advice.snippet:
        fence = "~~~~" if "```" in advice.snippet else "```"
        lang = _FENCE_LANG.get(advice.syntax or "", "")
        lines += [f"   - fix ({advice.syntax}, `{advice.rule}`):", "", f"     {fence}{lang}"]
        lines += [f"     {line}".rstrip() for line in advice.snippet.rstrip().splitlines()]
        lines.append(f"     {fence}")
    return lines


def _actions(review: Review, top: int) -> list[str]:
    steps = [s for s in review.plan if not s.accepted][:top]
    if not steps:
        return []
    lines = [f"#### Top {len(steps)} actions", ""]
    for step in steps:
        lines += _action(step)
    return [*lines, ""]


def _accepted(review: Review) -> list[str]:
    line = accepted_line(review)
    if line is None:
        return []
    risks = {q.id: q.risk for q in review.questions}
    lines = [line, ""]
    for p in review.practices:
        if p.accepted is None:
            continue
        decision = labels.accepted_risk(
            risks[p.question], owner=p.accepted.owner, expires=p.accepted.expires, expired=p.accepted_expired
        )
        lines.append(
            f"- **{escape(p.id)}** {escape(p.title)}: {escape(p.question)} {escape(decision)}. "
            f"Reason: {escape(p.accepted.reason)}"
        )
    return [*lines, ""]


def _diagnostics(scan: ScanResult) -> list[str]:
    lines = [f"{len(scan.diagnostics)} files could not be read or parsed:", ""]
    for d in scan.diagnostics[:_DIAGNOSTICS_SHOWN]:
        where = f"{d.file}:{d.line}" if d.line else d.file
        lines.append(f"- {escape(where)}: {escape(d.kind)}: {escape(d.message)}")
    hidden = len(scan.diagnostics) - _DIAGNOSTICS_SHOWN
    if hidden > 0:
        lines.append(f"- and {hidden} more (the JSON report lists them all)")
    return [*lines, ""]


def _workload(review: Review) -> list[str]:
    w = review.workload
    known = (("Owner", w.owner), ("Environment", w.environment))
    facts = [f"{name}: {escape(value)}" for name, value in known if value]
    return [" · ".join(facts), ""] if facts else []


def render(
    review: Review,
    *,
    scan: ScanResult | None = None,
    baseline: Review | None = None,
    options: ReportOptions = ReportOptions(),
) -> str:
    """The report as GitHub-flavoured Markdown."""
    acceptances = question_acceptances(review)
    lines = [
        f"### mllens review: {escape(review.workload.name)}",
        "",
        *_workload(review),
        f"Lens {escape(review.lens_id)} {escape(review.lens_version)} · {count_line(review)}",
        "",
        *_grid(review, acceptances),
        "",
        *_accepted(review),
    ]
    if baseline is not None:
        lines += _changes(review, baseline, acceptances)
        lines += _new_findings(review, baseline)
    lines += _actions(review, options.top)
    disagreeing = sum(len(p.disagreements) for p in review.practices)
    if disagreeing:
        lines += [f"{disagreeing} checks where the files and the team's answers disagree.", ""]
    if scan is not None and scan.diagnostics:
        lines += _diagnostics(scan)
    return "\n".join(lines)
