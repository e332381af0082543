"""A review as the Well-Architected Tool's answers, one per question, and back.

`desired_answers` is what push writes; `WaAnswer` is also what pull reads, so the two
compare field by field and a push with nothing changed writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mllens.answers.model import AnswersFile
from mllens.lens.model import Lens
from mllens.review.model import PracticeResult, Review

NOTES_MAX = 2084  # UpdateAnswer.Notes (service model)
MORE = "\n... more in mllens"
EVIDENCE_HEAD = "-- evidence found by mllens --"
# Our not-applicable reasons and the tool's (UpdateAnswer.Reason, ChoiceUpdate.Reason).
TO_WA_REASON = {
    "out_of_scope": "OUT_OF_SCOPE",
    "business_priorities": "BUSINESS_PRIORITIES",
    "architecture_constraints": "ARCHITECTURE_CONSTRAINTS",
    "other": "OTHER",
}
FROM_WA_REASON = {wa: ours for ours, wa in TO_WA_REASON.items()}


@dataclass(frozen=True)
class WaAnswer:
    """One question's answer in the tool's terms (only the fields mllens writes)."""

    question: str
    selected: tuple[str, ...] = ()  # sorted: the tool's order is not ours
    not_applicable: dict[str, str] = field(default_factory=dict)  # choice id -> WA reason
    notes: str = ""
    applicable: bool = True
    reason: str | None = None  # the question's reason when not applicable

    def update_params(self, *, workload_id: str, lens_alias: str) -> dict[str, Any]:
        """UpdateAnswer's keyword arguments."""
        params: dict[str, Any] = {
            "WorkloadId": workload_id,
            "LensAlias": lens_alias,
            "QuestionId": self.question,
            "SelectedChoices": list(self.selected),
            "Notes": self.notes,
            "IsApplicable": self.applicable,
        }
        if self.not_applicable:
            params["ChoiceUpdates"] = {
                choice: {"Status": "NOT_APPLICABLE", "Reason": reason}
                for choice, reason in sorted(self.not_applicable.items())
            }
        if not self.applicable:
            params["Reason"] = self.reason or "OTHER"
        return params


def cut_notes(text: str, limit: int = NOTES_MAX) -> str:
    """`text` within the API's limit, ending with a marker when something was left out."""
    if len(text) <= limit:
        return text
    return text[: limit - len(MORE)].rstrip() + MORE


def split_notes(notes: str) -> str:
    """The team's part of notes mllens wrote (what precedes the evidence summary)."""
    head, _, _ = notes.partition(EVIDENCE_HEAD)
    return head.replace(MORE, "").strip()


def _evidence_lines(practice: PracticeResult) -> list[str]:
    lines = []
    for check in practice.checks:
        for ev in check.evidence:
            where = ev.file if ev.line is None else f"{ev.file}:{ev.line}"
            lines.append(f"{practice.id} {ev.outcome}: {where} {ev.message}")
    return lines


def _notes(team: str, practices: list[PracticeResult]) -> str:
    parts = [team] if team else []
    for p in practices:
        if p.notes:
            parts.append(f"{p.id}: {p.notes}")
    evidence = [line for p in practices for line in _evidence_lines(p)]
    if evidence:
        parts.append("\n".join([EVIDENCE_HEAD, *evidence]))
    return cut_notes("\n".join(parts))


def desired_answers(review: Review, lens: Lens, answers: AnswersFile | None) -> list[WaAnswer]:
    """What the tool should hold for each question of the review, in lens order."""
    by_id = {p.id: p for p in review.practices}
    out = []
    for result in review.questions:
        question = lens.question(result.id)
        in_question = [by_id[p.id] for p in question.choices if p.id in by_id]
        choice = {p.id: p.choice_id for p in question.choices}
        qa = answers.questions.get(result.id) if answers is not None else None
        not_applicable = {
            choice[p.id]: TO_WA_REASON.get(p.na_reason or "other", "OTHER")
            for p in in_question
            if p.id in result.not_applicable
        }
        out.append(
            WaAnswer(
                question=result.id,
                selected=tuple(sorted(choice[pid] for pid in result.selected if pid in choice)),
                not_applicable=not_applicable,
                notes=_notes((qa.notes or "") if qa else "", in_question),
                applicable=qa.applicable if qa else True,
                reason=TO_WA_REASON[qa.reason] if qa and not qa.applicable and qa.reason else None,
            )
        )
    return out
