"""The tool's answers into mllens.yaml: only where they differ from what a push writes.

Pull compares each question as the tool holds it with the answer mllens would push for
the same review, and records the difference as the team's answer (a choice ticked in the
tool is `implemented`, one cleared is `missing`, one marked not applicable carries its
reason). A workload just pushed therefore pulls back with no change to the file.
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from mllens.answers.io import AnswersDocument, set_practice_answer
from mllens.answers.model import PracticeAnswer
from mllens.aws.wa_answers import FROM_WA_REASON, WaAnswer, split_notes
from mllens.lens.model import Lens


def _practice_changes(lens: Lens, ours: WaAnswer, theirs: WaAnswer) -> dict[str, dict[str, str]]:
    by_choice = {p.choice_id: p.id for p in lens.question(ours.question).choices}
    out: dict[str, dict[str, str]] = {}
    for choice, practice in by_choice.items():
        reason = theirs.not_applicable.get(choice)
        if reason is not None and ours.not_applicable.get(choice) != reason:
            out[practice] = {"status": "not_applicable", "reason": FROM_WA_REASON.get(reason, "other")}
        elif reason is None and choice in theirs.selected and choice not in ours.selected:
            out[practice] = {"status": "implemented"}
        elif (
            reason is None
            and choice not in theirs.selected
            and (choice in ours.selected or choice in ours.not_applicable)
        ):
            out[practice] = {"status": "missing"}
    return out


def _set_question(doc: AnswersDocument, question: str, values: dict[str, object]) -> None:
    section = doc.data.get("questions")
    if not isinstance(section, CommentedMap):
        section = doc.data["questions"] = CommentedMap()
    entry = section.get(question)
    if not isinstance(entry, CommentedMap):
        entry = section[question] = CommentedMap()
    for key, value in values.items():
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = value


def apply_pull(doc: AnswersDocument, lens: Lens, ours: list[WaAnswer], theirs: dict[str, WaAnswer]) -> list[str]:
    """Write into `doc` (in place, not saved) what the tool says differently; one line
    per change, empty when the file already agrees with the tool."""
    changes = []
    for answer in ours:
        tool = theirs.get(answer.question)
        if tool is None or tool == answer:
            continue
        for practice, values in _practice_changes(lens, answer, tool).items():
            current = doc.answers.answers.get(practice, PracticeAnswer())
            update = {"status": values["status"], "reason": values.get("reason")}
            set_practice_answer(doc, practice, current.model_copy(update=update))
            changes.append(f"{practice}: {values['status']}")
        if tool.applicable != answer.applicable or (not tool.applicable and tool.reason != answer.reason):
            reason = FROM_WA_REASON.get(tool.reason or "", "other") if not tool.applicable else None
            _set_question(doc, answer.question, {"applicable": tool.applicable, "reason": reason})
            changes.append(f"{answer.question}: {'applicable' if tool.applicable else 'not applicable'}")
        team = split_notes(tool.notes)
        if team != split_notes(answer.notes):
            _set_question(doc, answer.question, {"notes": team or None})
            changes.append(f"{answer.question}: notes")
    doc.revalidate()
    return changes
