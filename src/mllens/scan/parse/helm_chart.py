"""Helm charts read statically: which files are a chart's templates, and a template's YAML
documents rendered with the chart's values.yaml and Chart.yaml, every line the template's."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from mllens.scan.parse.errors import ParseError
from mllens.scan.parse.helm import Scope, render
from mllens.scan.parse.yaml import YamlMap, YamlSeq, parse_yaml_documents


def render_documents(text: str, scope: Scope) -> list[Any]:
    """The YAML documents of a rendered template, their lines those of the template. A
    document that still does not parse is left out (the others are kept)."""
    rendered, origins = render(text, scope)
    try:
        docs = parse_yaml_documents(rendered)
    except ParseError:
        docs = []
        offset = 0
        for part in re.split(r"(?m)^---[^\n]*\n", rendered):
            try:
                found = parse_yaml_documents(part)
            except ParseError:
                found = []
            docs.extend(_shift(d, offset) for d in found)
            offset += part.count("\n") + 1

    def at(line: int) -> int:
        return origins[line - 1] if 0 < line <= len(origins) else line

    return [_remap(doc, at, set()) for doc in docs]


def _shift(value: Any, offset: int) -> Any:
    return _remap(value, lambda line: line + offset, set()) if offset else value


def _remap(value: Any, at: Callable[[int], int], seen: set[int]) -> Any:
    if id(value) in seen:  # an alias: its lines are already moved
        return value
    if isinstance(value, YamlMap):
        seen.add(id(value))
        value.line = at(value.line)
        value.key_lines = {k: at(v) for k, v in value.key_lines.items()}
        for item in value.values():
            _remap(item, at, seen)
    elif isinstance(value, YamlSeq):
        seen.add(id(value))
        value.line = at(value.line)
        value.item_lines = [at(v) for v in value.item_lines]
        for item in value:
            _remap(item, at, seen)
    return value


def chart_root(path: str, exists: Callable[[str], bool]) -> str | None:
    """The chart folder of a template (`<root>/templates/...yaml` beside `<root>/Chart.yaml`),
    or None for any other file."""
    if not path.endswith((".yaml", ".yml")):
        return None
    parts = path.split("/")
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] == "templates":
            root = "/".join(parts[:i])
            if exists(f"{root}/Chart.yaml" if root else "Chart.yaml"):
                return root
    return None


def _first_mapping(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        docs = parse_yaml_documents(text)
    except ParseError:
        return {}
    return docs[0] if docs and isinstance(docs[0], dict) else {}


def chart_documents(text: str, *, values: str | None, chart: str | None) -> list[Any]:
    """A chart template's documents, rendered with the chart's values.yaml and Chart.yaml
    (their text; a malformed one counts as empty)."""
    meta = _first_mapping(chart)
    names = {"Name": "name", "Version": "version", "AppVersion": "appVersion"}
    fields = {key: str(meta[src]) for key, src in names.items() if isinstance(meta.get(src), str | int | float)}
    try:
        return render_documents(text, Scope(_first_mapping(values), chart=fields))
    except RecursionError:
        raise ParseError("Helm template nested too deeply to render") from None
