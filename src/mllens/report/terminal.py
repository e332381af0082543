"""The terminal report: the phase x pillar map, counts, high risks with what to do, then
where the files and the team disagree and how many files the scan could not read."""

from __future__ import annotations

import io

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from mllens.lens.model import Risk
from mllens.report.base import (
    ReportOptions,
    accepted_line,
    count_line,
    grid,
    humanize,
    pillar_code,
)
from mllens.review.model import CheckState, PlanStep, PracticeResult, Review
from mllens.scan.result import ScanResult

STYLES = {
    Risk.HIGH: "bold white on red",
    Risk.MEDIUM: "black on yellow",
    Risk.NONE: "green",
    Risk.UNANSWERED: "dim",
    Risk.NOT_APPLICABLE: "dim italic",
}
# Short enough that the whole grid fits 80 columns; the legend spells them out.
GRID_LABELS = {
    Risk.HIGH: "HIGH",
    Risk.MEDIUM: "MEDIUM",
    Risk.NONE: "ok",
    Risk.UNANSWERED: "?",
    Risk.NOT_APPLICABLE: "n/a",
}
_EVIDENCE_SHOWN = 3  # contradicting findings listed per missing practice


def _grid_table(review: Review) -> Table:
    table = Table(title="Risk by lifecycle phase and pillar", show_lines=True, title_justify="left")
    table.add_column("Phase", style="bold")
    for pillar in review.summary.by_pillar:
        table.add_column(pillar_code(pillar), justify="center")
    for phase, cells in grid(review):
        row: list[RenderableType] = [humanize(phase)]
        for q in cells:
            if q is None:
                row.append("")
            else:
                row.append(Text(f"{q.id}\n{GRID_LABELS[q.risk]}", style=STYLES[q.risk]))
        table.add_row(*row)
    return table


def _legend(review: Review) -> str:
    codes = [
        f"{pillar_code(p)} {humanize(p)}"
        for p in review.summary.by_pillar
        if pillar_code(p) != humanize(p)
    ]
    risks = "HIGH, MEDIUM: risk · ok: no risk · ?: unanswered · n/a: not applicable"
    return " · ".join(codes) + ("\n" if codes else "") + risks


def _practice_lines(practice: PracticeResult, step: PlanStep | None, stack: str | None) -> Text:
    text = Text("  ✗ ", style="red")
    text.append(f"{practice.id} ", style="bold")
    text.append(f"{practice.title} [{practice.status.value}]")
    if practice.accepted is not None:
        state = "expired" if practice.accepted_expired else f"until {practice.accepted.expires}"
        text.append(f" (risk accepted by {practice.accepted.owner}, {state})", style="italic")
    shown = 0
    for check in practice.checks:
        if check.state is not CheckState.NOT_MET:
            continue  # a finding the team overrode is shown under disagreements instead
        for item in check.evidence:
            if item.outcome == "contradicts" and shown < _EVIDENCE_SHOWN:
                where = f"{item.file}:{item.line}" if item.line else item.file
                text.append(f"\n      {where}: {item.message}", style="dim")
                shown += 1
    if step is not None and step.steps:
        text.append(f"\n      → {step.steps[0]}", style="cyan")
        if stack and step.stacks.get(stack):
            text.append(f"\n        {stack}: {step.stacks[stack][0]}", style="cyan")
    else:
        text.append(f"\n      → put practice {practice.id} in place (no steps in the lens yet)")
    return text


def _high_risks(review: Review, options: ReportOptions) -> list[RenderableType]:
    high = [q for q in review.questions if q.risk is Risk.HIGH]
    if not high:
        return [Text("No HIGH risks.", style="green")]
    steps = {s.practice: s for s in review.plan}
    out: list[RenderableType] = [Text(f"HIGH risks ({len(high)})", style="bold red")]
    for q in high:
        where = " / ".join(humanize(x) for x in (q.pillar, q.phase) if x)
        out.append(Text(f"\n{q.id} HIGH · {where} · {q.title}", style="bold"))
        for pid in q.missing:
            practice = review.practice(pid)
            out.append(_practice_lines(practice, steps.get(pid), options.stack))
        if q.unknown:
            out.append(Text(f"  ? not yet known: {', '.join(q.unknown)}", style="dim"))
    return out


def _disagreements(review: Review) -> list[RenderableType]:
    lines: list[RenderableType] = []
    for practice in review.practices:
        for check in practice.disagreements:
            files = "met" if check.evidence_state.value == "met" else "not met"
            team = "met" if check.answer_state and check.answer_state.value == "met" else "not met"
            proof = next((e for e in check.evidence if e.outcome != "info"), None)
            where = f" ({proof.file}:{proof.line})" if proof and proof.line else ""
            lines.append(
                Text(f"  {practice.id} {check.id}: the files say {files}, the team says {team}{where}")
            )
    if not lines:
        return []
    return [Text(f"Evidence and answers disagree ({len(lines)})", style="bold yellow"), *lines]


def render(
    review: Review,
    *,
    scan: ScanResult | None = None,
    baseline: Review | None = None,
    options: ReportOptions = ReportOptions(),
) -> str:
    """The report as text for a terminal (ANSI colours only when options.color)."""
    parts: list[RenderableType] = [
        Text(
            f"mllens review: {review.workload.name} (lens {review.lens_id} {review.lens_version})",
            style="bold",
        ),
        _grid_table(review),
        Text(_legend(review), style="dim"),
        Text(f"Questions: {count_line(review)}"),
    ]
    accepted = accepted_line(review)
    if accepted:
        parts.append(Text(accepted))
    parts.append(Text(""))
    parts.extend(_high_risks(review, options))
    disagreements = _disagreements(review)
    if disagreements:
        parts.extend([Text(""), *disagreements])
    if scan is not None:
        parts.append(Text(""))
        parts.append(
            Text(
                f"Scanned {scan.files_scanned} files in {scan.duration_s:.1f}s: "
                f"{len(review.evidence)} findings, {len(scan.diagnostics)} diagnostics "
                "(files that could not be read or parsed)"
            )
        )
    out = io.StringIO()
    console = Console(
        file=out,
        width=options.width,
        force_terminal=options.color,
        color_system="standard" if options.color else None,
        highlight=False,
        emoji=False,
    )
    console.print(Group(*parts))
    return out.getvalue()
