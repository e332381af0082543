"""HCL (Terraform) through tree-sitter-hcl, with line metadata on every block.

The output is the dict form the detectors have always read (it was python-hcl2's, and is
kept so no detector changes): blocks as lists under their type, nested by their labels,
attributes as values (see hcl_expr for the value form), and on every block
`__start_line__`, `__end_line__` and `__attr_lines__` (attribute name -> line).
A file the grammar rejects anywhere is a ParseError at the first bad place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mllens.scan.parse.errors import ParseError
from mllens.scan.parse.hcl_expr import unescape, value
from mllens.scan.parse.treesitter import parse_tree

if TYPE_CHECKING:
    from tree_sitter import Node


def _label(node: Node) -> str:
    raw = (node.text or b"").decode("utf-8", "surrogatepass")
    if node.type == "string_lit":
        return unescape(raw[1:-1])
    return raw


def _body(node: Node | None) -> dict[str, Any]:
    result: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for child in node.named_children if node is not None else ():
        if child.type == "attribute":
            name_node, expr = child.named_children[0], child.named_children[-1]
            name = _label(name_node)
            result[name] = value(expr)
            lines[name] = child.start_point[0] + 1
        elif child.type == "block":
            parts = [c for c in child.named_children if c.type != "comment"]
            labels = [_label(c) for c in parts if c.type in ("identifier", "string_lit")]
            inner = _body(next((c for c in parts if c.type == "body"), None))
            inner["__start_line__"] = child.start_point[0] + 1
            inner["__end_line__"] = child.end_point[0] + 1
            for label in reversed(labels[1:]):
                inner = {label: inner}
            if labels[0] in lines:
                raise ParseError(f"malformed HCL: block {labels[0]!r} has the name of an attribute above it",
                                 line=child.start_point[0] + 1)
            result.setdefault(labels[0], []).append(inner)
    result["__attr_lines__"] = lines
    return result


def parse_hcl(text: str) -> dict[str, Any]:
    tree = parse_tree("hcl", text, what="HCL")
    root = tree.root_node
    body = next((c for c in root.named_children if c.type == "body"), None)
    data = _body(body)
    data.pop("__attr_lines__", None)
    return data
