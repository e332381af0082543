"""Validate the data of `mllens.yaml` into an AnswersFile, and against a lens.

Every error is an AnswersError naming the file and the field, for example
`mllens.yaml: answers.MLSEC03-BP9: 'MLSEC03-BP9' is not a practice of lens ml`.
Practice ids may use either numbering; the result is keyed by current ids, and the map of
current id -> key as written is returned so a save writes the team's own key back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml.comments import TaggedScalar

from mllens.answers.model import (
    AcceptedRisk,
    AnswersFile,
    PracticeAnswer,
    QuestionAnswer,
    ScanSettings,
    Workload,
)
from mllens.errors import AnswersError
from mllens.lens.model import Lens
from mllens.validation import field_path, kind, problem

# Which model a validation error's location points into, to list the keys it accepts.
_NESTED: dict[str, tuple[int, type[BaseModel]]] = {
    "workload": (1, Workload),
    "answers": (2, PracticeAnswer),
    "questions": (2, QuestionAnswer),
    "accepted_risks": (2, AcceptedRisk),
    "scan": (1, ScanSettings),
}


def plain(node: Any) -> Any:
    """A ruamel round-trip tree as plain Python data (dict, list, str, int, float, bool,
    date), so validation never sees ruamel's subclasses."""
    if isinstance(node, Mapping):
        return {plain(k): plain(v) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, TaggedScalar):  # `!!str 12` or a bare `=`: the only tags left after readers.check_yaml
        return str(node.value)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, dt.datetime):
        return dt.datetime.fromisoformat(node.isoformat())
    return node


def _model_at(parent: Sequence[int | str]) -> type[BaseModel]:
    """The model whose keys live at `parent` (the location of a mapping)."""
    if parent and isinstance(parent[0], str) and parent[0] in _NESTED:
        depth, model = _NESTED[parent[0]]
        if len(parent) == depth:
            return model
    return AnswersFile


def _schema_error(exc: ValidationError, *, file: str) -> AnswersError:
    err = exc.errors()[0]
    loc = list(err["loc"])
    message = problem(err)  # what was expected and what was given, in the file's words
    if err["type"] == "extra_forbidden":
        allowed = ", ".join(_model_at(loc[:-1]).model_fields)
        message = f"unknown key {loc[-1]!r} (expected one of: {allowed})"
    elif err["type"] == "missing":
        message = "required key is missing"
    more = len(exc.errors()) - 1
    if more:
        message += f" (and {more} more error{'s' if more > 1 else ''})"
    return AnswersError(message, file=file, field=field_path(loc) or None)


def validate_answers(
    data: Any, *, file: str, lens: Lens | None = None
) -> tuple[AnswersFile, dict[str, str]]:
    """Validate plain data; with a lens, also check every id and normalise practice ids.

    Returns the AnswersFile and, per current practice id, the key the file uses."""
    if data is None:
        raise AnswersError(
            "the file is empty; expected a mapping with at least 'workload: {name: ...}'", file=file
        )
    if not isinstance(data, dict):
        raise AnswersError(
            f"expected a mapping at the top level, got {kind(data)}", file=file
        )
    try:
        answers = AnswersFile.model_validate(data)
    except ValidationError as exc:
        raise _schema_error(exc, file=file) from None
    if lens is None:
        return answers, {key: key for key in answers.answers}
    return _against_lens(answers, lens, file=file)


def _against_lens(
    answers: AnswersFile, lens: Lens, *, file: str
) -> tuple[AnswersFile, dict[str, str]]:
    if answers.lens != lens.id:
        raise AnswersError(
            f"this file answers lens {answers.lens!r}, but the review uses lens {lens.id!r}",
            file=file,
            field="lens",
        )
    by_id: dict[str, PracticeAnswer] = {}
    keys: dict[str, str] = {}
    for key, answer in answers.answers.items():
        practice_id = lens.resolve(key)
        if practice_id is None:
            raise AnswersError(
                f"{key!r} is not a practice of lens {lens.id}", file=file, field=f"answers.{key}"
            )
        if practice_id in keys:
            raise AnswersError(
                f"{key!r} and {keys[practice_id]!r} both answer practice {practice_id}; keep one",
                file=file,
                field=f"answers.{key}",
            )
        practice = lens.practice(practice_id)
        known = [c.id for c in practice.checks]
        for check_id in answer.checks:
            if check_id not in known:
                have = f"its checks: {', '.join(known)}" if known else "it has no checks"
                raise AnswersError(
                    f"{check_id!r} is not a check of practice {practice_id} ({have})",
                    file=file,
                    field=f"answers.{key}.checks.{check_id}",
                )
        by_id[practice_id] = answer
        keys[practice_id] = key
    questions: dict[str, QuestionAnswer] = {}
    for key, question_answer in answers.questions.items():
        if not lens.has_question(key):
            raise AnswersError(
                f"{key!r} is not a question of lens {lens.id}", file=file, field=f"questions.{key}"
            )
        questions[lens.question(key).id] = question_answer
    accepted: list[AcceptedRisk] = []
    for i, item in enumerate(answers.accepted_risks):
        practice_id = lens.resolve(item.practice)
        if practice_id is None:
            raise AnswersError(
                f"{item.practice!r} is not a practice of lens {lens.id}",
                file=file,
                field=f"accepted_risks[{i}].practice",
            )
        accepted.append(item.model_copy(update={"practice": practice_id}))
    normalised = answers.model_copy(
        update={"answers": by_id, "questions": questions, "accepted_risks": accepted}
    )
    return normalised, keys
