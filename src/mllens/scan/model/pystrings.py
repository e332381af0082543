"""Strings built in Python code, read as far as their parts are known (never evaluated).

`f"{repo}:latest"`, `"{}:latest".format(repo)` and `"%s:latest" % repo` give the string with
each part whose value is not a known scalar left as its `${source}` hole, so the literal parts
(the tag of an image, the scheme of a URI) can be judged while the whole stays a non-literal.
A template these cannot read (a malformed field, a `*` width) is a reference as a whole.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Callable
from typing import Any

Resolve = Callable[[ast.expr], Any]
Ref = Callable[[ast.expr], str]

# one printf-style directive: %(name)-08.3f; `*` widths take their value from the arguments
_PERCENT = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?(?P<spec>[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?)(?P<kind>[diouxXeEfFgGcrsa%])"
)


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) or value is None


def _shown(value: Any, conversion: str | None, spec: str, hole: str) -> str:
    """The value as the template would write it, or the hole when that cannot be known."""
    if not _scalar(value) or (isinstance(value, str) and "${" in value and (conversion or spec)):
        return hole  # a partial string padded or repr'd would misplace its known parts
    if isinstance(value, str) and "${" in value:
        return value  # a partial value keeps its own holes
    try:
        if conversion == "r":
            value = repr(value)
        elif conversion in ("s", "a"):
            value = str(value) if conversion == "s" else ascii(value)
        return format(value, spec)
    except (ValueError, TypeError):
        return hole


def joined(node: ast.JoinedStr, resolve: Resolve, ref: Ref) -> str:
    """An f-string's text with its unknown parts as holes."""
    out: list[str] = []
    for part in node.values:
        if isinstance(part, ast.Constant) and isinstance(part.value, str):
            out.append(part.value)
        elif isinstance(part, ast.FormattedValue):
            spec = joined(part.format_spec, resolve, ref) if isinstance(part.format_spec, ast.JoinedStr) else ""
            conversion = chr(part.conversion) if part.conversion > 0 else None
            hole = ref(part.value)
            out.append(hole if "${" in spec else _shown(resolve(part.value), conversion, spec, hole))
        else:
            return ref(node)
    return "".join(out)


def format_value(template: str, call: ast.Call, resolve: Resolve, ref: Ref) -> str:
    """`template.format(...)`: each field filled from the call's arguments (a hole when unknown)."""
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return ref(call)  # *args / **kwargs: which argument fills which field is not known
    keywords = {k.arg: k.value for k in call.keywords if k.arg is not None}
    out: list[str] = []
    auto = 0
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        return ref(call)
    for text, name, spec, conversion in fields:
        out.append(text)
        if name is None:
            continue
        if name == "":
            name, auto = str(auto), auto + 1
        arg: ast.expr | None
        if name.isdigit():
            index = int(name)
            arg = call.args[index] if index < len(call.args) else None
        elif name.isidentifier():
            arg = keywords.get(name)
        else:
            arg = None  # `{0.attr}` / `{a[0]}`: an attribute or item of an argument
        if arg is None:
            return ref(call)
        hole = ref(arg)
        out.append(hole if "{" in (spec or "") else _shown(resolve(arg), conversion, spec or "", hole))
    return "".join(out)


def percent(template: str, node: ast.BinOp, resolve: Resolve, ref: Ref) -> str:
    """`template % args`: each directive filled from the arguments (a hole when unknown)."""
    right = node.right
    named = any(m.group("key") is not None for m in _PERCENT.finditer(template))
    items: list[ast.expr] = list(right.elts) if isinstance(right, ast.Tuple) else [right]
    mapping = {k.value: v for k, v in zip(right.keys, right.values, strict=True)
               if isinstance(k, ast.Constant)} if isinstance(right, ast.Dict) else {}  # fmt: skip
    out: list[str] = []
    at = 0
    position = 0
    for match in _PERCENT.finditer(template):
        out.append(template[at : match.start()])
        at = match.end()
        if match.group("kind") == "%":
            out.append("%")
            continue
        if "*" in match.group("spec"):
            return ref(node)
        arg: ast.expr | None
        if named:
            arg = mapping.get(match.group("key"))
        else:
            arg = items[position] if position < len(items) else None
            position += 1
        if arg is None:
            return ref(node)
        hole = ref(arg)
        value = resolve(arg)
        if isinstance(value, str) and "${" in value:  # a partial value: kept only where written as is
            out.append(value if match.group("kind") == "s" and not match.group("spec") else hole)
            continue
        try:
            out.append(f"%{match.group('spec')}{match.group('kind')}" % (value,) if _scalar(value) else hole)
        except (ValueError, TypeError):
            out.append(hole)
    out.append(template[at:])
    return "".join(out)
