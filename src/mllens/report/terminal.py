"""The terminal report: the phase x pillar map, counts, high risks with what to do, then
where the files and the team disagree, which files the scan could not read, and what is
left to answer.

Identifiers are never cut: a table that cannot fit the width is printed wider rather than
folded or ellipsised. On a terminal long lines wrap at the width; piped or written to a
file, every item is one line at full length (`ReportOptions.wrap`)."""

from __future__ import annotations

import io
import re
import shlex

from rich.console import Console, RenderableType
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from mllens.lens.model import Risk
from mllens.report import labels
from mllens.report.base import (
    QuestionAcceptance,
    ReportOptions,
    accepted_line,
    count_line,
    grid,
    humanize,
    pillar_code,
    question_acceptances,
    risk_text,
)
from mllens.review.advice import shown_stacks
from mllens.review.model import CheckState, PlanStep, PracticeResult, PracticeStatus, QuestionResult, Review
from mllens.scan.result import ScanResult

STYLES = {
    Risk.HIGH: "bold white on red",
    Risk.MEDIUM: "black on yellow",
    Risk.NONE: "green",
    Risk.UNANSWERED: "dim",
    Risk.NOT_APPLICABLE: "dim italic",
}
_EVIDENCE_SHOWN = 3  # contradicting findings listed per missing practice
_DIAGNOSTICS_SHOWN = 10  # unreadable files named before "and N more"
_UNBOUNDED = 10_000  # measure a table as if the line had no end


def table_width(console: Console, table: Table) -> int:
    """The narrowest width at which no cell of `table` is cut: ids in no_wrap columns
    whole, other cells wrapped at spaces, never inside a word."""
    options = console.options.update_width(_UNBOUNDED)
    for column in table.columns:
        # Rich measures a no_wrap column by its longest word; it needs its longest line.
        if column.no_wrap and column.min_width is None:
            cells = [column.header, *column.cells]
            column.min_width = max(Measurement.get(console, options, cell).maximum for cell in cells)
    return Measurement.get(console, options, table).minimum


def print_table(console: Console, table: Table) -> None:
    """Print a table without cutting an identifier: when it needs more than the console's
    width, print it wider (a terminal then wraps the line; a log keeps it whole)."""
    needed = table_width(console, table)
    if needed <= console.width:
        console.print(table)
        return
    saved = console.width
    console.width = needed
    try:
        console.print(table)
    finally:
        console.width = saved


def wrap_words(text: Text, width: int) -> Text:
    """`text` with line breaks at spaces so that lines fit `width`; a word longer than the
    width stays whole on a line of its own (Rich would fold it: ids and paths get cut).
    Continuation lines keep the line's indent."""
    out: list[Text] = []
    for line in text.split("\n", allow_blank=True):
        plain = line.plain
        indent = len(plain) - len(plain.lstrip(" "))
        offsets: list[int] = []
        start = 0  # where the current output line starts in `plain`
        for word in re.finditer(r"\S+", plain):
            if word.end() - start > width and word.start() > start + indent:
                offsets.append(word.start())
                start = word.start() - indent  # the indent added below counts too
        pieces = line.divide(offsets)
        for i, piece in enumerate(pieces):
            piece.rstrip()
            out.append(piece if i == 0 else Text(" " * indent) + piece)
    return Text("\n").join(out)


def _grid_cell(q: QuestionResult, acceptance: QuestionAcceptance | None) -> Text:
    # A two-word state goes on two lines so that six pillars fit 80 columns; the id and
    # each word stay whole.
    word = labels.risk(q.risk).replace(" ", "\n")
    flag = f" {labels.ACCEPTED_FLAG}" if acceptance is not None and not acceptance.expired else ""
    return Text(f"{q.id}\n{word}{flag}", style=STYLES[q.risk])


def _grid_table(review: Review, acceptances: dict[str, QuestionAcceptance], *, tight: bool) -> Table:
    table = Table(
        title="Risk by lifecycle phase and pillar",
        show_lines=True,
        title_justify="left",
        padding=(0, 0) if tight else (0, 1),
    )
    table.add_column("Phase", style="bold")
    for pillar in review.summary.by_pillar:
        table.add_column(pillar_code(pillar), justify="center", no_wrap=True)
    for phase, cells in grid(review):
        row: list[RenderableType] = [humanize(phase)]
        row += [Text("") if q is None else _grid_cell(q, acceptances.get(q.id)) for q in cells]
        table.add_row(*row)
    return table


def _legend(review: Review, acceptances: dict[str, QuestionAcceptance]) -> str:
    codes = [
        f"{pillar_code(p)} {humanize(p)}"
        for p in review.summary.by_pillar
        if pillar_code(p) != humanize(p)
    ]
    keys = [labels.NONE_LEGEND]
    if any(not a.expired for a in acceptances.values()):
        keys.append(labels.ACCEPTED_LEGEND)
    return " · ".join(codes) + ("\n" if codes else "") + " · ".join(keys)


def _advice_lines(text: Text, step: PlanStep | None, stacks: tuple[str, ...], practice: str) -> None:
    advice = step.advice if step is not None else None
    if advice is None:
        text.append(f"\n      → put practice {practice} in place (no steps in the lens yet)")
        return
    text.append(f"\n      → {advice.text}", style="cyan")
    if advice.snippet:
        text.append(f"\n        fix ({advice.syntax}, {advice.rule}):", style="cyan")
        for line in advice.snippet.rstrip().splitlines():
            text.append(f"\n          {line}", style="cyan")
    for stack in stacks:
        if stack in advice.stacks:
            text.append(f"\n        {stack}: {advice.stacks[stack]}", style="cyan")


def _practice_lines(
    practice: PracticeResult, steps: dict[tuple[str, str | None], PlanStep], stacks: tuple[str, ...]
) -> Text:
    text = Text("  ✗ ", style="red")
    text.append(f"{practice.id} ", style="bold")
    text.append(f"{practice.title} [{labels.status(practice.status)}]")
    if practice.accepted is not None:
        accepted = labels.acceptance(
            owner=practice.accepted.owner, expires=practice.accepted.expires, expired=practice.accepted_expired
        )
        text.append(f" ({accepted})", style="italic")
    failing = [c for c in practice.checks if c.state is CheckState.NOT_MET]
    shown = 0
    # Each failing check with its findings, then its own next step (never another check's).
    for check in failing:
        found = [e for e in check.evidence if e.outcome == "contradicts"]
        for item in found[: max(_EVIDENCE_SHOWN - shown, 1)]:
            where = f"{item.file}:{item.line}" if item.line else item.file
            text.append(f"\n      {where}: {item.message} ({item.rule})", style="dim")
            shown += 1
        if len(found) > 1 and shown >= _EVIDENCE_SHOWN:
            more = f"\n      ... {check.id}: {len(found)} findings in all (the JSON report lists them)"
            text.append(more, style="dim")
        _advice_lines(text, steps.get((practice.id, check.id)), stacks, practice.id)
    if not failing:
        _advice_lines(text, steps.get((practice.id, None)), stacks, practice.id)
    return text


def _high_risks(
    review: Review, acceptances: dict[str, QuestionAcceptance], options: ReportOptions
) -> list[Text]:
    high = [q for q in review.questions if q.risk is Risk.HIGH]
    if not high:
        return [Text(f"No {labels.risk(Risk.HIGH)} risks.", style="green")]
    decided = {q.id for q in high if q.id in acceptances and not acceptances[q.id].expired}
    title = f"{labels.risk(Risk.HIGH)} risks ({len(high)}" + (f", {len(decided)} accepted)" if decided else ")")
    out = [Text(title, style="bold red")]
    steps = {(s.practice, s.checks[0] if s.checks else None): s for s in review.plan if s.kind != "answer"}
    stacks = shown_stacks(review.evidence, options.stack)
    # Open risks first; the ones the team accepted come last, as the plan orders them.
    for q in sorted(high, key=lambda q: q.id in decided):
        where = " / ".join(humanize(x) for x in (q.pillar, q.phase) if x)
        out.append(Text(f"\n{q.id} {risk_text(q, acceptances)} · {where} · {q.title}", style="bold"))
        for pid in q.missing:
            out.append(_practice_lines(review.practice(pid), steps, stacks))
        if q.unknown:
            out.append(Text(f"  ? {labels.status(PracticeStatus.UNKNOWN)}: {', '.join(q.unknown)}", style="dim"))
    return out


def _disagreements(review: Review) -> list[Text]:
    lines: list[Text] = []
    for practice in review.practices:
        for check in practice.disagreements:
            files = labels.check(check.evidence_state)
            team = labels.check(check.answer_state or CheckState.UNKNOWN)
            proof = next((e for e in check.evidence if e.outcome != "info"), None)
            where = f" ({proof.file}:{proof.line})" if proof and proof.line else ""
            lines.append(
                Text(f"  {practice.id} {check.id}: the files say {files}, the team says {team}{where}")
            )
    if not lines:
        return []
    return [Text(f"Evidence and answers disagree ({len(lines)})", style="bold yellow"), *lines]


def _scan_facts(review: Review, scan: ScanResult) -> list[Text]:
    out = [
        Text(
            f"Scanned {scan.files_scanned} files in {scan.duration_s:.1f}s: "
            f"{len(review.evidence)} findings, {len(scan.diagnostics)} diagnostics "
            "(files that could not be read or parsed)"
        )
    ]
    outside = sum(1 for e in review.evidence if not e.decides)
    if outside:  # found in vendored code, test data, generated files or examples: shown, never counted
        out.append(Text(f"  {outside} of the findings are in files not the project's own and decide nothing "
                        "(mllens scan --explain-files)", style="dim"))  # fmt: skip
    for d in scan.diagnostics[:_DIAGNOSTICS_SHOWN]:
        where = f"{d.file}:{d.line}" if d.line else d.file
        rule = f" ({d.rule})" if d.rule else ""
        out.append(Text(f"  {where}: {d.kind}: {d.message}{rule}", style="dim"))
    hidden = len(scan.diagnostics) - _DIAGNOSTICS_SHOWN
    if hidden > 0:
        out.append(Text(f"  and {hidden} more (the JSON report lists them all)", style="dim"))
    unanswered = review.summary.risk_counts.UNANSWERED
    if unanswered:
        noun = "question is" if unanswered == 1 else "questions are"
        out.append(
            Text(
                f"{unanswered} {noun} {labels.risk(Risk.UNANSWERED)}: "
                f"answer them with `mllens review {shlex.quote(scan.root)}`",
                style="bold",
            )
        )
    return out


def render(
    review: Review,
    *,
    scan: ScanResult | None = None,
    baseline: Review | None = None,
    options: ReportOptions = ReportOptions(),
) -> str:
    """The report as text for a terminal (ANSI colours only when options.color)."""
    wrap = options.color if options.wrap is None else options.wrap
    acceptances = question_acceptances(review)
    texts: list[Text] = [Text(_legend(review, acceptances), style="dim"), Text(f"Questions: {count_line(review)}")]
    accepted = accepted_line(review)
    if accepted:
        texts.append(Text(accepted))
    texts += [Text(""), *_high_risks(review, acceptances, options)]
    disagreements = _disagreements(review)
    if disagreements:
        texts += [Text(""), *disagreements]
    if scan is not None:
        texts += [Text(""), *_scan_facts(review, scan)]

    out = io.StringIO()
    console = Console(
        file=out,
        width=options.width,
        force_terminal=options.color,
        color_system="standard" if options.color else None,
        highlight=False,
        emoji=False,
    )
    title = Text(f"mllens review: {review.workload.name} (lens {review.lens_id} {review.lens_version})", style="bold")
    console.print(wrap_words(title, options.width) if wrap else title, soft_wrap=True)
    table = _grid_table(review, acceptances, tight=False)
    if table_width(console, table) > options.width:
        table = _grid_table(review, acceptances, tight=True)  # drop the padding before going wider
    print_table(console, table)
    for text in texts:
        console.print(wrap_words(text, options.width) if wrap else text, soft_wrap=True)
    return out.getvalue()
