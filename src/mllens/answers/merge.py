"""Save answers into a `mllens.yaml` that may have changed since it was read.

Whoever edits answers over time (the interactive `mllens review`, a web form) keeps three
views of them: `base`, what the file said when it was last read or saved; `ours`, the
answers after its own edits; and the file as it is now (`theirs`: another editor, a
`git pull`). Saving applies only the practices `ours` changed onto a fresh read of the
file, so everything the other side wrote (comments, key order, other answers, the
workload) stays. A practice both sides changed, differently, is a conflict: nothing is
written, and the caller tells the person.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from mllens.answers.io import AnswersDocument, dump_answers, read_answers, set_practice_answer
from mllens.answers.model import PracticeAnswer
from mllens.errors import AnswersError
from mllens.lens.model import Lens
from mllens.output import write_atomic

Answers = Mapping[str, PracticeAnswer]  # current practice id -> answer
_ATTEMPTS = 5  # re-reads when the file changes again while a save is being prepared


class AnswersConflict(AnswersError):
    """The same practice was changed in the file and in this session, differently."""

    def __init__(self, message: str, *, file: str, practices: list[str]) -> None:
        super().__init__(message, file=file)
        self.practices = practices


def snapshot(doc: AnswersDocument) -> dict[str, PracticeAnswer]:
    """The answers of a document as they are now: the `base` of the next merge."""
    return {pid: answer.model_copy(deep=True) for pid, answer in doc.answers.answers.items()}


def changed(base: Answers, ours: Answers) -> list[str]:
    """Practices whose answer differs between `base` and `ours` (added, edited or removed)."""
    return [pid for pid in {**base, **ours} if base.get(pid) != ours.get(pid)]


def conflicts(base: Answers, ours: Answers, theirs: Answers) -> list[str]:
    """Practices both sides changed from `base`, to different answers."""
    return [
        pid
        for pid in changed(base, ours)
        if theirs.get(pid) != base.get(pid) and theirs.get(pid) != ours.get(pid)
    ]


def describe(answer: PracticeAnswer | None) -> str:
    """An answer in a few words, for messages: `missing, notes 'keys next quarter'`."""
    if answer is None or answer == PracticeAnswer():
        return "no answer"
    parts: list[str] = [answer.status or "no status"]
    if answer.reason:
        parts.append(f"reason {answer.reason}")
    if answer.checks:
        parts.append("checks " + ", ".join(f"{c} {s}" for c, s in answer.checks.items()))
    if answer.notes:
        parts.append(f"notes {answer.notes!r}")
    return ", ".join(parts)


def merge_answers(theirs: AnswersDocument, *, base: Answers, ours: Answers) -> list[str]:
    """Apply the practices `ours` changed from `base` onto `theirs`, in place; return
    them. Raises AnswersConflict (and changes nothing) when the two sides disagree."""
    clash = conflicts(base, ours, theirs.answers.answers)
    if clash:
        detail = "; ".join(
            f"{pid}: the file now says {describe(theirs.answers.answers.get(pid))}, "
            f"this session says {describe(ours.get(pid))}"
            for pid in clash
        )
        raise AnswersConflict(
            f"{', '.join(clash)} changed both in the file and in this session ({detail}); "
            "nothing written",
            file=theirs.display,
            practices=clash,
        )
    applied = [pid for pid in changed(base, ours) if theirs.answers.answers.get(pid) != ours.get(pid)]
    for pid in applied:
        set_practice_answer(theirs, pid, ours.get(pid) or PracticeAnswer())
    return applied


def _signature(path: Path) -> tuple[int, bytes] | None:
    """What the file is now; bytes, not mtime, since a second write can share a timestamp."""
    try:
        return path.stat().st_ino, path.read_bytes()
    except OSError:
        return None


def _pending(ours: Answers) -> str:
    return "; ".join(f"{pid}: {describe(ours.get(pid))}" for pid in sorted(ours)) or "none"


def _reread(path: Path, *, lens: Lens | None, display: str, ours: Answers) -> AnswersDocument:
    if not path.exists():
        raise AnswersError(
            f"was deleted while answers were being edited; not recreated, nothing written "
            f"(unsaved: {_pending(ours)})",
            file=display,
        )
    try:
        return read_answers(path, lens=lens, display=display)
    except AnswersError as exc:
        where = f"{exc.field}: " if exc.field else ""
        raise AnswersError(
            f"changed while answers were being edited and no longer reads ({where}{exc.detail}); "
            f"nothing written (unsaved: {_pending(ours)})",
            file=display,
        ) from None


def save_merged(
    path: Path, *, base: Answers, ours: Answers, lens: Lens | None = None, display: str | None = None
) -> AnswersDocument:
    """Re-read `path`, apply what `ours` changed from `base`, and write it atomically.

    Returns the document now on disk (the caller's next `base` is its snapshot). Raises
    AnswersConflict when a practice changed on both sides, AnswersError when the file was
    deleted or no longer reads; in every error case nothing is written."""
    name = display or path.name
    edits = {pid: ours.get(pid) for pid in changed(base, ours)}
    unsaved = {pid: answer for pid, answer in edits.items() if answer is not None}
    for _ in range(_ATTEMPTS):
        before = _signature(path)
        theirs = _reread(path, lens=lens, display=name, ours=unsaved)
        if not merge_answers(theirs, base=base, ours=ours):
            return theirs  # the file already says what we would write
        text = dump_answers(theirs)
        # Another write between our read and now would be lost: read again instead.
        if _signature(path) == before:
            try:
                write_atomic(path, text)
            except OSError as exc:
                reason = exc.strerror or type(exc).__name__
                raise AnswersError(
                    f"cannot write ({reason}); nothing written (unsaved: {_pending(unsaved)})", file=name
                ) from None
            return theirs
    raise AnswersError(
        f"kept changing while it was being saved ({_ATTEMPTS} tries); nothing written", file=name
    )


def save_document(doc: AnswersDocument, *, base: Answers) -> AnswersDocument:
    """`save_merged` for a document edited in place since `base` was taken from it."""
    return save_merged(doc.path, base=base, ours=doc.answers.answers, lens=doc.lens, display=doc.display)


__all__ = [
    "AnswersConflict",
    "changed",
    "conflicts",
    "describe",
    "merge_answers",
    "save_document",
    "save_merged",
    "snapshot",
]
