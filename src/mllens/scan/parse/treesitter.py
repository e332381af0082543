"""Tree-sitter parsers, one per grammar, built on first use and kept for the process.

Each grammar ships as its own wheel (tree-sitter-hcl, ...); loading one costs a few
milliseconds, so a scan that meets no file of a kind never pays for its grammar.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING

from mllens.scan.parse.errors import ParseError

if TYPE_CHECKING:
    from tree_sitter import Node, Parser, Tree

# grammar name -> the module of its wheel
GRAMMARS = {"hcl": "tree_sitter_hcl", "bicep": "tree_sitter_bicep", "dockerfile": "tree_sitter_dockerfile"}


@cache
def parser(grammar: str) -> Parser:
    from tree_sitter import Language, Parser

    module = importlib.import_module(GRAMMARS[grammar])
    return Parser(Language(module.language()))


def parse_tree(grammar: str, text: str, *, what: str) -> tuple[Tree, bytes]:
    """The syntax tree of `text`, or a ParseError at the first place the grammar rejects
    (tree-sitter always builds a tree; a file with ERROR or MISSING nodes is refused whole,
    as the scan did before it had a tolerant parser)."""
    source = text.encode("utf-8", "surrogatepass")
    tree = parser(grammar).parse(source)
    if tree.root_node.has_error:
        bad = first_error(tree.root_node)
        row, column = bad.start_point
        problem = f"missing {bad.type}" if bad.is_missing else "unexpected input"
        raise ParseError(f"malformed {what}: {problem} at column {column + 1}", line=row + 1)
    return tree, source


def first_error(node: Node) -> Node:
    """The first ERROR or MISSING node under `node` (which has_error), in source order."""
    while True:
        for child in node.children:
            if child.is_error or child.is_missing:
                return child
            if child.has_error:
                node = child
                break
        else:
            return node
