"""Bicep, read line by line: resource declarations and the properties they write.

There is no Bicep parser for Python, and running the Bicep CLI would execute a tool on the
scanned tree, so this reads the common layout only: one `key: value` per line, objects and
arrays opened at the end of a line and closed on their own line. It understands resource
declarations (with `existing`, loops and conditions), nested child resources (whose type
is relative to their parent), comments and single-quoted strings. Values are kept as
written: a quoted string becomes its text, anything else (parameters, expressions,
function calls) stays an expression and is marked so. Blind spots: several properties on
one line (`{ a: 1, b: 2 }`), multi-line ''' strings and properties set through modules or
`union()` are not seen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_RESOURCE = re.compile(r"^\s*resource\s+(\w+)\s+'([^'@]+)(?:@([^']*))?'\s+(existing\s+)?=\s*(.*)\{\s*$")
_KEY = re.compile(r"^\s*'?([A-Za-z_$][\w$-]*)'?\s*:\s*(.*?)\s*$")
_STRING = re.compile(r"^'((?:[^'\\]|\\.)*)'$")


@dataclass(frozen=True)
class BicepValue:
    text: str  # the value as written (quotes removed from a plain string)
    line: int
    literal: bool  # a plain string, number or boolean; False for expressions and parameters


@dataclass
class BicepResource:
    symbol: str
    type: str  # full type, e.g. Microsoft.MachineLearningServices/workspaces/computes
    api_version: str
    line: int
    existing: bool
    props: dict[str, list[BicepValue]] = field(default_factory=dict)  # "properties.a.b" -> values

    def get(self, path: str) -> BicepValue | None:
        values = self.props.get(path)
        return values[0] if values else None

    def has(self, prefix: str) -> bool:
        return any(p == prefix or p.startswith(prefix + ".") for p in self.props)


def _strip_comment(line: str, in_block: bool) -> tuple[str, bool]:
    out: list[str] = []
    i, quoted = 0, False
    while i < len(line):
        if in_block:
            end = line.find("*/", i)
            if end < 0:
                return "".join(out), True
            i, in_block = end + 2, False
            continue
        ch = line[i]
        if ch == "'" and (i == 0 or line[i - 1] != "\\"):
            quoted = not quoted
        elif not quoted and line.startswith("//", i):
            break
        elif not quoted and line.startswith("/*", i):
            in_block, i = True, i + 2
            continue
        out.append(ch)
        i += 1
    return "".join(out), in_block


def _value(raw: str, line: int) -> BicepValue:
    found = _STRING.match(raw)
    if found and "${" not in raw:
        return BicepValue(found.group(1), line, True)
    literal = raw in ("true", "false", "null") or re.fullmatch(r"-?\d+", raw) is not None
    return BicepValue(raw, line, literal)


@dataclass
class _Frame:
    kind: str  # resource, object, array, item
    key: str = ""
    resource: BicepResource | None = None


def _owner(stack: list[_Frame]) -> tuple[BicepResource | None, list[str]]:
    """The innermost resource being declared and the keys from it to the current line."""
    keys: list[str] = []
    for frame in reversed(stack):
        if frame.resource is not None:
            return frame.resource, list(reversed(keys))
        if frame.kind in ("object", "array"):
            keys.append(frame.key)
    return None, []


def parse_bicep(text: str) -> list[BicepResource]:
    resources: list[BicepResource] = []
    stack: list[_Frame] = []
    in_block = False
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line, in_block = _strip_comment(raw_line, in_block)
        stripped = line.strip()
        if not stripped:
            continue
        declared = _RESOURCE.match(line)
        if declared:
            symbol, rtype, version, existing, prefix = declared.groups()
            parent, _ = _owner(stack)
            if parent is not None and "/" not in rtype:
                rtype = f"{parent.type}/{rtype}"  # a child declared inside its parent
            resource = BicepResource(symbol, rtype, version or "", number, bool(existing))
            resources.append(resource)
            stack.extend(_Frame("item") for _ in range(prefix.count("[")))  # [for ...: {
            stack.append(_Frame("resource", resource=resource))
            continue
        owner, keys = _owner(stack)
        keyed = _KEY.match(line)
        if keyed and owner is not None:
            key, rest = keyed.groups()
            path = ".".join([*keys, key])
            if rest.endswith(("{", "[")):
                stack.append(_Frame("object" if rest.endswith("{") else "array", key))
                owner.props.setdefault(path, []).append(BicepValue(rest, number, False))
            else:
                owner.props.setdefault(path, []).append(_value(rest, number))
            continue
        if stripped.endswith(("{", "[")):
            stack.append(_Frame("item"))  # an object or array opened inside an array
            continue
        for ch in stripped:
            if ch in "}]" and stack:
                stack.pop()
    return resources
