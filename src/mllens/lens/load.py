"""Load and validate a lens from YAML: `lens.yaml` plus one file per pillar.

Every error names the file and the path of the field, for example
`security.yaml: questions[3].choices[2].id: 'MLSEC03-BP9' is not a practice id of question MLSEC03`.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from mllens import validation
from mllens.errors import InputError, LensError
from mllens.lens.model import Check, Lens, LensHeader, PillarFile, Question
from mllens.lens.rules_syntax import check_rules
from mllens.yamlio import read_yaml

SHIPPED = "ml"
_ML_QUESTION = re.compile(r"^ML[A-Z]+\d\d$")
M = TypeVar("M", bound=BaseModel)


def validate_model(model: type[M], data: Any, *, file: str) -> M:
    """Validate data into a model; the first error becomes a LensError with file and field."""
    return validation.validate_model(model, data, file=file, error=LensError)


def _check_question(q: Question, qi: int, *, file: str, header: LensHeader) -> None:
    base = f"questions[{qi}]"
    phase_ids = {p.id for p in header.phases}
    if q.phase is not None and phase_ids and q.phase not in phase_ids:
        raise LensError(f"{q.phase!r} is not a phase of this lens", file=file, field=f"{base}.phase")
    for ci, practice in enumerate(q.choices):
        # The ML lens numbering (MLOPS01-BP01) binds only the shipped lens, not imported ones.
        if header.id == SHIPPED and _ML_QUESTION.match(q.id) and not re.fullmatch(rf"{q.id}-BP\d\d", practice.id):
            raise LensError(
                f"{practice.id!r} is not a practice of this lens (expected {q.id}-BPnn)",
                file=file,
                field=f"{base}.choices[{ci}].id",
            )
    choice_ids = q.choice_ids
    seen: set[str] = set()
    for ci, cid in enumerate(choice_ids):
        if cid in seen:
            raise LensError(f"duplicate choice id {cid!r}", file=file, field=f"{base}.choices[{ci}].id")
        seen.add(cid)
    rules = [(rule.condition, rule.risk) for rule in q.risk_rules]
    none_ids = [q.none_choice.id] if q.none_choice else []
    for problem in check_rules(rules, choice_ids, question=q.id, none_ids=none_ids):
        if problem.code.startswith("E"):  # warnings are the linter's business
            field = f"{base}.risk_rules[{problem.index}].{problem.field}"
            raise LensError(problem.message, file=file, field=field)


def _check_stage(check: Check, seen: dict[str, tuple[str | None, str]], *, file: str, field: str) -> None:
    """A check id that several practices share draws on one lifecycle stage: the scan
    places its evidence by check id."""
    if check.id in seen and seen[check.id][0] != check.stage:
        stage, where = seen[check.id]
        raise LensError(
            f"check {check.id!r} has stage {check.stage or 'none'} here but {stage or 'none'} in {where}",
            file=file,
            field=f"{field}.stage",
        )
    seen.setdefault(check.id, (check.stage, file))


def _read(root: Path, name: str) -> Any:
    """A lens file's YAML; unreadable or malformed files are lens errors (naming the file)."""
    try:
        return read_yaml(root / name, display=name)
    except LensError:
        raise
    except InputError as exc:
        raise LensError(exc.detail, file=exc.file, field=exc.field) from None


def load_lens(directory: Path | str) -> Lens:
    """Load the lens in `directory` (its `lens.yaml` names the pillar files)."""
    root = Path(directory)
    header = validate_model(LensHeader, _read(root, "lens.yaml"), file="lens.yaml")
    pillar_ids = {p.id for p in header.pillars}
    questions: list[Question] = []
    where_question: dict[str, str] = {}
    where_practice: dict[str, str] = {}
    where_stage: dict[str, tuple[str | None, str]] = {}
    for name in header.files:
        data = _read(root, name)
        pillar_file = validate_model(PillarFile, data, file=name)
        if pillar_file.pillar not in pillar_ids:
            raise LensError(f"{pillar_file.pillar!r} is not a pillar of lens.yaml", file=name, field="pillar")
        for qi, q in enumerate(pillar_file.questions):
            q._pillar = pillar_file.pillar
            _check_question(q, qi, file=name, header=header)
            if q.id in where_question:
                raise LensError(
                    f"duplicate question id {q.id!r} (also in {where_question[q.id]})",
                    file=name,
                    field=f"questions[{qi}].id",
                )
            where_question[q.id] = name
            for ci, p in enumerate(q.choices):
                for key in filter(None, (p.id, p.id_2023)):
                    if key.upper() in where_practice:
                        raise LensError(
                            f"duplicate practice id {key!r} (also in {where_practice[key.upper()]})",
                            file=name,
                            field=f"questions[{qi}].choices[{ci}].id",
                        )
                    where_practice[key.upper()] = name
                for ki, check in enumerate(p.checks):
                    _check_stage(check, where_stage, file=name, field=f"questions[{qi}].choices[{ci}].checks[{ki}]")
            questions.append(q)
    return Lens(
        id=header.id,
        name=header.name,
        version=header.version,
        description=header.description,
        url=header.url,
        pillars=header.pillars,
        phases=header.phases,
        design_principles=header.design_principles,
        questions=questions,
        extensions=header.extensions,
    )


def shipped_lens_dir(lens_id: str = SHIPPED) -> Path:
    return Path(str(resources.files("mllens.lens") / "data" / lens_id))


@cache
def _load_shipped(lens_id: str) -> Lens:
    return load_lens(shipped_lens_dir(lens_id))


def load_shipped_lens(lens_id: str = SHIPPED) -> Lens:
    """The lens shipped inside the package (cached: it is read-only data)."""
    try:
        return _load_shipped(lens_id)
    except InputError as exc:  # a broken shipped lens is our bug; say which file
        raise LensError(f"shipped lens {lens_id!r} is invalid: {exc}") from None
