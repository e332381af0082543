"""A small same-module resolver for Python code read by the model adapters (never imported).

It walks a module (or a notebook's cells, which share one namespace as in a kernel) once and
records, per scope, the names bound by plain assignments and the defaults of function
parameters, and the module's imports. Then:

- `name_of(call)` gives a call's dotted name through the imports and typed locals:
  `est = PyTorch(...)` then `est.deploy(...)` is `sagemaker.pytorch.PyTorch().deploy`;
  `sm = boto3.client("sagemaker")` then `sm.create_endpoint(...)` is
  `boto3.client(sagemaker).create_endpoint`.
- `value(expr, scope)` gives an expression's value as written: constants, dicts and lists
  (as `YamlMap` / `YamlSeq` keeping the line of each key and item), keyword calls of
  settings classes (`NetworkConfig(...)`: a `Settings` mapping that keeps its class), and
  names bound once in the enclosing function or the module, or parameters with a default
  never rebound, followed; `self.x` is a class attribute `x` (or what the method itself
  binds to it). A pipeline parameter
  (`ParameterString(default_value=...)`, Metaflow's `Parameter(default=...)`) is its default.
  Strings built with f-strings, `"...".format(...)` and `"..." % (...)` are the string with
  each part not known here left as a `${part}` hole (`${account}.dkr.ecr...:latest`): the
  literal parts (a tag, a scheme) are known, the whole is not a literal.
  Anything else is a reference `${source}`, never judged as missing.

Lines are lines of the file (a notebook cell's line map applied).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mllens.scan.model.pystrings import format_value, joined, percent
from mllens.scan.parse.yaml import YamlMap, YamlSeq

_PARAMETERS = ("ParameterString", "ParameterInteger", "ParameterBoolean", "ParameterFloat")
_FLOW_PARAMETERS = ("metaflow.Parameter",)  # a flow's run parameter: its value is `default=` unless given


def _parameter_default(name: str, node: ast.Call) -> tuple[bool, ast.expr | None]:
    """(whether the call is a pipeline or flow parameter, its default expression or None)."""
    if name.rsplit(".", 1)[-1] in _PARAMETERS:
        key = "default_value"
    elif name in _FLOW_PARAMETERS:
        key = "default"
    else:
        return False, None
    return True, next((k.value for k in node.keywords if k.arg == key), None)


def _built_string(node: ast.expr) -> bool:
    """A string built in place (f-string, `"...".format(...)`, `"..." % ...`): set where written."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant)
        and isinstance(node.func.value.value, str)
    )


class Settings(YamlMap):
    """The keywords of a settings-class call (`DataCaptureConfig(enable_capture=True)`)."""

    __slots__ = ("cls",)

    def __init__(self, line: int, cls: str) -> None:
        super().__init__(line)
        self.cls = cls


@dataclass(eq=False)
class Scope:
    parent: Scope | None
    binds: dict[str, list[tuple[ast.expr, Callable[[int], int]]]] = field(default_factory=dict)
    defaults: dict[str, tuple[ast.expr, Callable[[int], int]]] = field(default_factory=dict)
    params: set[str] = field(default_factory=set)
    function: str = ""  # the function's name ("" for a module, class or lambda)
    positional: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Call:
    node: ast.Call
    scope: Scope
    lines: Callable[[int], int]

    @property
    def line(self) -> int:
        return self.lines(self.node.lineno)

    def kw(self, name: str) -> ast.expr | None:
        return next((k.value for k in self.node.keywords if k.arg == name), None)


def _same(number: int) -> int:
    return number


def dotted(node: ast.expr) -> list[str] | None:
    """`a.b().c` -> ['a', 'b', '()', 'c']; None when it does not start from a name."""
    parts: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            parts.append("()")
            node = node.func
        elif isinstance(node, ast.Subscript):
            parts.append("[]")
            node = node.value
        elif isinstance(node, ast.Name):
            parts.append(node.id)
            parts.reverse()
            return parts
        else:
            return None


class Module:
    """The calls of one module or notebook, with what is needed to resolve their values."""

    def __init__(self, units: Sequence[tuple[ast.Module, Callable[[int], int] | None]], text: str) -> None:
        self.text = text
        self.imports: dict[str, str] = {}
        self.root = Scope(None)
        self.calls: list[Call] = []
        self._defined: dict[str, int] = {}  # how many functions of each name the module defines
        self._arg_scope: dict[int, Scope] = {}  # an argument followed into a function: its caller's scope
        self._by_name: dict[str, list[Call]] | None = None  # the calls of each plain name
        for tree, line_map in units:
            self._walk(tree.body, self.root, line_map or _same)
        self.calls.sort(key=lambda c: (c.line, c.node.col_offset))
        self._following: set[int] = set()

    # -- the walk -------------------------------------------------------------------------
    def _walk(self, body: Sequence[ast.AST], scope: Scope, lines: Callable[[int], int]) -> None:
        for node in body:
            self._visit(node, scope, lines)

    def _visit(self, node: ast.AST, scope: Scope, lines: Callable[[int], int]) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            inner = Scope(scope)
            args = node.args
            positional = [*args.posonlyargs, *args.args]
            for arg, default in zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True):
                inner.defaults[arg.arg] = (default, lines)
            for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
                if kw_default is not None:
                    inner.defaults[arg.arg] = (kw_default, lines)
            inner.params = {a.arg for a in (*positional, *args.kwonlyargs)}
            if not isinstance(node, ast.Lambda):
                inner.function, inner.positional = node.name, tuple(a.arg for a in positional)
                self._defined[node.name] = self._defined.get(node.name, 0) + 1
            for default in (*args.defaults, *(d for d in args.kw_defaults if d is not None)):
                self._visit(default, scope, lines)
            for decorator in getattr(node, "decorator_list", []):
                self._visit(decorator, scope, lines)
            body = node.body if isinstance(node.body, list) else [node.body]
            self._walk(body, inner, lines)
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            self._import(node)
            return
        if isinstance(node, ast.ClassDef):  # a class attribute is what its methods read as self.x
            for stmt in node.body:
                if isinstance(stmt, ast.Assign | ast.AnnAssign) and stmt.value is not None:
                    for target in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
                        if isinstance(target, ast.Name):
                            scope.binds.setdefault(f"self.{target.id}", []).append((stmt.value, lines))
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                name = self._target(target)
                if name is not None:
                    scope.binds.setdefault(name, []).append((node.value, lines))
                elif isinstance(target, ast.Tuple | ast.List):
                    for item in ast.walk(target):
                        if isinstance(item, ast.Name):
                            scope.binds.setdefault(item.id, []).append((target, lines))  # unpacked: unknown
        elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension | ast.With | ast.AsyncWith | ast.NamedExpr):
            for item in ast.walk(getattr(node, "target", None) or node):
                if isinstance(item, ast.Name) and isinstance(item.ctx, ast.Store):
                    scope.binds.setdefault(item.id, []).append((item, lines))  # bound by a loop: unknown
        if isinstance(node, ast.Call):
            self.calls.append(Call(node, scope, lines))
        for child in ast.iter_child_nodes(node):
            self._visit(child, scope, lines)

    @staticmethod
    def _target(target: ast.expr) -> str | None:
        if isinstance(target, ast.Name):
            return target.id
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
            return f"self.{target.attr}"
        return None

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self.imports[alias.asname or alias.name.split(".", 1)[0]] = (
                    alias.name if alias.asname else alias.name.split(".", 1)[0]
                )
        elif node.module and not node.level:
            for alias in node.names:
                self.imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    # -- names ----------------------------------------------------------------------------
    def _bound_expr(self, node: ast.Name | ast.Attribute, scope: Scope) -> tuple[ast.expr, Callable[[int], int]] | None:
        """What a name, or `self.x`, is bound to (see `bound`); other attributes: None."""
        if isinstance(node, ast.Name):
            return self.bound(node.id, scope) or self._argument(node.id, scope)
        if not (isinstance(node.value, ast.Name) and node.value.id == "self"):
            return None
        return self.bound(f"self.{node.attr}", scope)

    def bound(self, name: str, scope: Scope) -> tuple[ast.expr, Callable[[int], int]] | None:
        """The one expression `name` is bound to where `scope` sees it (None: none, or several)."""
        current: Scope | None = scope
        while current is not None:
            found = current.binds.get(name)
            if found is not None:
                return found[0] if len(found) == 1 else None
            if name in current.params:
                return current.defaults.get(name)
            current = current.parent
        return None

    def _argument(self, name: str, scope: Scope) -> tuple[ast.expr, Callable[[int], int]] | None:
        """A parameter without a default of a function the module defines once and calls once
        by name: the argument that call passes (evaluated where the call is)."""
        current: Scope | None = scope
        while current is not None and name not in current.params:
            if name in current.binds:
                return None
            current = current.parent
        if current is None or not current.function or self._defined.get(current.function) != 1:
            return None
        if self._by_name is None:  # built on the first use: most modules never need it
            self._by_name = {}
            for call in self.calls:
                if isinstance(call.node.func, ast.Name):
                    self._by_name.setdefault(call.node.func.id, []).append(call)
        sites = self._by_name.get(current.function, [])
        if len(sites) != 1 or any(isinstance(a, ast.Starred) for a in sites[0].node.args):
            return None
        site = sites[0]
        arg = site.kw(name)
        if arg is None and name in current.positional and not any(k.arg is None for k in site.node.keywords):
            index = current.positional.index(name)
            arg = site.node.args[index] if index < len(site.node.args) else None
        if arg is None:
            return None
        self._arg_scope[id(arg)] = site.scope
        return arg, site.lines

    def name_of(self, node: ast.expr, scope: Scope, depth: int = 0) -> str | None:
        """The dotted name of an expression, through imports and locals bound to a call."""
        parts = dotted(node)
        if parts is None or depth > 8:
            return None
        head, rest = parts[0], parts[1:]
        if rest and rest[0] != "()" and head == "self" and (typed := self._typed(f"self.{rest[0]}", scope, depth)):
            return ".".join([typed, *rest[1:]])
        if head in self.imports:
            return ".".join([self.imports[head], *rest]).replace(".()", "()")
        typed = self._typed(head, scope, depth)
        return ".".join([typed or head, *rest]).replace(".()", "()")

    def _typed(self, name: str, scope: Scope, depth: int) -> str | None:
        found = self.bound(name, scope)
        if found is None or not isinstance(found[0], ast.Call):
            return None
        call = found[0]
        inner = self.name_of(call.func, scope, depth + 1)
        if inner is None:
            return None
        if inner.endswith("client") and self._service(call, scope) is not None:
            return f"{inner}({self._service(call, scope)})"
        return inner + "()"

    def _service(self, call: ast.Call, scope: Scope) -> str | None:
        first = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "service_name"), None)
        value = self.value(first, scope) if first is not None else None
        return value if isinstance(value, str) and not value.startswith("${") else None

    def qualified(self, call: Call) -> str:
        """The call's dotted name (`()` after each call in the chain); '' when it has none."""
        func = call.node.func
        name = self.name_of(func, call.scope)
        if name is None:
            return ""
        # boto3.client("sagemaker").create_x(...) written inline
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
            owner = self.name_of(func.value.func, call.scope)
            service = self._service(func.value, call.scope)
            if owner and owner.endswith("client") and service:
                return f"{owner}({service}).{func.attr}"
        return name.replace(".()", "()")

    # -- values ---------------------------------------------------------------------------
    def ref(self, node: ast.expr) -> str:
        """A value not known here, as written (unparsed: a notebook's cells are parsed apart from its text)."""
        try:
            source = ast.unparse(node)
        except (ValueError, RecursionError):
            source = type(node).__name__
        return "${" + (source if len(source) <= 200 else source[:200] + "...") + "}"

    def value(self, node: ast.expr, scope: Scope, lines: Callable[[int], int] = _same) -> Any:
        """The value of an expression as written (see the module's docstring)."""
        if isinstance(node, ast.Constant) and not isinstance(node.value, bytes):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
            number = node.operand.value
            return -number if isinstance(number, int | float) and not isinstance(number, bool) else self.ref(node)
        if isinstance(node, ast.Dict):
            out = YamlMap(lines(node.lineno))
            for key, item in zip(node.keys, node.values, strict=True):
                if key is None:  # **other: its keys too, when it is known
                    spread = self.value(item, scope, lines)
                    if isinstance(spread, YamlMap):
                        out.update(spread)
                        out.key_lines.update(spread.key_lines)
                elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                    out[key.value] = self.value(item, scope, lines)
                    out.key_lines[key.value] = self.origin(item, scope, lines) or lines(key.lineno)
            return out
        if isinstance(node, ast.List | ast.Tuple):
            seq = YamlSeq(lines(node.lineno))
            for element in node.elts:
                seq.append(self.value(element, scope, lines))
                seq.item_lines.append(lines(element.lineno))
            return seq
        if isinstance(node, ast.JoinedStr):
            return joined(node, lambda part: self.value(part, scope, lines), self.ref)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            template = self.value(node.left, scope, lines)
            if isinstance(template, str) and "${" not in template:  # a hole's braces are no fields
                return percent(template, node, lambda part: self.value(part, scope, lines), self.ref)
        if isinstance(node, ast.Call):
            return self._call_value(node, scope, lines)
        if isinstance(node, ast.Name | ast.Attribute) and id(node) not in self._following:
            found = self._bound_expr(node, scope)
            if found is not None and isinstance(found[0], ast.expr) and found[0] is not node:
                self._following.add(id(node))
                try:
                    return self.value(found[0], self._arg_scope.get(id(found[0]), scope), found[1])
                finally:
                    self._following.discard(id(node))
        return self.ref(node)

    def _call_value(self, node: ast.Call, scope: Scope, lines: Callable[[int], int]) -> Any:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "format":
            template = self.value(func.value, scope, lines)
            if isinstance(template, str) and "${" not in template:  # a hole's braces are no fields
                return format_value(template, node, lambda part: self.value(part, scope, lines), self.ref)
        name = self.name_of(node.func, scope) or ""
        last = name.rsplit(".", 1)[-1]
        parameter, default = _parameter_default(name, node)
        if parameter:
            return self.value(default, scope, lines) if default is not None else self.ref(node)
        if last == "dict" or (last[:1].isupper() and not node.args and node.keywords):
            out: YamlMap = YamlMap(lines(node.lineno)) if last == "dict" else Settings(lines(node.lineno), last)
            for keyword in node.keywords:
                if keyword.arg is not None:
                    out[keyword.arg] = self.value(keyword.value, scope, lines)
                    out.key_lines[keyword.arg] = lines(keyword.value.lineno)
            return out
        return self.ref(node)

    def keywords(self, call: Call) -> YamlMap:
        """A call's keyword arguments as a mapping (their values resolved, lines kept)."""
        out = YamlMap(call.line)
        for keyword in call.node.keywords:
            if keyword.arg is None:  # **request: a dict known in the module gives its keys
                spread = self.value(keyword.value, call.scope, call.lines)
                if isinstance(spread, YamlMap):
                    out.update(spread)
                    out.key_lines.update(spread.key_lines)
            else:
                out[keyword.arg] = self.value(keyword.value, call.scope, call.lines)
                out.key_lines[keyword.arg] = self.origin(keyword.value, call.scope, call.lines) or call.lines(
                    keyword.value.lineno
                )
        return out

    def origin(self, node: ast.expr, scope: Scope, lines: Callable[[int], int], depth: int = 0) -> int | None:
        """Where a scalar passed through names is set: the line of the literal (or the string
        built with an f-string, format or %) a name (or a parameter's default, or a pipeline
        parameter's default_value) is bound to; None when the expression is not followed to
        a literal (it is judged where it is written)."""
        if depth > 8:
            return None
        if isinstance(node, ast.Name | ast.Attribute):
            found = self._bound_expr(node, scope)
            if found is None or not isinstance(found[0], ast.expr) or found[0] is node:
                return None
            inner = self.origin(found[0], self._arg_scope.get(id(found[0]), scope), found[1], depth + 1)
            target = found[0]
            if inner is None and (isinstance(target, ast.Constant | ast.UnaryOp) or _built_string(target)):
                return found[1](target.lineno)
            return inner
        if isinstance(node, ast.Call):
            parameter, default = _parameter_default(self.name_of(node.func, scope) or "", node)
            if parameter:
                if isinstance(default, ast.Constant):
                    return lines(default.lineno)
                return self.origin(default, scope, lines, depth + 1) if default is not None else None
        return None
