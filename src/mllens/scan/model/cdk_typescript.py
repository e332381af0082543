"""The construct calls of a CDK app in TypeScript (`new x.Y(this, 'Id', {...})`), read with
tree-sitter-typescript (never compiled or run)."""

from __future__ import annotations

import warnings
from collections import Counter
from functools import cache
from typing import TYPE_CHECKING, Any

from mllens.scan.context import ParsedFile
from mllens.scan.model.cdk_construct import Construct, module_of
from mllens.scan.parse.yaml import YamlMap, YamlSeq

if TYPE_CHECKING:
    from tree_sitter import Node, Parser


@cache
def _parser() -> Parser:
    import tree_sitter_typescript
    from tree_sitter import Language, Parser

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return Parser(Language(tree_sitter_typescript.language_typescript()))


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _line(node: Node) -> int:
    return node.start_point[0] + 1


def _string(node: Node) -> str | None:
    if node.type == "string":
        return _text(node)[1:-1]
    if node.type == "template_string" and not any(c.type == "template_substitution" for c in node.children):
        return _text(node)[1:-1]
    return None


def _walk(node: Node) -> list[Node]:
    out, todo = [], [node]
    while todo:
        here = todo.pop()
        out.append(here)
        todo.extend(reversed(here.children))
    return out


class _Values:
    """TypeScript expressions as prop values (see cdk_python._Values)."""

    def __init__(self, nodes: list[Node]) -> None:
        found = [(_text(name), value) for n in nodes if n.type == "variable_declarator"
                 and (name := n.child_by_field_name("name")) is not None and name.type == "identifier"
                 and (value := n.child_by_field_name("value")) is not None]  # fmt: skip
        counts = Counter(name for name, _ in found)
        self.assigned = {name: value for name, value in found if counts[name] == 1}
        self.following: set[str] = set()

    def of(self, node: Node) -> Any:
        kind = node.type
        if kind in ("parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression"):
            return self.of(node.named_children[0])
        text = _string(node)
        if text is not None:
            return text
        if kind == "number":
            raw = _text(node).replace("_", "")
            try:
                return int(raw)
            except ValueError:
                try:
                    return float(raw)
                except ValueError:
                    return "${" + raw + "}"
        if kind in ("true", "false"):
            return kind == "true"
        if kind in ("null", "undefined"):
            return None
        if kind == "object":
            return self.object(node)
        if kind == "array":
            seq = YamlSeq(_line(node))
            for item in node.named_children:
                if item.type != "comment":
                    seq.append(self.of(item))
                    seq.item_lines.append(_line(item))
            return seq
        if kind == "new_expression" and _text(node.child_by_field_name("constructor") or node).endswith(
                "BlockPublicAccess"):
            args = node.child_by_field_name("arguments")
            props = [a for a in (args.named_children if args else []) if a.type == "object"]
            if props:
                return self.object(props[0])
        if kind == "identifier":
            return self.follow(node, _text(node))
        return "${" + _text(node) + "}"

    def follow(self, node: Node, name: str) -> Any:
        value = self.assigned.get(name)
        if value is not None and name not in self.following:
            self.following.add(name)
            try:
                found = self.of(value)
            finally:
                self.following.discard(name)
            if not (isinstance(found, str) and found.startswith("${")):
                return found  # a literal in the same file
        return "${" + name + "}"

    def object(self, node: Node) -> YamlMap:
        out = YamlMap(_line(node))
        for pair in node.named_children:
            if pair.type == "pair":
                key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
                if key is None or value is None:
                    continue
                name = _string(key) if key.type == "string" else _text(key)
                if name is None:
                    continue
                out[name] = self.of(value)
            elif pair.type == "shorthand_property_identifier":
                name, value = _text(pair), None
                out[name] = self.follow(pair, name)
            else:
                continue  # a spread or a method: not followed
            out.key_lines[name] = _line(pair)
        return out


def _imports(nodes: list[Node]) -> dict[str, str]:
    """Local name -> CDK module: `* as s3 from 'aws-cdk-lib/aws-s3'`, `{ aws_s3 as s3 } from 'aws-cdk-lib'`."""
    out: dict[str, str] = {}
    for node in nodes:
        source = node.child_by_field_name("source") if node.type == "import_statement" else None
        where = _string(source) if source is not None else None
        if where is None or not where.startswith("aws-cdk-lib"):
            continue
        for part in _walk(node):
            names = [c for c in part.named_children if c.type == "identifier"]
            if part.type == "namespace_import" and names:
                out[_text(names[-1])] = module_of(where)
            elif part.type == "import_specifier" and names:
                first = _text(names[0])
                out[_text(names[-1])] = module_of(first) if where == "aws-cdk-lib" else module_of(where)
    return out


def read(file: ParsedFile) -> list[Construct]:
    tree = _parser().parse(file.text.encode("utf-8", "surrogatepass"))
    nodes = _walk(tree.root_node)
    imports, values = _imports(nodes), _Values(nodes)
    out: list[Construct] = []
    for node in nodes:
        if node.type != "new_expression":
            continue
        ctor, args = node.child_by_field_name("constructor"), node.child_by_field_name("arguments")
        if ctor is None or args is None or ctor.type not in ("identifier", "member_expression"):
            continue
        written = _text(ctor)
        head, _, cls = written.rpartition(".")
        params = [a for a in args.named_children if a.type != "comment"]
        module = imports.get(head or cls) or module_of(head.lower())
        if cls == "PolicyStatement" and module == "iam" and len(params) == 1 and params[0].type == "object":
            # no scope or id: a statement added to a role or policy (named by its line)
            out.append(Construct(written, cls, module, f"statement at line {_line(node)}", _line(node),
                                 values.object(params[0])))
            continue
        if len(params) < 2 or not cls[:1].isupper():
            continue
        ident = _string(params[1])
        props = values.object(params[2]) if len(params) > 2 and params[2].type == "object" else YamlMap(_line(node))
        out.append(Construct(written, cls, module, ident if ident is not None else "${" + _text(params[1]) + "}",
                             _line(params[1]), props))
    return out
