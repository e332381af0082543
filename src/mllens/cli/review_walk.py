"""The interactive part of `mllens review`: ask about each unanswered practice, save each
answer as soon as it is given, so stopping at any point (Ctrl-C, end of input) loses
nothing already answered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from rich.console import Console
from rich.prompt import InvalidResponse, Prompt
from rich.text import Text

from mllens.answers.io import AnswersDocument, save_answers, set_practice_answer
from mllens.answers.model import AnswerStatus, CheckAnswer, NAReason, PracticeAnswer
from mllens.lens.model import Lens, Practice
from mllens.report.base import humanize
from mllens.scan.evidence import Evidence

STATUSES = ("implemented", "partial", "missing", "not_applicable", "skip", "quit")
REASONS = ("out_of_scope", "business_priorities", "architecture_constraints", "other")
CHECK_ANSWERS = ("met", "not_met", "unknown", "not_applicable")


class ChoicePrompt(Prompt):
    """A Rich prompt that also takes a unique prefix of a choice (`p` for `partial`)."""

    def process_response(self, value: str) -> str:
        typed = value.strip().lower()
        if self.choices and typed:
            matches = [c for c in self.choices if c.startswith(typed)]
            if len(matches) == 1:
                typed = matches[0]
            elif typed not in self.choices:
                raise InvalidResponse(
                    f"[prompt.invalid]Type one of: {', '.join(self.choices)} (or a unique start)"
                )
        return super().process_response(typed)


def unanswered(
    lens: Lens, doc: AnswersDocument, *, pillar: str | None = None, question: str | None = None
) -> list[Practice]:
    """Practices with no status in the file, in lens order, leaving out questions the team
    marked not applicable and anything outside the filters."""
    skipped = {qid for qid, q in doc.answers.questions.items() if not q.applicable}
    out = []
    for practice in lens.practices:
        answer = doc.answers.answers.get(practice.id)
        if answer is not None and answer.status is not None:
            continue
        if practice.question in skipped:
            continue
        if pillar is not None and practice.pillar != pillar:
            continue
        if question is not None and practice.question != question:
            continue
        out.append(practice)
    return out


def _show(console: Console, practice: Practice, position: str, evidence: Sequence[Evidence] = ()) -> None:
    head = Text(f"\n{position} ", style="dim")
    head.append(practice.id, style="bold")
    if practice.id_2023:
        head.append(f" ({practice.id_2023})")
    where = " · ".join(humanize(x) for x in (practice.pillar, practice.phase) if x)
    head.append(f" · {practice.question} · {where}")
    if practice.risk_if_missing:
        head.append(f" · {practice.risk_if_missing} risk if missing")
    console.print(head)
    console.print(Text(practice.title, style="bold"))
    if practice.description:
        console.print(practice.description)
    for check in practice.checks:
        console.print(Text(f"  - {check.id} ({check.kind}): {check.text}", style="dim"))
    if evidence:
        # What the scan found, so the person confirms or corrects it instead of guessing.
        console.print(Text("  What the files show:", style="bold"))
        for item in evidence:
            mark, style = ("✓", "green") if item.outcome == "supports" else ("✗", "red")
            where = f"{item.file}:{item.line}" if item.line else item.file
            console.print(Text(f"    {mark} {where} [{item.check}] {item.message}", style=style))


def _ask(
    console: Console, label: str, choices: Sequence[str], default: str, *, show: bool = True
) -> str:
    return ChoicePrompt.ask(
        label, console=console, choices=list(choices), default=default, show_choices=show
    )


class QuitWalk(Exception):
    """The person typed `quit`."""


def ask_answer(console: Console, practice: Practice, previous: PracticeAnswer | None) -> PracticeAnswer | None:
    """One practice's answer from the prompts; None to skip it. Raises QuitWalk on `quit`."""
    status = _ask(console, "Status [i/p/m/n/s/q]", STATUSES, "skip", show=False)
    if status == "skip":
        return None
    if status == "quit":
        raise QuitWalk
    checks: dict[str, Any] = dict(previous.checks) if previous else {}
    if status == "partial":
        for check in (c for c in practice.checks if c.kind == "manual"):
            checks[check.id] = _ask(console, f"Check '{check.text}'", CHECK_ANSWERS, "unknown")
    reason = None
    if status == "not_applicable":
        reason = cast(NAReason, _ask(console, "Why does it not apply", REASONS, "other"))
    notes = Prompt.ask("Notes (Enter for none)", console=console, default="", show_default=False)
    return PracticeAnswer(
        status=cast(AnswerStatus, status),
        checks=cast(dict[str, CheckAnswer], checks),
        notes=notes.strip() or (previous.notes if previous else None),
        reason=reason,
    )


def walk(
    console: Console,
    lens: Lens,
    doc: AnswersDocument,
    practices: Sequence[Practice],
    *,
    evidence: Mapping[str, Sequence[Evidence]] | None = None,
) -> int:
    """Ask about each practice, saving after every answer; returns how many were saved.
    `evidence` (practice id -> findings) is shown beside each practice. KeyboardInterrupt
    and EOFError propagate (after the last save) for the caller."""
    console.print(
        Text(
            "Status: i(mplemented) p(artial) m(issing) n(ot_applicable) s(kip) q(uit); "
            "every answer is saved at once.",
            style="dim",
        )
    )
    saved = 0
    for i, practice in enumerate(practices, start=1):
        _show(console, practice, f"[{i}/{len(practices)}]", (evidence or {}).get(practice.id, ()))
        previous = doc.answers.answers.get(practice.id)
        try:
            answer = ask_answer(console, practice, previous)
        except QuitWalk:
            break
        if answer is None:
            continue
        set_practice_answer(doc, practice.id, answer)
        save_answers(doc)
        saved += 1
    return saved
