"""Terraform `azapi_resource` blocks into the resource model, through the Azure type table.

An azapi resource names an ARM type (`type = "Microsoft.MachineLearningServices/workspaces@2025-04-01"`)
and writes its ARM body as an HCL object (`body = { properties = { publicNetworkAccess = ... } }`),
so it maps exactly as the same type in a Bicep or ARM template does (azure_types). The parser
keeps no line for keys inside an object expression: each key's line is found in the text,
as the first `key =` after the line of the object holding it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._iac import MISSING, Node
from mllens.scan.model.azure_types import base, map_resource
from mllens.scan.model.kinds import Resource
from mllens.scan.model.terraform_read import Reader
from mllens.scan.model.values import Value


class _AzapiReader:
    """The AzureReader of one azapi_resource block."""

    def __init__(self, reader: Reader, text: str, resource_type: str) -> None:
        self.reader, self.file, self.line = reader, reader.file, reader.block.line
        self.resource_type = resource_type
        lines = text.splitlines()

        def finder(key: str, after: int) -> int | None:
            # only asked for keys the body holds, so the first match below the holder is theirs
            # (`properties = { properties = {...} }`: the inner one is below the outer)
            below = re.compile(rf'^\s*"?{re.escape(key)}"?\s*=')
            found = next((i + 1 for i in range(after, len(lines)) if below.match(lines[i])), None)
            if found is None and 0 < after <= len(lines) and re.search(rf'\b{re.escape(key)}\s*=', lines[after - 1]):
                found = after  # a one-line object: `scaleSettings = { minNodeCount = 0 }`
            return found

        node = reader.block.node
        self.body = Node(node.get("body") if isinstance(node.get("body"), Mapping) else {},
                         node.line_of("body") if node.has("body") else self.line, {}, finder)

    def at(self, path: str, *, name: str | None = None) -> Value:
        raw, line = self.body.at(path)
        if raw is MISSING:
            return Value.absent(self.file, self.line, name or path.rsplit(".", 1)[-1])
        return self.reader.resolve(Value(raw, self.file, line, name or path.rsplit(".", 1)[-1]))

    def every(self, path: str) -> list[Value]:
        value = self.at(path)
        return [] if value.raw is MISSING else [value]  # arrays of objects are not walked here

    def type_of(self, reference: str) -> str:
        return ""  # a reference names another block: not followed

    def base(self) -> dict[str, Any]:
        block = self.reader.block
        return base(self, syntax="terraform", resource_type=self.resource_type, name=block.name, shown=block.address)


def azapi(reader: Reader, file: ParsedFile) -> Resource | None:
    """The model's resource for an azapi_resource of a mapped Azure type (None otherwise)."""
    written = reader.block.node.get("type")
    if not isinstance(written, str) or "/" not in written:
        return None
    return map_resource(written.split("@", 1)[0], _AzapiReader(reader, file.text, written.split("@", 1)[0]))
