"""Read and write `mllens.yaml`, keeping the team's comments, key order and own ids.

The file is read with ruamel.yaml in round-trip mode and kept as that tree inside an
AnswersDocument; edits change the tree in place (so a comment beside an answer survives a
save), and every save re-validates and writes atomically: a temporary file beside the
target, flushed to disk, then `os.replace`, so an interrupted save leaves the old file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString

from mllens.answers.model import AnswersFile, PracticeAnswer, Workload
from mllens.answers.validate import plain, validate_answers
from mllens.errors import AnswersError
from mllens.lens.model import Lens
from mllens.output import write_atomic as write_atomic  # re-exported: callers import it from here
from mllens.readers import MAX_ROUND_TRIP_BYTES, check_yaml, read_text

ANSWERS_FILE = "mllens.yaml"
_FIELDS = ("status", "checks", "notes", "reason")  # order of keys in a new answer
_HEADER = (
    "mllens answers for this project: what no file can show. Keys are practice ids in\n"
    "either numbering (MLSEC03-BP02 or MLSEC-04). Kept in the repo, reviewed in PRs."
)


def _yaml() -> YAML:
    yaml = YAML()  # round-trip: comments, order and quoting survive
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never fold a long note into several lines
    return yaml


def display_name(path: Path) -> str:
    """How errors name the file: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass
class AnswersDocument:
    """One `mllens.yaml`: its round-trip tree and what it says, validated."""

    path: Path
    data: CommentedMap  # the tree as written, comments included
    answers: AnswersFile  # validated; practice ids in the current numbering
    keys: dict[str, str]  # current practice id -> key as written in the file
    lens: Lens | None = None
    display: str = ANSWERS_FILE

    def revalidate(self) -> None:
        self.answers, self.keys = validate_answers(
            plain(self.data), file=self.display, lens=self.lens
        )


def parse_answers(text: str, *, file: str) -> CommentedMap | Any:
    """Parse YAML text round-trip; malformed YAML (duplicate keys too) names file and line.

    The text is checked first (mllens.readers: core tags only, bounded nesting and alias
    expansion), so the round-trip parser never sees a tag it would keep as an object, and
    validation never expands a "billion laughs"."""
    check_yaml(text, file=file, error=AnswersError)
    try:
        return _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        problem = (exc.problem or str(exc)).strip().splitlines()[0]
        raise AnswersError(f"malformed YAML at {where}: {problem}", file=file) from None
    except YAMLError as exc:
        raise AnswersError(f"malformed YAML: {str(exc).strip().splitlines()[0]}", file=file) from None
    except RecursionError:  # a second guard: check_yaml bounds the nesting first
        raise AnswersError("YAML nested too deep", file=file) from None
    except (ValueError, TypeError, KeyError, AttributeError):  # e.g. `!!int 1:30`, valid in YAML 1.1 only
        raise AnswersError("malformed YAML: a value does not match the tag it is given", file=file) from None


def read_answers(
    path: Path | str, *, lens: Lens | None = None, display: str | None = None
) -> AnswersDocument:
    """Read and validate an answers file (against `lens` when given)."""
    path = Path(path)
    name = display or display_name(path)
    text = read_text(path, file=name, error=AnswersError, limit=MAX_ROUND_TRIP_BYTES)
    data = parse_answers(text, file=name)
    answers, keys = validate_answers(plain(data), file=name, lens=lens)
    return AnswersDocument(path=path, data=data, answers=answers, keys=keys, lens=lens, display=name)


def load_answers(path: Path | str, *, lens: Lens | None = None) -> AnswersFile:
    """The validated answers of a file, ids normalised to the current numbering."""
    return read_answers(path, lens=lens).answers


def new_document(
    path: Path | str, workload: Workload, *, lens: Lens | None = None, lens_id: str = "ml"
) -> AnswersDocument:
    """A fresh answers file (not yet saved) for a workload."""
    path = Path(path)
    data = CommentedMap()
    data["workload"] = CommentedMap(workload.model_dump(exclude_none=True))
    data["lens"] = lens.id if lens is not None else lens_id
    data["answers"] = CommentedMap()
    data.yaml_set_start_comment(_HEADER)
    doc = AnswersDocument(
        path=path,
        data=data,
        answers=AnswersFile(workload=workload),
        keys={},
        lens=lens,
        display=display_name(path),
    )
    doc.revalidate()
    return doc


def _value(field: str, value: Any) -> Any:
    if field == "notes" and isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)  # a block of text reads better than "a\nb"
    if field == "checks":
        return CommentedMap(value)
    return value


def _update_entry(entry: CommentedMap, values: dict[str, Any]) -> None:
    for field in _FIELDS:
        if field not in values:
            if field in entry:
                del entry[field]
        elif field == "checks" and isinstance(entry.get("checks"), CommentedMap):
            checks: CommentedMap = entry["checks"]
            for check_id in [c for c in checks if c not in values["checks"]]:
                del checks[check_id]
            for check_id, state in values["checks"].items():
                checks[check_id] = state
        else:
            entry[field] = _value(field, values[field])


def set_practice_answer(doc: AnswersDocument, practice_id: str, answer: PracticeAnswer) -> None:
    """Set (or, for an empty answer, remove) one practice's answer in the tree, in place.

    The file's own key for the practice is kept (a 2023 id stays a 2023 id), as are the
    comments around it; nothing is written until `save_answers`."""
    if doc.lens is not None:
        resolved = doc.lens.resolve(practice_id)
        if resolved is None:
            raise AnswersError(
                f"{practice_id!r} is not a practice of lens {doc.lens.id}",
                file=doc.display,
                field=f"answers.{practice_id}",
            )
        practice_id = resolved
    key = doc.keys.get(practice_id, practice_id)
    section = doc.data.get("answers")
    if not isinstance(section, CommentedMap):
        section = doc.data["answers"] = CommentedMap()
    values = answer.model_dump(exclude_none=True, exclude_defaults=True)
    if not values:
        section.pop(key, None)
    elif isinstance(section.get(key), CommentedMap):
        _update_entry(section[key], values)
    else:
        if not section:
            section.fa.set_block_style()  # `answers: {}` grows into a block, not one line
        section[key] = CommentedMap((f, _value(f, values[f])) for f in _FIELDS if f in values)
    doc.revalidate()


def dump_answers(doc: AnswersDocument) -> str:
    out = io.StringIO()
    _yaml().dump(doc.data, out)
    return out.getvalue()


def save_answers(doc: AnswersDocument) -> None:
    """Validate, then write the document to its path atomically, whatever the file says
    now: to save edits into a file others may have changed, use answers.merge.save_merged."""
    doc.revalidate()
    try:
        write_atomic(doc.path, dump_answers(doc))
    except OSError as exc:
        raise AnswersError(f"cannot write ({exc.strerror or type(exc).__name__})", file=doc.display) from None
