"""ML SDK code in Python (a module or a notebook's cells) into the resource model, read statically.

The SageMaker Python SDK (`sagemaker_sdk`), boto3 SageMaker client calls (`boto3_sagemaker`)
and Airflow DAGs and Step Functions Data Science SDK workflows (`airflow`) create training
jobs, endpoints, monitors and pipelines when the code runs; here their calls are read with
`ast` (never imported or run) into the same kinds the infrastructure syntaxes give, so the
judgements written over kinds read them too. Every resource from here is `scripted`: code
that creates a resource when it runs is not infrastructure declared as code.

A word test comes first: a file that names none of the SDKs is never walked.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._iac import MISSING
from mllens.scan.model.kinds import Resource
from mllens.scan.model.pyresolve import Call, Module
from mllens.scan.model.values import Value
from mllens.scan.parse.errors import ParseError
from mllens.scan.parse.yaml import YamlMap

WORDS = ("sagemaker", "airflow", "stepfunctions")


def is_sdk_code(file: ParsedFile) -> bool:
    """A word test, cheap enough for every Python module and notebook."""
    text = file.text
    return any(word in text for word in WORDS)


def _module(file: ParsedFile) -> Module | None:
    try:
        data = file.data
    except ParseError:
        return None  # the code family reports it
    if file.kind == "notebook":
        from mllens.scan.code.sources import notebook_units

        units = [(u.tree, u.line_map) for u in notebook_units(data)[0]]
        text = "\n".join(cell.source for cell in data.code_cells())
        return Module(units, text) if units else None
    return Module([(data, None)], file.text) if isinstance(data, ast.Module) else None


@dataclass(frozen=True)
class Code:
    """One file's calls and how to place what they declare."""

    file: ParsedFile
    module: Module

    def base(self, call: Call, *, service: str, type: str, address: str, ml: bool = True) -> dict[str, Any]:
        return {
            "syntax": "python",
            "provider": "aws",
            "service": service,
            "type": type,
            "name": address,
            "address": address,
            "file": self.file.path,
            "line": call.line,
            "ml": ml,
            "scripted": True,
        }

    def at(self, where: YamlMap, *names: str) -> Value:
        """The first of `names` written in `where` (absent at its line, named as the first)."""
        for name in names:
            if name in where:
                return Value(where[name], self.file.path, where.line_of(name), name)
        return Value.absent(self.file.path, where.line, names[0])

    def nested(self, where: YamlMap, path: str) -> Value:
        """`A.B.C` inside nested mappings; absent at the deepest mapping written."""
        node: Any = where
        parts = path.split(".")
        for part in parts[:-1]:
            inner = node.get(part, MISSING) if isinstance(node, YamlMap) else MISSING
            if not isinstance(inner, YamlMap):
                return Value.absent(self.file.path, node.line, parts[-1])
            node = inner
        return self.at(node, parts[-1])

    def written(self, call: Call) -> str:
        """The call as written, for messages: `estimator.deploy(...)`."""
        # unparsed, not sliced from the text: a notebook's cells are parsed apart from its text
        return f"{ast.unparse(call.node.func)}()"


def adapt(file: ParsedFile) -> Iterator[Resource]:
    """The model's resources a Python module or notebook creates through the ML SDKs."""
    if not is_sdk_code(file):
        return
    module = _module(file)
    if module is None:
        return
    from mllens.scan.model import airflow, boto3_sagemaker, sagemaker_sdk

    code = Code(file, module)
    found = [*sagemaker_sdk.resources(code), *boto3_sagemaker.resources(code), *airflow.resources(code)]
    found.sort(key=lambda r: r.line)
    yield from found
