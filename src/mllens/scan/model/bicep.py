"""Bicep templates into the resource model, through the Azure type table (`azure_types`).

Declarations come from mllens.scan.parse.bicep (tree-sitter-bicep, memoised on the file):
children declared inside their parent get the parent's type as a prefix there, and
`existing` declarations (references to resources deployed elsewhere) are left out. A value
written as a plain string, number or boolean is a literal; a parameter (even one with a
default), a variable, a function call or an interpolated string is a reference, kept as
written inside `${...}` so that it is never mistaken for a missing or a literal setting.
Blind spots are the parser's: modules, `union()` and objects held in variables.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._iac import MISSING
from mllens.scan.model.azure_types import base, map_resource
from mllens.scan.model.kinds import Resource
from mllens.scan.model.values import Value
from mllens.scan.parse.bicep import BicepResource, BicepValue, parse_bicep

_INT = re.compile(r"-?\d+")
_SYMBOL = re.compile(r"\$\{(\w+)\.id\}$")  # `blue.id`: the id of the declaration named blue


def raw_value(value: BicepValue) -> Any:
    """The value as the model keeps it: a literal decoded, anything else a `${...}` reference."""
    if not value.literal:
        return "${" + value.text + "}"
    if _INT.fullmatch(value.text):
        return int(value.text)
    return {"true": True, "false": False, "null": None}.get(value.text, value.text)


class BicepReader:
    """The properties of one declared resource, located in one file."""

    def __init__(self, file: str, res: BicepResource, symbols: dict[str, str] | None = None) -> None:
        self.file, self.res, self.line = file, res, res.line
        self.symbols = symbols or {}  # symbol -> type of every declaration of the file

    def _tree(self, path: str) -> dict[str, Any]:
        """The object written at `path`, rebuilt from the dotted paths under it."""
        out: dict[str, Any] = {}
        prefix = path + "."
        for key in self.res.props:
            if key.startswith(prefix):
                head = key[len(prefix):].split(".", 1)[0]
                if head not in out:
                    out[head] = self.at(prefix + head).raw
        return out

    def at(self, path: str, *, name: str | None = None) -> Value:
        shown = name or path.rsplit(".", 1)[-1]
        found = self.res.get(path)
        if found is None:
            return Value(MISSING, self.file, self.line, shown)
        if not found.literal and found.text.startswith(("{", "[")):  # an object or array: its keys
            return Value(self._tree(path), self.file, found.line, shown)
        return Value(raw_value(found), self.file, found.line, shown)

    def every(self, path: str) -> list[Value]:
        shown = path.rsplit(".", 1)[-1]
        return [Value(raw_value(v), self.file, v.line, shown) for v in self.res.props.get(path, [])]

    def type_of(self, reference: str) -> str:
        symbol = _SYMBOL.match(reference)
        return self.symbols.get(symbol.group(1), "") if symbol else ""

    def base(self) -> dict[str, Any]:
        res = self.res
        return base(self, syntax="bicep", resource_type=res.type, name=res.symbol, shown=res.symbol)


def resources(file: ParsedFile) -> list[BicepResource]:
    return file.memo("bicep.resources", lambda f: parse_bicep(f.text))


def adapt(file: ParsedFile) -> Iterator[Resource]:
    """The model's resources of one Bicep file, in the order they are declared."""
    declared = resources(file)
    symbols = {res.symbol: res.type for res in declared}
    for res in declared:
        if res.existing:
            continue
        mapped = map_resource(res.type, BicepReader(file.path, res, symbols))
        if mapped is not None:
            yield mapped
