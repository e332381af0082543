"""The construct calls of a CDK app in Python, read with `ast` (never imported)."""

from __future__ import annotations

import ast
from collections import Counter
from typing import Any

from mllens.scan.context import ParsedFile
from mllens.scan.model.cdk_construct import Construct, module_of
from mllens.scan.model.cdk_pipeline import ACTION_CLASS, add_action, add_stage, is_action
from mllens.scan.parse.errors import ParseError
from mllens.scan.parse.yaml import YamlMap, YamlSeq


class _Values:
    """Python expressions as prop values: literals, mappings and lists with their lines, a
    name assigned once in the file to a literal followed, anything else `${source}`."""

    def __init__(self, tree: ast.Module, text: str) -> None:
        self.text = text
        targets: list[tuple[str, ast.expr]] = [
            (node.targets[0].id, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        ]  # fmt: skip
        counts = Counter(name for name, _ in targets)
        self.assigned = {name: value for name, value in targets if counts[name] == 1}
        self.following: set[str] = set()

    def ref(self, node: ast.expr) -> str:
        return "${" + (ast.get_source_segment(self.text, node) or ast.dump(node)) + "}"

    def of(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant) and not isinstance(node.value, bytes):
            return node.value
        if isinstance(node, ast.Dict):
            out = YamlMap(node.lineno)
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    out[key.value] = self.of(value)
                    out.key_lines[key.value] = key.lineno
            return out
        if isinstance(node, ast.List | ast.Tuple):
            seq = YamlSeq(node.lineno)
            for item in node.elts:
                seq.append(self.of(item))
                seq.item_lines.append(item.lineno)
            return seq
        if isinstance(node, ast.Call) and _is_props_class(node.func):
            return self.keywords(node, node.lineno)
        cls = (_dotted(node.func) or "").rsplit(".")[-1] if isinstance(node, ast.Call) else ""
        if isinstance(node, ast.Call) and not node.args and is_action(cls):
            out = self.keywords(node, node.lineno)  # codepipeline_actions.CodeBuildAction(action_name=...)
            out[ACTION_CLASS] = cls
            out.key_lines[ACTION_CLASS] = node.lineno
            return out
        if isinstance(node, ast.Name) and node.id in self.assigned and node.id not in self.following:
            self.following.add(node.id)
            try:
                value = self.of(self.assigned[node.id])
            finally:
                self.following.discard(node.id)
            if not (isinstance(value, str) and value.startswith("${")):
                return value  # a literal in the same file
        return self.ref(node)

    def keywords(self, call: ast.Call, line: int) -> YamlMap:
        out = YamlMap(line)
        for kw in call.keywords:
            if kw.arg is not None:  # **kwargs: not followed
                out[kw.arg] = self.of(kw.value)
                out.key_lines[kw.arg] = kw.value.lineno
        return out


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


def _is_props_class(func: ast.expr) -> bool:
    """`CfnEndpointConfig.ProductionVariantProperty(...)`, `s3.BlockPublicAccess(...)`: a mapping."""
    name = (_dotted(func) or "").rsplit(".", 1)[-1]
    return name.endswith("Property") or name in ("BlockPublicAccess", "StageProps")


def _imports(tree: ast.Module) -> dict[str, str]:
    """Local name -> CDK module: `aws_sagemaker as sagemaker`, `from aws_cdk.aws_s3 import Bucket`."""
    out: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("aws_cdk"):
            for alias in node.names:
                if node.module == "aws_cdk":
                    out[alias.asname or alias.name] = module_of(alias.name)
                else:
                    out[alias.asname or alias.name] = module_of(node.module)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("aws_cdk.") and alias.asname:
                    out[alias.asname] = module_of(alias.name)
    return out


def read(file: ParsedFile) -> list[Construct]:
    try:
        tree = file.data
    except ParseError:
        return []  # the python family reports it
    if not isinstance(tree, ast.Module):
        return []
    imports, values = _imports(tree), _Values(tree, file.text)
    out: list[Construct] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        written = _dotted(node.func)
        if written is None:
            continue
        if not node.args and written.endswith("PolicyStatement") and \
                (imports.get(written.rpartition(".")[0]) or module_of(written.rpartition(".")[0].lower())) == "iam":
            # no scope or id: a statement added to a role or policy (named by its line)
            out.append(Construct(written, "PolicyStatement", "iam", f"statement at line {node.lineno}", node.lineno,
                                 values.keywords(node, node.lineno)))
            continue
        if len(node.args) < 2:
            continue
        head, _, cls = written.rpartition(".")
        if not cls[:1].isupper() or cls.endswith("Property"):
            continue
        module = imports.get(head or cls) or module_of(head.lower())
        ident = node.args[1]
        name = ident.value if isinstance(ident, ast.Constant) and isinstance(ident.value, str) else values.ref(ident)
        out.append(Construct(written, cls, module, str(name), ident.lineno, values.keywords(node, node.lineno)))
    out.sort(key=lambda c: c.line)
    if "add_stage" in file.text:  # (add_action needs a stage add_stage returned)
        _stages(tree, out, values)
    return out


def _stages(tree: ast.Module, out: list[Construct], values: _Values) -> None:
    """`pipeline.add_stage(stage_name=..., actions=[...])` calls added, in the order written, to
    the pipeline construct assigned to that name (or `self.` attribute) in the same file, and
    actions added to a stage it returned (`stage.add_action(...)`)."""
    pipelines: dict[str, Construct] = {}
    named: dict[int, str] = {}  # id of a call -> the name it is assigned to
    calls: list[tuple[ast.Call, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.value, ast.Call):
            target = _dotted(node.targets[0])
            found = [c for c in out if c.module == "codepipeline" and c.cls == "Pipeline"
                     and node.value.lineno <= c.line <= (node.value.end_lineno or c.line)]
            if target is not None and found:
                pipelines[target] = found[0]
            if target is not None:
                named[id(node.value)] = target
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr in ("add_stage", "add_action"):
            calls.append((node, _dotted(node.func.value) or ""))
    stages: dict[str, YamlMap] = {}  # `s = pipeline.add_stage(...)`: its later `s.add_action(...)`
    for call, owner in sorted(calls, key=lambda c: (c[0].lineno, c[0].col_offset)):
        if isinstance(call.func, ast.Attribute) and call.func.attr == "add_action":
            if owner in stages and call.args:
                add_action(stages[owner], values.of(call.args[0]), call.args[0].lineno)
        elif owner in pipelines:
            stage = values.keywords(call, call.lineno)
            add_stage(pipelines[owner].props, stage, call.lineno)
            if id(call) in named:
                stages[named[id(call)]] = stage
