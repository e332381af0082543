"""What `mllens review` walks: --pillar, --question and --practice checked against the lens.

Ids are taken as `lens show` takes them: case-insensitive, practices in either numbering
(MLSEC03-BP02 or its 2023 id MLSEC-04). A practice id given to --question stands for the
question that holds it. The older AWS tool's question ids (OPS1 ... SUS2) group practices
differently and are not ids of this lens, so they are refused with the shapes that work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mllens.cli.common import err_console, pillar_option
from mllens.errors import InputError
from mllens.lens.model import Lens


@dataclass(frozen=True)
class Scope:
    """What `review` walks: canonical ids from --pillar, --question and --practice."""

    pillar: str | None = None
    questions: tuple[str, ...] = ()  # --question, repeatable: any of these
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
    lens: Lens,
    *,
    pillar: str | None = None,
    question: str | Sequence[str] | None = None,
    practice: str | None = None,
) -> Scope:
    """Check --pillar, --question (one or more) and --practice against the lens; return
    canonical ids."""
    pillar_id = pillar_option(lens, pillar)
    given = [question] if isinstance(question, str) else list(question or ())
    question_ids = tuple(dict.fromkeys(_question_id(lens, q) for q in given))
    practice_id = None
    if practice is not None:
        practice_id = lens.resolve(practice)
        if practice_id is None:
            raise InputError(
                f"{practice!r} is not a practice of lens {lens.id} ({_id_shapes(lens)})", field="--practice"
            )
        found_in = lens.practice(practice_id)
        for option, said, values, own in (
            ("--pillar", pillar, (pillar_id,) if pillar_id else (), found_in.pillar),
            ("--question", ", ".join(given), question_ids, found_in.question),
        ):
            if values and own not in values:
                raise InputError(
                    f"practice {practice_id} is in {own}, not in {option} {said}; drop one of the two options",
                    field="--practice",
                )
    return Scope(pillar=pillar_id, questions=question_ids, practice=practice_id)
