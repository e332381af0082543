"""Tree-sitter parsers, one per grammar, built on first use and kept for the process.

Each grammar ships as its own wheel (tree-sitter-hcl, ...); loading one costs a few
milliseconds, so a scan that meets no file of a kind never pays for its grammar.
"""

from __future__ import annotations

import importlib
import warnings
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
    with warnings.catch_warnings():  # older grammar wheels hand over an int, which 0.25+ deprecates
        warnings.simplefilter("ignore", DeprecationWarning)
        return Parser(Language(module.language()))


def read_tree(grammar: str, text: str) -> Tree:
    """The syntax tree of `text`, errors and all (ERROR and MISSING nodes where the grammar
    rejects it: tree-sitter always builds a tree)."""
    return parser(grammar).parse(text.encode("utf-8", "surrogatepass"))


def parse_tree(grammar: str, text: str, *, what: str) -> Tree:
    """The syntax tree of `text`, or a ParseError at the first place the grammar rejects
    (a file with ERROR or MISSING nodes is refused whole, as the scan did before it had a
    tolerant parser)."""
    tree = read_tree(grammar, text)
    if tree.root_node.has_error:
        bad = first_error(tree.root_node)
        row, column = bad.start_point
        if not bad.is_missing:
            problem = "unexpected input"
        else:  # a token the grammar expected (`}`), or a whole construct left unfinished
            problem = f"missing '{bad.type}'" if not bad.is_named else "unfinished input"
        raise ParseError(f"malformed {what}: {problem} at column {column + 1}", line=row + 1)
    return tree


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
