"""YAML with line numbers, safely: libyaml composes the node graph (C, depth-capped), and a
small constructor here turns it into plain dicts and lists that also remember their lines.

No tag ever constructs a Python object. Aliases are shared, not copied, and the size of the
fully expanded documents is capped, so a "billion laughs" file is a ParseError, not a hang
(rules that walk the data would otherwise visit every expansion). CloudFormation short-form
tags (`!Ref`, `!GetAtt`, `!Sub` ...) become their long JSON form so templates read the same
in YAML and JSON.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mllens.scan.parse.errors import ParseError

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

MAX_EXPANDED = 1_000_000  # values in all documents once aliases are expanded
_TAG = "tag:yaml.org,2002:"
_CFN_FUNCTIONS = frozenset(
    [
        "Base64",
        "Cidr",
        "FindInMap",
        "GetAtt",
        "GetAZs",
        "ImportValue",
        "Join",
        "Select",
        "Split",
        "Sub",
        "Transform",
        "And",
        "Equals",
        "If",
        "Not",
        "Or",
        "ToJsonString",
        "Length",
    ]
)


class YamlMap(dict[Any, Any]):
    """A mapping that knows its line and the line of each key (1-based)."""

    __slots__ = ("key_lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class YamlSeq(list[Any]):
    """A sequence that knows its line and the line of each item (1-based)."""

    __slots__ = ("item_lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


def line_of(value: Any, default: int | None = None) -> int | None:
    """The line of a YamlMap/YamlSeq, or `default` for a scalar."""
    return getattr(value, "line", default)


class _Builder:
    def __init__(self) -> None:
        self.memo: dict[int, tuple[Any, int]] = {}
        self.active: set[int] = set()
        self.scalars = SafeConstructor()

    def build(self, node: Node) -> tuple[Any, int]:
        """(value, expanded size). Shared nodes (aliases) are built once."""
        key = id(node)
        done = self.memo.get(key)
        if done is not None:
            return done
        if key in self.active:
            raise ParseError("recursive YAML alias", line=node.start_mark.line + 1)
        self.active.add(key)
        try:
            if isinstance(node, ScalarNode):
                result = (self.scalar(node), 1)
            elif isinstance(node, SequenceNode):
                result = self.sequence(node)
            else:
                result = self.mapping(node)  # type: ignore[arg-type]
        finally:
            self.active.discard(key)
        if result[1] > MAX_EXPANDED:
            raise ParseError(f"YAML aliases expand to over {MAX_EXPANDED:,} values", line=node.start_mark.line + 1)
        value = self.tagged(node, result[0])
        self.memo[key] = (value, result[1])
        return value, result[1]

    def scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag == _TAG + "str" or not tag.startswith(_TAG):
            return node.value
        name = tag[len(_TAG) :]
        try:
            if name == "int":
                return self.scalars.construct_yaml_int(node)
            if name == "float":
                return self.scalars.construct_yaml_float(node)
            if name == "bool":
                return self.scalars.construct_yaml_bool(node)
            if name == "null":
                return None
        except (ValueError, yaml.YAMLError):
            return node.value
        return node.value  # timestamps, binary, unknown: kept as the text written

    def sequence(self, node: SequenceNode) -> tuple[YamlSeq, int]:
        out = YamlSeq(node.start_mark.line + 1)
        size = 1
        for item in node.value:
            value, n = self.build(item)
            out.append(value)
            out.item_lines.append(item.start_mark.line + 1)
            size += n
        return out, size

    def mapping(self, node: MappingNode) -> tuple[YamlMap, int]:
        out = YamlMap(node.start_mark.line + 1)
        size = 1
        merged: list[tuple[YamlMap, int]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                value, n = self.build(value_node)
                merged.extend((m, n) for m in (value if isinstance(value, list) else [value]) if isinstance(m, YamlMap))
                continue
            key, _ = self.build(key_node)
            if not isinstance(key, str | int | float | bool | type(None)):
                key = str(key)
            value, n = self.build(value_node)
            out[key] = value
            out.key_lines[key] = key_node.start_mark.line + 1
            size += n
        for source, n in merged:  # explicit keys win over merged ones, as in YAML 1.1
            for key, value in source.items():
                if key not in out:
                    out[key] = value
                    out.key_lines[key] = source.line_of(key)
            size += n
        return out, size

    def tagged(self, node: Node, value: Any) -> Any:
        tag = node.tag or ""
        if not tag.startswith("!") or tag.startswith("!!"):
            return value
        name = tag[1:]
        line = node.start_mark.line + 1
        if name in ("Ref", "Condition"):
            wrapped = YamlMap(line)
            wrapped[name] = value
        elif name in _CFN_FUNCTIONS:
            wrapped = YamlMap(line)
            if name == "GetAtt" and isinstance(value, str):
                parts = YamlSeq(line)
                parts.extend(value.split(".", 1))
                parts.item_lines.extend([line] * len(parts))
                value = parts
            wrapped["Fn::" + name] = value
        else:
            return value
        wrapped.key_lines[next(iter(wrapped))] = line
        return wrapped


def parse_yaml_documents(text: str) -> list[Any]:
    """Every document of a YAML stream, in order."""
    documents: list[Any] = []
    total = 0
    try:
        for node in yaml.compose_all(text, Loader=_Loader):
            if node is None:
                documents.append(None)
                continue
            # One builder per document: aliases never cross documents, and the memo is keyed
            # by id(node), which Python reuses once an earlier document's nodes are freed.
            value, size = _Builder().build(node)
            total += size
            if total > MAX_EXPANDED:
                raise ParseError(f"YAML aliases expand to over {MAX_EXPANDED:,} values")
            documents.append(value)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ParseError(f"malformed YAML: {exc.problem or exc}", line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise ParseError(f"malformed YAML: {exc}") from None
    return documents
