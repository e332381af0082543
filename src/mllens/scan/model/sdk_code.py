"""One Python module's or notebook's calls, as the ML SDK adapters read them (see python_sdk)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._iac import MISSING
from mllens.scan.model.kinds import Capture
from mllens.scan.model.pyresolve import Call, Module
from mllens.scan.model.values import Value
from mllens.scan.parse.errors import ParseError
from mllens.scan.parse.yaml import YamlMap


def module_of(file: ParsedFile) -> Module | None:
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

    def capture(self, kw: YamlMap, call: Call) -> Capture:
        """A SageMaker `data_capture_config` passed to a deploy call or an endpoint config step:
        written as a mapping, its `enable_capture` flag; anything else, the flag absent at the call."""
        config = kw.get("data_capture_config")
        enabled = (self.at(config, "enable_capture") if isinstance(config, YamlMap)
                   else Value.absent(self.file.path, call.line, "enable_capture"))
        return Capture(block=self.at(kw, "data_capture_config"), enabled=enabled, on_by_default=True, required=True)

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
        return f"{ast.unparse(call.node.func)}() at line {call.line}"
