"""Bicep through tree-sitter-bicep: resource declarations and the properties they write.

Every resource declaration is read, with `existing`, loops (`[for ...: {...}]`),
conditions (`if (...) {...}`) and child resources declared inside their parent (whose type
is relative to it). Each property is kept under its dotted path from the resource body
(`properties.encryption.status`), with the line of its key; properties of objects inside
an array keep the array's path. Values are kept as written: a plain quoted string becomes
its text, anything else (parameters, expressions, function calls, interpolated strings)
stays an expression and is marked so. Blind spots: properties set through modules,
`union()` or variables holding objects are not followed.

Reading is tolerant, as the line reader before it was: the grammar (tree-sitter-bicep 1.1)
lacks some newer syntax (`extension`, the `...` spread), and a file using it is still read
around the ERROR node tree-sitter leaves there, never refused whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mllens.scan.parse.treesitter import read_tree

if TYPE_CHECKING:
    from tree_sitter import Node

_NUMBER = re.compile(r"-?\d+")


@dataclass(frozen=True)
class BicepValue:
    text: str  # the value as written (quotes removed from a plain string)
    line: int
    literal: bool  # a plain string, number or boolean; False for expressions and parameters


@dataclass
class BicepResource:
    symbol: str
    type: str  # full type, e.g. Microsoft.MachineLearningServices/workspaces/computes
    api_version: str
    line: int
    existing: bool
    props: dict[str, list[BicepValue]] = field(default_factory=dict)  # "properties.a.b" -> values

    def get(self, path: str) -> BicepValue | None:
        values = self.props.get(path)
        return values[0] if values else None

    def has(self, prefix: str) -> bool:
        return any(p == prefix or p.startswith(prefix + ".") for p in self.props)


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "surrogatepass")


def _string(node: Node) -> tuple[str, bool]:
    """A string's text and whether it is plain (no interpolation)."""
    if any(c.type == "interpolation" for c in node.named_children):
        return _text(node), False
    return "".join(_text(c) for c in node.named_children if c.type in ("string_content", "escape_sequence")), True


def _value(node: Node, line: int) -> BicepValue:
    kind = node.type
    if kind == "string":
        text, plain = _string(node)
        return BicepValue(text, line, plain)
    raw = _text(node)
    literal = kind in ("boolean", "null") or (kind == "number" and _NUMBER.fullmatch(raw) is not None)
    return BicepValue(raw, line, literal)


def _body(node: Node) -> Node | None:
    """The object a resource declares, through loops, conditions and parentheses."""
    for child in node.named_children:
        if child.type == "object":
            return child
        if child.type in ("for_statement", "if_statement", "parenthesized_expression", "array"):
            found = _body(child)
            if found is not None:
                return found
    return None


def _resource(node: Node, parent: BicepResource | None, out: list[BicepResource]) -> None:
    named = [c for c in node.named_children if c.type != "comment"]
    symbol = _text(named[0])
    spec = next((c for c in named if c.type == "string"), None)
    rtype, _, version = (_string(spec)[0] if spec is not None else "").partition("@")
    if parent is not None and "/" not in rtype:
        rtype = f"{parent.type}/{rtype}"  # a child declared inside its parent
    keyword = next(c for c in node.children if c.type == "resource")
    existing = any(c.type == "existing" for c in node.children)
    resource = BicepResource(symbol, rtype, version, keyword.start_point[0] + 1, existing)
    out.append(resource)
    body = _body(node)
    if body is not None:
        _object(body, [], resource, out)


def _object(node: Node, path: list[str], owner: BicepResource, out: list[BicepResource]) -> None:
    for prop in node.named_children:
        if prop.type != "object_property":
            continue
        parts = [c for c in prop.named_children if c.type != "comment"]
        if parts and parts[0].type == "resource_declaration":
            _resource(parts[0], owner, out)
            continue
        if len(parts) < 2:
            continue
        key = _string(parts[0])[0] if parts[0].type == "string" else _text(parts[0])
        _property([*path, key], parts[-1], prop.start_point[0] + 1, owner, out)


def _property(path: list[str], value: Node, line: int, owner: BicepResource, out: list[BicepResource]) -> None:
    dotted = ".".join(path)
    if value.type in ("object", "array", "for_statement"):
        opening = _text(value).split("\n", 1)[0]
        owner.props.setdefault(dotted, []).append(BicepValue(opening, line, False))
        _items(value, path, owner, out)
    else:
        owner.props.setdefault(dotted, []).append(_value(value, line))


def _items(node: Node, path: list[str], owner: BicepResource, out: list[BicepResource]) -> None:
    """The keys of an object, or of the objects in an array (which keep the array's path)."""
    if node.type == "object":
        _object(node, path, owner, out)
        return
    for child in node.named_children:
        if child.type in ("object", "array", "for_statement"):
            _items(child, path, owner, out)


def _walk(node: Node, out: list[BicepResource]) -> None:
    for child in node.named_children:
        if child.type == "resource_declaration":
            _resource(child, None, out)
        elif child.type == "ERROR":  # what the grammar could not place may still hold declarations
            _walk(child, out)


def parse_bicep(text: str) -> list[BicepResource]:
    out: list[BicepResource] = []
    _walk(read_tree("bicep", text).root_node, out)
    return out
