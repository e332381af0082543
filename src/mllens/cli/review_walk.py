"""The interactive part of `mllens review`: ask about each unanswered practice, save each
answer as soon as it is given, so stopping at any point (Ctrl-C, end of input) loses
nothing already answered. Each save re-reads mllens.yaml and merges (answers/merge.py), so
edits made to the file meanwhile (another editor, a `git pull`) are kept too."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from rich.console import Console
from rich.prompt import InvalidResponse, Prompt
from rich.text import Text

from mllens.answers.io import AnswersDocument, set_practice_answer
from mllens.answers.merge import describe, save_document, snapshot
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


@dataclass
class Session:
    """The answers being edited: the document as last read or saved (`base` is a snapshot
    of its answers then), and how many answers this session saved."""

    doc: AnswersDocument
    base: dict[str, PracticeAnswer] = field(default_factory=dict)
    saved: int = 0

    @classmethod
    def start(cls, doc: AnswersDocument) -> Session:
        return cls(doc=doc, base=snapshot(doc))

    def save(self, practice_id: str, answer: PracticeAnswer) -> None:
        """Set one answer and save it, merged into the file as it is now on disk.
        Raises AnswersConflict / AnswersError (nothing written) when that is impossible."""
        set_practice_answer(self.doc, practice_id, answer)
        self.doc = save_document(self.doc, base=self.base)
        self.base = snapshot(self.doc)
        self.saved += 1


def unanswered(
    lens: Lens,
    doc: AnswersDocument,
    *,
    pillar: str | None = None,
    question: str | Sequence[str] | None = None,
    practice: str | None = None,
) -> list[Practice]:
    """Practices with no status in the file, in lens order, leaving out questions the team
    marked not applicable and anything outside the filters."""
    skipped = {qid for qid, q in doc.answers.questions.items() if not q.applicable}
    questions = {question} if isinstance(question, str) else set(question or ())

    def wanted(p: Practice) -> bool:
        answer = doc.answers.answers.get(p.id)
        return (
            (answer is None or answer.status is None)
            and p.question not in skipped
            and pillar in (None, p.pillar)
            and (not questions or p.question in questions)
            and practice in (None, p.id)
        )

    return [p for p in lens.practices if wanted(p)]


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


def _answered(doc: AnswersDocument, practice_id: str) -> PracticeAnswer | None:
    answer = doc.answers.answers.get(practice_id)
    return answer if answer is not None and answer.status is not None else None


def walk(
    console: Console,
    lens: Lens,
    session: Session,
    practices: Sequence[Practice],
    *,
    evidence: Mapping[str, Sequence[Evidence]] | None = None,
) -> int:
    """Ask about each practice, saving after every answer; returns how many were saved.
    `evidence` (practice id -> findings) is shown beside each practice. KeyboardInterrupt,
    EOFError and a save that cannot merge (AnswersError) propagate for the caller; every
    answer saved before stays saved."""
    console.print(
        Text(
            "Status: i(mplemented) p(artial) m(issing) n(ot_applicable) s(kip) q(uit); "
            "every answer is saved at once.",
            style="dim",
        )
    )
    before = {p.id for p in practices if _answered(session.doc, p.id) is not None}
    for i, practice in enumerate(practices, start=1):
        position = f"[{i}/{len(practices)}]"
        now = _answered(session.doc, practice.id)
        if now is not None and practice.id not in before:
            # Answered in the file by someone else since the walk began: not asked twice.
            note = f"\n{position} {practice.id}: answered in the file meanwhile ({describe(now)}); skipped"
            console.print(Text(note))
            continue
        _show(console, practice, position, (evidence or {}).get(practice.id, ()))
        if now is not None:
            console.print(Text(f"  Answered now: {describe(now)} (s keeps it)", style="bold"))
        previous = session.doc.answers.answers.get(practice.id)
        try:
            answer = ask_answer(console, practice, previous)
        except QuitWalk:
            break
        if answer is not None:
            session.save(practice.id, answer)
    return session.saved
