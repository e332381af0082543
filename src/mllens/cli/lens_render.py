"""Rich renderings of lens content for `mllens lens show` and `mllens lens list`.

Lens text is data, never markup: everything goes into `Text` objects, so a bracket in a
description is printed as a bracket.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from mllens.lens.model import STACKS, HelpfulText, Lens, Practice, Question

STACK_NAMES = {"aws": "AWS", "gcp": "Google Cloud", "azure": "Azure", "open_source": "Open source"}
_RISK_STYLE = {"high": "bold red", "medium": "yellow"}


def _name(items: list[tuple[str, str]], key: str | None) -> str:
    return next((name for id_, name in items if id_ == key), key or "-")


def _pillar_name(lens: Lens, pillar_id: str) -> str:
    return _name([(p.id, p.name) for p in lens.pillars], pillar_id)


def _phase_name(lens: Lens, phase_id: str | None) -> str:
    return _name([(p.id, p.name) for p in lens.phases], phase_id)


def _heading(text: str) -> Text:
    return Text(f"\n{text}", style="bold")


def _field(label: str, value: str, style: str = "") -> Text:
    line = Text(f"{label}: ", style="dim")
    line.append(value, style=style)
    return line


def render_practice(lens: Lens, p: Practice) -> RenderableType:
    title = Text(p.id, style="bold cyan")
    if p.id_2023:
        title.append(f" ({p.id_2023})", style="cyan")
    title.append(f"  {p.title}", style="bold")
    question = lens.question(p.question)
    parts: list[RenderableType] = [
        title,
        _field("Pillar", _pillar_name(lens, p.pillar)),
        _field("Phase", _phase_name(lens, p.phase)),
        _field("Question", f"{question.id}  {question.title}"),
        _field("Risk if missing", p.risk_if_missing or "-", _RISK_STYLE.get(p.risk_if_missing or "", "")),
    ]
    if p.description:
        parts += [_heading("Description"), Text(p.description)]
    if p.why:
        parts += [_heading("Why it matters"), Text(p.why)]
    if p.checks:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for check in p.checks:
            kind = Text(f"[{check.kind}]", style="green" if check.kind == "automated" else "magenta")
            text = Text(check.text)
            if check.evidence:
                text.append(f"  ({check.evidence})", style="dim")
            grid.add_row(kind, text)
        parts += [_heading("Checks"), Padding(grid, (0, 0, 0, 2))]
    if p.improvement:
        parts.append(_heading("Improvement"))
        for n, step in enumerate(p.improvement, start=1):
            parts.append(Padding(Text(f"{n}. {step.text}"), (0, 0, 0, 2)))
            for stack in STACKS:
                note = getattr(step.stacks, stack)
                if note:
                    line = Text(f"{STACK_NAMES[stack]}: ", style="dim")
                    line.append(note)
                    parts.append(Padding(line, (0, 0, 0, 6)))
    if p.resources:
        parts.append(_heading("Resources"))
        for resource in p.resources:
            parts.append(Padding(Text(resource.title), (0, 0, 0, 2)))
            # A link is never wrapped: broken across lines it can no longer be clicked.
            parts.append(Text(f"    {resource.url}", style="blue underline", no_wrap=True, overflow="ignore"))
    return Group(*parts)


def render_question(lens: Lens, q: Question) -> RenderableType:
    title = Text(q.id, style="bold cyan")
    title.append(f"  {q.title}", style="bold")
    parts: list[RenderableType] = [
        title,
        _field("Pillar", _pillar_name(lens, q.pillar)),
        _field("Phase", _phase_name(lens, q.phase)),
    ]
    if q.description:
        parts += [_heading("Description"), Text(q.description)]
    if q.helpful_resource is not None:
        text = q.helpful_resource.text if isinstance(q.helpful_resource, HelpfulText) else q.helpful_resource.title
        parts += [
            _heading("Helpful resource"),
            Text(text + (f"  {q.helpful_resource.url}" if q.helpful_resource.url else "")),
        ]
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("Practice", no_wrap=True)
    table.add_column("Risk")
    table.add_column("Title")
    for p in q.choices:
        table.add_row(p.id, Text(p.risk_if_missing or "-", style=_RISK_STYLE.get(p.risk_if_missing or "", "")), p.title)
    if q.none_choice is not None:
        table.add_row(q.none_choice.id, "", q.none_choice.title)
    parts += [_heading("Practices (choices)"), table, _heading("Risk rules (first that holds wins)")]
    for rule in q.risk_rules:
        parts.append(Text(f"  {rule.risk:<6} {rule.condition}"))
    return Group(*parts)


def practice_table(lens: Lens, practices: list[Practice]) -> Table:
    table = Table(title=f"{lens.name}: {len(practices)} practices", header_style="bold", expand=True)
    table.add_column("ID", no_wrap=True, style="cyan")
    table.add_column("Pillar / phase", max_width=24)
    table.add_column("Risk", no_wrap=True)
    table.add_column("Checks", no_wrap=True)
    table.add_column("Title", min_width=24, ratio=1)
    for p in practices:
        ids = Text(p.id)
        if p.id_2023:
            ids.append(f"\n{p.id_2023}", style="dim")
        auto = sum(c.kind == "automated" for c in p.checks)
        table.add_row(
            ids,
            f"{_pillar_name(lens, p.pillar)}\n{_phase_name(lens, p.phase)}",
            Text(p.risk_if_missing or "-", style=_RISK_STYLE.get(p.risk_if_missing or "", "")),
            f"{auto} auto\n{len(p.checks) - auto} manual",
            p.title,
        )
    return table
