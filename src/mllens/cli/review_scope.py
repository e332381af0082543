"""What `mllens review` walks: --pillar, --question and --practice checked against the lens.

Ids are taken as `lens show` takes them: case-insensitive, practices in either numbering
(MLSEC03-BP02 or its 2023 id MLSEC-04). A practice id given to --question stands for the
question that holds it. The older AWS tool's question ids (OPS1 ... SUS2) group practices
differently and are not ids of this lens, so they are refused with the shapes that work.
"""

from __future__ import annotations

from dataclasses import dataclass

from mllens.cli.common import err_console, pillar_option
from mllens.errors import InputError
from mllens.lens.model import Lens


@dataclass(frozen=True)
class Scope:
    """What `review` walks: canonical ids from --pillar, --question and --practice."""

    pillar: str | None = None
    question: str | None = None
    practice: str | None = None


def _id_shapes(lens: Lens) -> str:
    """How ids of this lens look, from its own first question and practice."""
    first = lens.questions[0]
    example = first.choices[0]
    other = f" or {example.id_2023}" if example.id_2023 else ""
    return f"questions look like {first.id}, practices like {example.id}{other}"


def _question_id(lens: Lens, question: str) -> str:
    """A question id, or a practice id in either numbering standing for its question."""
    if lens.has_question(question):
        return lens.question(question).id
    practice_id = lens.resolve(question)
    if practice_id is None:
        raise InputError(
            f"{question!r} is not a question of lens {lens.id} ({_id_shapes(lens)})", field="--question"
        )
    practice = lens.practice(practice_id)
    err_console.print(
        f"note: --question {question}: practice {practice.id} belongs to question {practice.question}, "
        f"so all of {practice.question} is in scope (--practice {question} for that practice alone)",
        soft_wrap=True,
        markup=False,
        highlight=False,
    )
    return practice.question


def review_scope(
    lens: Lens, *, pillar: str | None = None, question: str | None = None, practice: str | None = None
) -> Scope:
    """Check --pillar, --question and --practice against the lens; return canonical ids."""
    pillar_id = pillar_option(lens, pillar)
    question_id = _question_id(lens, question) if question is not None else None
    practice_id = None
    if practice is not None:
        practice_id = lens.resolve(practice)
        if practice_id is None:
            raise InputError(
                f"{practice!r} is not a practice of lens {lens.id} ({_id_shapes(lens)})", field="--practice"
            )
        found_in = lens.practice(practice_id)
        for option, given, value, own in (
            ("--pillar", pillar, pillar_id, found_in.pillar),
            ("--question", question, question_id, found_in.question),
        ):
            if value is not None and value != own:
                raise InputError(
                    f"practice {practice_id} is in {own}, not in {option} {given}; drop one of the two options",
                    field="--practice",
                )
    return Scope(pillar=pillar_id, question=question_id, practice=practice_id)
