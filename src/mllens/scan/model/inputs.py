"""Inputs a template or module takes whose names say they are secrets (a password, token or
key): a CloudFormation parameter and its NoEcho, a Terraform variable and its `sensitive`.
An input hidden from the console, plan output and state display keeps the secret out of logs;
one that is not shows it to whoever reads them."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._iac import Node
from mllens.scan.model.kinds import Resource
from mllens.scan.model.values import Value

_SECRET = re.compile(r"passw|passwd|secret|token|api_?key|apikey|access_?key|private_?key|credential", re.IGNORECASE)
# names that hold where a secret is, or a setting about one, rather than the secret itself
_NOT_SECRET = re.compile(r"arn|name|_id$|[a-z]id$|path|length|ttl|expir|rotat|enable|type|kms|version|url|uri|"
                         r"endpoint|policy|_?count|minutes|seconds|days|bucket|location|vault", re.IGNORECASE)


@dataclass(frozen=True, kw_only=True)
class SecretInput(Resource):
    """A parameter or variable whose name says it carries a secret."""

    hidden: Value  # NoEcho / sensitive as written (absent at the declaration)
    from_store: bool = False  # its value comes from a secret or parameter store (not judged)


def secret_like(name: str) -> bool:
    return bool(_SECRET.search(name)) and not _NOT_SECRET.search(name)


def cloudformation_inputs(file: ParsedFile) -> Iterator[SecretInput]:
    data = file.data[0] if isinstance(file.data, list) and file.data else file.data
    if not isinstance(data, Mapping) or not isinstance(data.get("Parameters"), Mapping):
        return
    finder = None
    if file.kind == "json":
        def finder(key: str, after: int) -> int | None:
            return file.line_of(f'"{key}"', start=max(after, 1))
    params = Node.of(data, 1, finder).child("Parameters")
    if params is None:
        return
    for name in params.names():
        body = params.child(name)
        if body is None or not secret_like(name):
            continue
        hidden = Value(body.get("NoEcho"), file.path, body.line_of("NoEcho"), "NoEcho") if body.has("NoEcho") \
            else Value.absent(file.path, params.line_of(name), "NoEcho")
        store = str(body.get("Type")).startswith("AWS::SSM::Parameter::Value")
        yield SecretInput(syntax="cloudformation", provider="aws", service="CloudFormation", type="Parameter",
                          name=name, address=f"parameter {name}", file=file.path, line=params.line_of(name),
                          hidden=hidden, from_store=store)


def terraform_inputs(file: ParsedFile) -> Iterator[SecretInput]:
    data: Any = file.data
    entries = data.get("variable") if isinstance(data, Mapping) else None
    for entry in entries if isinstance(entries, list) else [entries] if entries else []:
        for name, body in entry.items() if isinstance(entry, Mapping) else ():
            if not isinstance(body, Mapping) or not secret_like(str(name)):
                continue
            node = Node.of(body, int(body.get("__start_line__") or 1))
            hidden = Value(body["sensitive"], file.path, node.line_of("sensitive"), "sensitive") \
                if "sensitive" in body else Value.absent(file.path, node.line, "sensitive")
            yield SecretInput(syntax="terraform", provider="terraform", service="Terraform", type="variable",
                              name=str(name), address=f"var.{name}", file=file.path, line=node.line, hidden=hidden)
