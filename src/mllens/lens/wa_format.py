"""AWS Well-Architected custom-lens JSON (schema 2021-11-01): export our lens, import any lens.

    export_lens(lens, fold=False) -> ExportResult   refuses (LensError) what the tool would reject
    import_lens(text, file=...)   -> ImportResult   any valid custom lens -> our Lens, with findings
    read_lens_json(path)          -> ImportResult

Export builds the document (`wa_export`), optionally folds its text to fit, then lints it
(`lint`) and refuses on any error; so the limits live in one table (`wa_spec`) and are
checked in one place. Import lints the document first, refuses on errors naming the JSON
path, then maps it onto our model (`wa_import`). export -> import -> export is
byte-identical.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mllens.errors import LensError
from mllens.lens.lint import Finding, dump_document, in_our_terms, lint_document
from mllens.lens.model import Lens
from mllens.lens.wa_export import to_document
from mllens.lens.wa_import import from_document
from mllens.lens.wa_spec import CHOICE_TEXT, LENS_TEXT, PILLAR_TEXT, QUESTION_TEXT, RESTRICTED_CHAR, TextLimit
from mllens.lens.wa_text import clean_restricted, shorten
from mllens.readers import parse_json, read_text

_SHOWN_ERRORS = 20


@dataclass
class ExportResult:
    document: dict[str, Any]
    text: str  # the JSON to write: UTF-8, two-space indent, trailing newline
    changes: list[str] = field(default_factory=list)  # what `fold` changed
    warnings: list[Finding] = field(default_factory=list)


@dataclass
class ImportResult:
    lens: Lens
    findings: list[Finding] = field(default_factory=list)  # lint warnings of the document
    notes: list[str] = field(default_factory=list)  # what import set aside or the next export changes


def export_lens(lens: Lens, *, fold: bool = False) -> ExportResult:
    """The lens as custom-lens JSON, or LensError listing every field that cannot fit.

    With `fold`, free text above the safe length targets is shortened and characters the
    tool refuses in names, titles and descriptions are replaced; `changes` lists each edit.
    """
    doc = to_document(lens)
    changes = fold_document(doc) if fold else []
    findings = in_our_terms(lint_document(doc, for_export=True), lens)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        lines = [f"  {f.code} {f.where or 'lens'}: {f.message}" for f in errors[:_SHOWN_ERRORS]]
        if len(errors) > _SHOWN_ERRORS:
            lines.append(f"  ... and {len(errors) - _SHOWN_ERRORS} more")
        hint = "" if fold else " (--fold shortens long free text and replaces refused characters)"
        head = f"cannot export lens {lens.id!r} as an AWS custom lens: {len(errors)} problem(s){hint}"
        raise LensError("\n".join([head, *lines]))
    return ExportResult(doc, dump_document(doc), changes, findings)


def _fold_text(obj: dict[str, Any], key: str, limit: TextLimit, where: str, changes: list[str]) -> None:
    value = obj.get(key)
    if not isinstance(value, str):
        return
    new = value
    if limit.restricted:
        new = clean_restricted(new, RESTRICTED_CHAR)
    if limit.foldable:
        new = shorten(new, limit.safe)
    if new != value:
        what = []
        if limit.restricted and clean_restricted(value, RESTRICTED_CHAR) != value:
            what.append("replaced characters the AWS tool refuses")
        if len(new) < len(value) and limit.foldable and len(value) > limit.safe:
            what.append(f"shortened from {len(value):,} to {len(new):,} characters")
        changes.append(f"{where} {key}: {' and '.join(what) or 'cleaned'}")
        obj[key] = new


def fold_document(doc: dict[str, Any]) -> list[str]:
    """Make the document's text fit (in place); one line per changed field."""
    changes: list[str] = []
    for key, limit in LENS_TEXT.items():
        _fold_text(doc, key, limit, "lens", changes)
    for pillar in doc["pillars"]:
        _fold_text(pillar, "name", PILLAR_TEXT["name"], pillar["id"], changes)
        for q in pillar["questions"]:
            where = f"{pillar['id']}/{q['id']}"
            for key in ("title", "description"):
                _fold_text(q, key, QUESTION_TEXT[key], where, changes)
            if "helpfulResource" in q:
                limit = QUESTION_TEXT["helpfulResource.displayText"]
                _fold_text(q["helpfulResource"], "displayText", limit, f"{where} helpfulResource", changes)
            for c in q["choices"]:
                here = f"{where}/{c['id']}"
                _fold_text(c, "title", CHOICE_TEXT["title"], here, changes)
                for key in ("helpfulResource", "improvementPlan"):
                    if key in c:
                        _fold_text(c[key], "displayText", CHOICE_TEXT[f"{key}.displayText"], f"{here} {key}", changes)
                for group in c.get("additionalResources", []):
                    for item in group["content"]:
                        limit = CHOICE_TEXT["content.displayText"]
                        _fold_text(item, "displayText", limit, f"{here} additionalResources", changes)
    return changes


_LENS_KEYS = ("schemaVersion", "name", "description", "pillars")
_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "true or false", type(None): "null"}


def check_custom_lens(doc: Any, *, file: str) -> None:
    """Refuse, in one line, a JSON document that is not an AWS custom lens at all (another
    JSON file given by mistake); a custom lens with faults is left to the linter."""
    if isinstance(doc, dict) and any(key in doc for key in ("schemaVersion", "pillars")):
        return
    if isinstance(doc, dict) and "mllens_version" in doc:
        got = "an mllens scan report (`mllens scan --format json`)"
    elif isinstance(doc, dict):
        keys = ", ".join(list(doc)[:5]) + (", ..." if len(doc) > 5 else "")
        got = f"an object with keys {keys}" if doc else "an empty object"
    else:
        got = _JSON_TYPES.get(type(doc), "a number")
    raise LensError(
        f"not an AWS Well-Architected custom lens (expected a JSON object with {', '.join(_LENS_KEYS)}), got {got}",
        file=file,
    )


def import_lens(
    source: str | bytes | dict[str, Any],
    *,
    file: str = "<json>",
    lens_id: str | None = None,
    version: str = "imported",
) -> ImportResult:
    """Read an AWS custom lens; LensError (naming `file` and the JSON path) if it is invalid."""
    doc: Any = source if isinstance(source, dict) else parse_json(source, file=file, error=LensError)
    check_custom_lens(doc, file=file)
    findings = lint_document(doc)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        more = f" (and {len(errors) - 1} more errors; `mllens lens lint` lists them)" if len(errors) > 1 else ""
        first = errors[0]
        raise LensError(f"{first.code} {first.detail}{more}", file=file, field=first.path or None)
    try:
        imported = from_document(doc, lens_id=lens_id, version=version)
    except LensError as exc:
        raise LensError(exc.detail, file=file, field=exc.field) from None
    return ImportResult(imported.lens, findings, imported.notes)


def read_lens_json(path: Path | str, *, lens_id: str | None = None) -> ImportResult:
    """Import the AWS custom lens in a file; unreadable or invalid files raise InputError."""
    path = Path(path)
    text = read_text(path, error=LensError, expected="an AWS custom lens JSON file")
    return import_lens(text, file=str(path), lens_id=lens_id)
