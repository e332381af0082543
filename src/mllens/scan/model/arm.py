"""ARM JSON templates into the resource model, through the Azure type table (`azure_types`).

A template is a JSON object whose `$schema` names a deployment template
(`.../deploymentTemplate.json#`). Its `resources` (an array, or an object of symbolic names
in language version 2.0) are read with their nested `resources`, whose types are relative
to their parent (`computes` under a workspace). Lines come from `arm_read`, which reads the
JSON again keeping the line of every key and item (a resource is placed at its opening
brace, an unwritten property there too). A string in brackets
(`[parameters('access')]`) is an expression, kept as a `${...}` reference; `[[` escapes a
literal bracket.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._iac import MISSING, Node
from mllens.scan.model.arm_read import read_json
from mllens.scan.model.azure_types import base, map_resource
from mllens.scan.model.kinds import Resource
from mllens.scan.model.values import Value

_RESOURCE_ID = re.compile(r"resourceId\(\s*'([^']+)'")  # resourceId('Type', ...) names the type


def is_template(data: Any) -> bool:
    schema = data.get("$schema") if isinstance(data, Mapping) else None
    return isinstance(schema, str) and "deploymenttemplate" in schema.lower()


def raw_value(value: Any) -> Any:
    """A literal as written; an ARM expression (`[...]`) as a `${...}` reference."""
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
        return value[1:] if value.startswith("[[") else "${" + value[1:-1] + "}"
    return value


class ArmReader:
    """The properties of one declared resource, located in one file."""

    def __init__(self, file: str, node: Node, resource_type: str) -> None:
        self.file, self.node, self.type, self.line = file, node, resource_type, node.line

    def at(self, path: str, *, name: str | None = None) -> Value:
        raw, line = self.node.at(path)
        if raw is MISSING:
            line = self.line
        return Value(raw_value(raw), self.file, line, name or path.rsplit(".", 1)[-1])

    def every(self, path: str) -> list[Value]:
        found: list[Value] = []
        shown = path.rsplit(".", 1)[-1]

        def walk(value: Any, parts: list[str], line: int) -> None:
            if isinstance(value, list):
                for item in value:
                    walk(item, parts, line)
            elif not parts:
                found.append(Value(raw_value(value), self.file, line, shown))
            elif isinstance(value, Mapping) and parts[0] in value:
                lines = getattr(value, "key_lines", {})
                walk(value[parts[0]], parts[1:], lines.get(parts[0], line))

        walk(self.node.data, path.split("."), self.line)
        return found

    def type_of(self, reference: str) -> str:
        found = _RESOURCE_ID.search(reference)
        return found.group(1) if found else ""

    def base(self) -> dict[str, Any]:
        name = self.node.get("name")
        shown = name if isinstance(name, str) else "(unnamed)"
        return base(self, syntax="arm", resource_type=self.type, name=shown, shown=shown)


def _declared(holder: Node, parent: str) -> Iterator[tuple[Node, str]]:
    """(resource, full type) of each resource under `holder`, then of those nested in it."""
    listed = holder.get("resources")
    if isinstance(listed, Mapping):  # language version 2.0: symbolic name -> resource
        group = holder.child("resources")
        items = [n for n in (group.child(k) for k in group.names()) if n is not None] if group else []
    else:
        items = holder.children("resources")
    for node in items:
        kind = node.get("type")
        if not isinstance(kind, str) or not kind:
            continue
        full = f"{parent}/{kind}" if parent and "/" not in kind else kind
        yield node, full
        yield from _declared(node, full)


def adapt(file: ParsedFile) -> Iterator[Resource]:
    """The model's resources of one ARM template, in the order they are declared."""
    if not is_template(file.data):
        return
    root = Node.of(file.memo("arm.template", lambda f: read_json(f.text)), 1)
    for node, resource_type in _declared(root, ""):
        if node.get("existing") is True:
            continue
        mapped = map_resource(resource_type, ArmReader(file.path, node, resource_type))
        if mapped is not None:
            yield mapped
