"""CloudFormation and SAM templates (YAML or JSON) as resources with lines.

The scanner's YAML form keeps the line of every key (`YamlMap.key_lines`) and turns short
tags (`!Ref`, `!Sub` ...) into their long form, so YAML and JSON templates read the same.
JSON keeps no positions: keys are found in the text, searching forward from the resource's
own line, which is exact for the pretty-printed JSON that templates (and `cdk synth`) use.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._iac import MISSING, LineFinder, Node, all_serverless, listify


@dataclass(frozen=True)
class CfnResource:
    logical_id: str
    type: str
    line: int  # the line of the logical id
    props: Node  # Properties (an empty node when there are none)
    attrs: Node  # the resource mapping itself (Type, Properties, DependsOn ...)

    @property
    def address(self) -> str:
        return f"{self.logical_id} ({self.type})"

    def at(self, path: str) -> tuple[Any, int]:
        """(value, line) under Properties; an absent setting is placed at the logical id."""
        value, line = self.props.at(path)
        if value is MISSING and line == self.props.line:
            line = self.line
        return value, line


def _template(file: ParsedFile) -> Mapping[str, Any] | None:
    data = file.data
    if isinstance(data, list):  # YAML documents: a template is the first one
        data = data[0] if data else None
    if not isinstance(data, Mapping):
        return None
    resources = data.get("Resources")
    if not isinstance(resources, Mapping) or not any(
        isinstance(r, Mapping) and str(r.get("Type", "")).startswith(("AWS::", "Custom::")) for r in resources.values()
    ):
        return None
    return data


def _finder(file: ParsedFile) -> LineFinder | None:
    if file.kind != "json":
        return None

    def find(key: str, after: int) -> int | None:
        return file.line_of(f'"{key}"', start=max(after, 1))

    return find


def _build(file: ParsedFile) -> list[CfnResource]:
    template = _template(file)
    if template is None:
        return []
    finder = _finder(file)
    root = Node.of(template, 1, finder)
    resources_node = root.child("Resources")
    if resources_node is None:
        return []
    out: list[CfnResource] = []
    for logical_id in resources_node.names():
        body = resources_node.data[logical_id]
        if not isinstance(body, Mapping) or not isinstance(body.get("Type"), str):
            continue
        line = resources_node.line_of(logical_id)
        attrs = Node.of(body, line, finder)
        props = attrs.child("Properties") or Node({}, line, {}, finder)
        out.append(CfnResource(str(logical_id), body["Type"], line, props, attrs))
    return out


def resources(file: ParsedFile, *types: str) -> Iterator[CfnResource]:
    """Resources whose type matches one of `types` (fnmatch globs: "AWS::SageMaker::*")."""
    for res in file.memo("cloudformation.resources", _build):
        if not types or any(fnmatch.fnmatchcase(res.type, t) for t in types):
            yield res


def endpoint_variants(res: CfnResource) -> list[Node]:
    """ProductionVariants and ShadowProductionVariants of an AWS::SageMaker::EndpointConfig."""
    return [*res.props.children("ProductionVariants"), *res.props.children("ShadowProductionVariants")]


def is_serverless_config(res: CfnResource) -> bool:
    return all_serverless(endpoint_variants(res), "ServerlessConfig")


def model_ref(value: Any) -> str | None:
    """The logical id a ModelName names with `!GetAtt X.ModelName` (either form) or `!Ref X`;
    None for anything else (a literal name, an import, a !Sub)."""
    if not isinstance(value, Mapping) or len(value) != 1:
        return None
    function, arg = next(iter(value.items()))
    if function == "Ref":
        return arg if isinstance(arg, str) else None
    if function != "Fn::GetAtt":
        return None
    parts = arg.split(".", 1) if isinstance(arg, str) else list(arg) if isinstance(arg, list) else []
    if len(parts) == 2 and isinstance(parts[0], str) and parts[1] == "ModelName":
        return parts[0]
    return None


def serverless_only_models(file: ParsedFile) -> set[str]:
    """Logical ids of models that the endpoint configurations of this template reference,
    all of them from all-serverless configurations."""
    serverless: set[str] = set()
    instance: set[str] = set()
    for res in resources(file, "AWS::SageMaker::EndpointConfig"):
        into = serverless if is_serverless_config(res) else instance
        for variant in endpoint_variants(res):
            logical_id = model_ref(variant.get("ModelName"))
            if logical_id is not None:
                into.add(logical_id)
    return serverless - instance


def policy_documents(res: CfnResource) -> Iterator[tuple[Any, int]]:
    """(PolicyDocument, line) for IAM policies, roles/users/groups with inline Policies, and
    bucket policies."""
    if res.props.has("PolicyDocument"):
        yield res.props.get("PolicyDocument"), res.props.line_of("PolicyDocument")
    for policy in res.props.children("Policies"):
        if policy.has("PolicyDocument"):
            yield policy.get("PolicyDocument"), policy.line_of("PolicyDocument")


def managed_arns(res: CfnResource) -> list[str]:
    return [a for a in listify(res.props.get("ManagedPolicyArns")) if isinstance(a, str)]
