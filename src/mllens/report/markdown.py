"""The Markdown report, sized for a pull-request comment: the map, the counts, what
changed since a baseline review, and the first actions of the plan."""

from __future__ import annotations

from mllens.lens.model import Risk
from mllens.report.base import (
    COUNT_ORDER,
    LABELS,
    ReportOptions,
    accepted_line,
    count_line,
    grid,
    humanize,
)
from mllens.review.model import Review, RiskCounts
from mllens.scan.result import ScanResult

MARKS = {
    Risk.HIGH: "🔴",
    Risk.MEDIUM: "🟠",
    Risk.NONE: "🟢",
    Risk.UNANSWERED: "⚪",
    Risk.NOT_APPLICABLE: "➖",
}


def _cell(risk: Risk) -> str:
    return f"{MARKS[risk]} {LABELS[risk]}"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _grid(review: Review) -> list[str]:
    pillars = list(review.summary.by_pillar)
    lines = [
        "| Phase | " + " | ".join(humanize(p) for p in pillars) + " |",
        "|---" * (len(pillars) + 1) + "|",
    ]
    for phase, cells in grid(review):
        row = [f"{MARKS[q.risk]} {q.id} {LABELS[q.risk]}" if q else "" for q in cells]
        lines.append(f"| {humanize(phase)} | " + " | ".join(row) + " |")
    return lines


def _count_delta(now: RiskCounts, before: RiskCounts) -> str:
    parts = []
    for risk in COUNT_ORDER:
        a, b = getattr(before, risk.value), getattr(now, risk.value)
        if a != b:
            parts.append(f"{LABELS[risk]} {a} → {b} ({b - a:+d})")
    return ", ".join(parts)


def _changes(review: Review, baseline: Review) -> list[str]:
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
            rows.append(f"| {q.id} | {was} | {_cell(q.risk)} |{trend} |")
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


def _actions(review: Review, top: int) -> list[str]:
    steps = [s for s in review.plan if not s.accepted][:top]
    if not steps:
        return []
    lines = [f"#### Top {len(steps)} actions", ""]
    for step in steps:
        first = step.steps[0] if step.steps else "put this practice in place"
        # UNANSWERED after the step means the outcome hangs on practices nobody answered yet.
        after = "open" if step.risk_after is Risk.UNANSWERED else LABELS[step.risk_after]
        lines.append(
            f"{step.rank}. **{step.practice}** {_escape(step.title)} "
            f"({step.question}: {LABELS[step.risk_now]} → {after}): {_escape(first)}"
        )
    return [*lines, ""]


def render(
    review: Review,
    *,
    scan: ScanResult | None = None,
    baseline: Review | None = None,
    options: ReportOptions = ReportOptions(),
) -> str:
    """The report as GitHub-flavoured Markdown."""
    lines = [
        f"### mllens review: {_escape(review.workload.name)}",
        "",
        f"Lens {review.lens_id} {review.lens_version} · {count_line(review)}",
        "",
        *_grid(review),
        "",
    ]
    accepted = accepted_line(review)
    if accepted:
        lines += [accepted, ""]
    if baseline is not None:
        lines += _changes(review, baseline)
    lines += _actions(review, options.top)
    disagreeing = sum(len(p.disagreements) for p in review.practices)
    if disagreeing:
        lines += [f"{disagreeing} checks where the files and the team's answers disagree.", ""]
    if scan is not None and scan.diagnostics:
        lines += [f"{len(scan.diagnostics)} files could not be read or parsed (see the JSON report).", ""]
    return "\n".join(lines)
