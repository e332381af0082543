"""The construct calls of a CDK app in TypeScript (`new x.Y(this, 'Id', {...})`), read with
tree-sitter-typescript (never compiled or run)."""

from __future__ import annotations

import warnings
from collections import Counter
from functools import cache
from typing import TYPE_CHECKING, Any

from mllens.scan.context import ParsedFile
from mllens.scan.model.cdk_construct import Construct, module_of
from mllens.scan.model.cdk_pipeline import ACTION_CLASS, add_action, add_stage, is_action
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
        if kind == "new_expression":
            return self.action(node)
        if kind == "identifier":
            return self.follow(node, _text(node))
        return "${" + _text(node) + "}"

    def action(self, node: Node) -> Any:
        """`new codepipeline_actions.CodeBuildAction({...})`: its props and its class."""
        cls = _text(node.child_by_field_name("constructor") or node).rpartition(".")[2]
        args = node.child_by_field_name("arguments")
        props = [a for a in (args.named_children if args else []) if a.type == "object"]
        if not is_action(cls) or not props:
            return "${" + _text(node) + "}"
        out = self.object(props[0])
        out[ACTION_CLASS] = cls
        out.key_lines[ACTION_CLASS] = _line(node)
        return out

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


_BUILDERS = {"addActions": "actions", "addResources": "resources", "addNotResources": "notResources",
             "addNotActions": "notActions"}


def _built(nodes: list[Node], imports: dict[str, str], values: _Values) -> list[Construct]:
    """Statements built by method calls (`const s = new iam.PolicyStatement(); s.addActions('x');
    s.addResources('*')`) and managed policies added to a role (`role.addManagedPolicy(...)`)."""
    statements: dict[str, tuple[str, YamlMap]] = {}
    for n in nodes:
        value = n.child_by_field_name("value") if n.type == "variable_declarator" else None
        name = n.child_by_field_name("name") if value is not None else None
        ctor = value.child_by_field_name("constructor") if value is not None and value.type == "new_expression" \
            else None
        if name is None or ctor is None or not _text(ctor).endswith("PolicyStatement"):
            continue
        if (imports.get(_text(ctor).rpartition(".")[0]) or module_of(_text(ctor).rpartition(".")[0].lower())) == "iam":
            statements[_text(name)] = (_text(ctor), YamlMap(_line(n)))
    roles: dict[str, YamlMap] = {}
    for n in nodes:
        func = n.child_by_field_name("function") if n.type == "call_expression" else None
        args = n.child_by_field_name("arguments")
        if func is None or args is None or func.type != "member_expression":
            continue
        obj, prop = func.child_by_field_name("object"), func.child_by_field_name("property")
        if obj is None or prop is None:
            continue
        owner, method = _text(obj), _text(prop)
        items = [a for a in args.named_children if a.type != "comment"]
        if owner in statements and (method in _BUILDERS or method == "addAllResources"):
            props = statements[owner][1]
            key = _BUILDERS.get(method, "resources")
            seq = props.get(key)
            if not isinstance(seq, YamlSeq):
                seq = props[key] = YamlSeq(_line(n))
                props.key_lines[key] = _line(n)
            # each action on its own line where the call spreads them; addAllResources(): '*'
            for value, at in [(values.of(item), _line(item)) for item in items] or [("*", _line(n))]:
                seq.append(value)
                seq.item_lines.append(at)
        elif method == "addManagedPolicy" and items:
            props = roles.setdefault(owner, YamlMap(_line(n)))
            seq = props.get("managedPolicies")
            if not isinstance(seq, YamlSeq):
                seq = props["managedPolicies"] = YamlSeq(_line(n))
                props.key_lines["managedPolicies"] = _line(n)
            seq.append(_text(items[0]))
            seq.item_lines.append(_line(n))
    out = [Construct(written, "PolicyStatement", "iam", owner, props.line, props)
           for owner, (written, props) in statements.items() if props]
    out.extend(Construct("iam.Role", "Role", "iam", owner, props.line, props) for owner, props in roles.items())
    return out


def _owner(node: Node) -> str | None:
    """The variable or member a `new` expression is assigned to (`const p = new ...`, `this.p = new ...`)."""
    parent = node.parent
    if parent is not None and parent.type == "variable_declarator":
        target = parent.child_by_field_name("name")
    elif parent is not None and parent.type == "assignment_expression":
        target = parent.child_by_field_name("left")
    else:
        return None
    return _text(target) if target is not None else None


def _stages(nodes: list[Node], out: list[Construct], values: _Values) -> None:
    """`pipeline.addStage({...})` calls added, in the order written, to the pipeline construct
    assigned to that variable in the same file, and actions added to a stage it returned."""
    pipelines: dict[str, Construct] = {}
    for node in nodes:
        if node.type == "new_expression" and (owner := _owner(node)) is not None:
            found = [c for c in out if c.module == "codepipeline" and c.cls == "Pipeline" and c.line >= _line(node)
                     and c.line <= node.end_point[0] + 1]
            if found:
                pipelines[owner] = found[0]
    stages: dict[str, YamlMap] = {}  # `const s = pipeline.addStage(...)`: its later `s.addAction(...)`
    for node in nodes:
        func = node.child_by_field_name("function") if node.type == "call_expression" else None
        method = _text(func.child_by_field_name("property") or func) if func is not None else ""
        if func is None or func.type != "member_expression" or method not in ("addStage", "addAction"):
            continue
        owner = _text(func.child_by_field_name("object") or func)
        args = node.child_by_field_name("arguments")
        items = [a for a in (args.named_children if args else []) if a.type != "comment"]
        if method == "addAction" and owner in stages and items:
            add_action(stages[owner], values.of(items[0]), _line(items[0]))
        elif method == "addStage" and owner in pipelines and items and items[0].type == "object":
            stage = values.object(items[0])
            add_stage(pipelines[owner].props, stage, _line(node))
            if (name := _owner(node)) is not None:
                stages[name] = stage


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
    if "addStage" in file.text:
        _stages(nodes, out, values)
    if "PolicyStatement" in file.text or "addManagedPolicy" in file.text:
        out.extend(_built(nodes, imports, values))
    return out
