"""One pass over a module's AST gathering what the rules ask about, with names resolved
through the imports: `import mlflow as mf; mf.log_metric()` and `from mlflow import
log_metric; log_metric()` are both the call `mlflow.log_metric`. An import alone is never a
call, and a name no import binds stays unresolved, so a mere mention is not evidence.

Resolution is flow-insensitive and deliberately small: import aliases, `x = f(...)`
(x.method() is then `f().method`), `with f() as x`, and names bound once to a constant.
"""

from __future__ import annotations

import ast
import fnmatch
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

UNKNOWN: Any = type("Unknown", (), {"__repr__": lambda self: "UNKNOWN", "__bool__": lambda self: False})()
_AMBIGUOUS = object()
_SKIP_FIELDS = frozenset({"ctx", "op", "ops", "type_comment", "type_ignores"})
_FIELDS: dict[type, tuple[str, ...]] = {}


@dataclass(frozen=True)
class Unit:
    """One parsed piece of code: a module, or one notebook cell with its file-line map."""

    tree: ast.Module
    cell: int | None = None  # 1-based notebook cell number
    line_map: Callable[[int], int] | None = None

    def line(self, node: ast.AST) -> int:
        number = getattr(node, "lineno", 1)
        return self.line_map(number) if self.line_map else number


@dataclass(frozen=True)
class Site:
    """A call, decorator or base class, with its dotted name resolved where possible."""

    name: str  # e.g. "mlflow.log_metric", "sagemaker.tuner.HyperparameterTuner().fit"
    resolved: bool  # the first part came from an import
    line: int
    cell: int | None
    node: ast.AST
    owner: str | None = None  # for decorators and base classes: the function or class name
    index: CodeIndex | None = field(default=None, compare=False, repr=False)

    @property
    def gated(self) -> bool:
        """Inside an `if` that compares something (a metric threshold?)."""
        return self.index.is_gated(self.node, self.cell) if self.index else False

    @property
    def last(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    @property
    def where(self) -> str:
        """' (cell 3)' inside a notebook, else ''."""
        return f" (cell {self.cell})" if self.cell else ""

    def kw(self, name: str) -> ast.expr | None:
        if isinstance(self.node, ast.Call):
            for keyword in self.node.keywords:
                if keyword.arg == name:
                    return keyword.value
        return None

    def has_kw(self, *names: str) -> bool:
        return any(self.kw(n) is not None for n in names)

    def arg(self, position: int) -> ast.expr | None:
        if isinstance(self.node, ast.Call) and len(self.node.args) > position:
            return self.node.args[position]
        return None

    def value(self, key: str | int, default: Any = None) -> Any:
        """A keyword (by name) or positional (by index) argument as a constant, a dotted
        name for references, UNKNOWN when it cannot be known, `default` when absent."""
        expr = self.arg(key) if isinstance(key, int) else self.kw(key)
        if expr is None:
            return default
        return self.index.value_of(expr) if self.index else UNKNOWN

    @property
    def nargs(self) -> int:
        return len(self.node.args) + len(self.node.keywords) if isinstance(self.node, ast.Call) else 0


@lru_cache(maxsize=1024)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], frozenset[str] | None]:
    """One regex for a set of fnmatch patterns, and the import roots they can match (None
    when some pattern starts with a wildcard and so may match under any root)."""
    regex = re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns))
    roots = {p.split(".", 1)[0] for p in patterns}
    if any("*" in r or "?" in r or "[" in r or "(" in r for r in roots):
        return regex, None
    return regex, frozenset(roots)


_INTERESTING = frozenset(
    {
        ast.Call,
        ast.Import,
        ast.ImportFrom,
        ast.Assign,
        ast.AnnAssign,
        ast.withitem,
        ast.If,
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.ClassDef,
    }
)


def _fields(node_type: type) -> tuple[str, ...]:
    found = _FIELDS.get(node_type)
    if found is None:
        found = _FIELDS[node_type] = tuple(f for f in getattr(node_type, "_fields", ()) if f not in _SKIP_FIELDS)
    return found


# leaves and nodes whose other fields hold only names: never worth descending into
_FIELDS.update(
    {
        ast.Name: (),
        ast.Constant: (),
        ast.alias: (),
        ast.Attribute: ("value",),
        ast.keyword: ("value",),
        ast.Load: (),
        ast.Store: (),
        ast.Del: (),
        ast.Pass: (),
        ast.Break: (),
        ast.Continue: (),
    }
)


def _has_compare(test: ast.expr) -> bool:
    if isinstance(test, ast.Compare):
        return True
    if isinstance(test, ast.BoolOp):
        return any(_has_compare(v) for v in test.values)
    return isinstance(test, ast.UnaryOp) and _has_compare(test.operand)


class CodeIndex:
    def __init__(self, units: Iterable[Unit]) -> None:
        self.aliases: dict[str, str] = {}
        self.stars: list[str] = []
        self.types: dict[str, str] = {}
        self.consts: dict[str, Any] = {}
        self.functions: list[tuple[str, int, int | None]] = []  # (name, line, cell)
        self.calls: list[Site] = []
        self.decorators: list[Site] = []
        self.bases: list[Site] = []
        self.attribute_sets: list[tuple[str, ast.expr, int, int | None]] = []
        self._gates: list[tuple[int | None, int, int]] = []
        self._by_root: dict[str, dict[str, list[Site]]] = {}
        raw_calls: list[tuple[ast.Call, Unit]] = []
        raw_refs: list[tuple[str, ast.expr, Unit, str]] = []
        binds: list[tuple[ast.expr, ast.expr]] = []
        for unit in units:
            self._collect(unit, raw_calls, raw_refs, binds)
        for target, value, unit in binds:
            self._bind(target, value, unit)
        for node, unit in raw_calls:
            self._add_site(self.calls, node.func, node, unit)
        for kind, expr, unit, owner in raw_refs:
            self._add_site(self.decorators if kind == "decorator" else self.bases, expr, expr, unit, owner)

    # -- collection ---------------------------------------------------------------
    def _collect(self, unit: Unit, calls: list[Any], refs: list[Any], binds: list[Any]) -> None:
        stack: list[Any] = [unit.tree]
        pop, push, extend = stack.pop, stack.append, stack.extend
        interesting = _INTERESTING
        while stack:
            node = pop()
            kind = type(node)
            if kind in interesting:
                self._visit(kind, node, unit, calls, refs, binds)
            fields = _FIELDS.get(kind)
            if fields is None:
                fields = _fields(kind)
            for name in fields:
                child = getattr(node, name, None)
                if type(child) is list:
                    extend(child)
                elif isinstance(child, ast.AST):
                    push(child)

    def _visit(self, kind: type, node: Any, unit: Unit, calls: list[Any], refs: list[Any], binds: list[Any]) -> None:
        if kind is ast.Call:
            calls.append((node, unit))
        elif kind is ast.Import:
            for alias in node.names:
                if alias.asname:
                    self.aliases[alias.asname] = alias.name
                else:
                    top = alias.name.split(".", 1)[0]
                    self.aliases[top] = top
        elif kind is ast.ImportFrom:
            if not node.level and node.module:
                for alias in node.names:
                    if alias.name == "*":
                        self.stars.append(node.module)
                    else:
                        self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif kind is ast.Assign or kind is ast.AnnAssign:
            if node.value is not None:
                for target in getattr(node, "targets", None) or [node.target]:
                    binds.append((target, node.value, unit))
        elif kind is ast.withitem:
            if node.optional_vars is not None:
                binds.append((node.optional_vars, node.context_expr, unit))
        elif kind is ast.If:
            if _has_compare(node.test) and node.body:
                last = node.body[-1]
                self._gates.append((unit.cell, node.body[0].lineno, getattr(last, "end_lineno", None) or last.lineno))
        else:  # function and class definitions
            for decorator in node.decorator_list:
                refs.append(
                    ("decorator", decorator.func if isinstance(decorator, ast.Call) else decorator, unit, node.name)
                )
            if kind is ast.ClassDef:
                refs.extend(("base", base, unit, node.name) for base in node.bases)
            else:
                self.functions.append((node.name, unit.line(node), unit.cell))

    def is_gated(self, node: ast.AST, cell: int | None) -> bool:
        """Inside the body of an `if` that compares values (a metric threshold?)."""
        line = getattr(node, "lineno", 0)
        return any(c == cell and start <= line <= end for c, start, end in self._gates)

    def _bind(self, target: ast.expr, value: ast.expr, unit: Unit) -> None:
        local = _local_name(target)
        if local is None:
            if isinstance(target, ast.Attribute):
                qualified, resolved = self.qualify(target)
                if resolved and qualified:
                    self.attribute_sets.append((qualified, value, unit.line(target), unit.cell))
            return
        if isinstance(value, ast.Call):
            qualified, resolved = self.qualify(value.func)
            if qualified and resolved:
                self.types[local] = qualified + "()"
        elif isinstance(value, ast.Constant) and "." not in local:
            previous = self.consts.get(local, value.value)
            self.consts[local] = value.value if previous == value.value else _AMBIGUOUS
        elif isinstance(value, ast.Name | ast.Attribute):
            qualified, resolved = self.qualify(value)
            if qualified and resolved and "." not in local:
                self.aliases.setdefault(local, qualified)

    def _add_site(self, out: list[Site], expr: ast.expr, node: ast.AST, unit: Unit, owner: str | None = None) -> None:
        qualified, resolved = self.qualify(expr)
        if qualified:
            out.append(Site(qualified, resolved, unit.line(node), unit.cell, node, owner, self))

    # -- resolution -----------------------------------------------------------------
    def qualify(self, expr: ast.expr) -> tuple[str | None, bool]:
        """Dotted name of an expression and whether its root came from an import."""
        parts: list[str] = []
        node: ast.expr = expr
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
            else:
                break
        if not isinstance(node, ast.Name):
            return None, False
        parts.reverse()
        # a typed local such as `self.tuner` or `run`: the longest dotted prefix that is known
        for cut in range(len(parts), -1, -1):
            local = ".".join([node.id, *[p for p in parts[:cut] if p not in ("()", "[]")]])
            if cut and any(p in ("()", "[]") for p in parts[:cut]):
                continue
            if local in self.types:
                return _join(self.types[local], parts[cut:]), True
        root = self.aliases.get(node.id)
        if root is not None:
            return _join(root, parts), True
        if self.stars and node.id[:1].isupper():
            return _join(f"{self.stars[0]}.{node.id}", parts), True
        return _join(node.id, parts), False

    def value_of(self, expr: ast.expr) -> Any:
        if isinstance(expr, ast.Constant):
            return expr.value
        if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub) and isinstance(expr.operand, ast.Constant):
            operand = expr.operand.value
            return -operand if isinstance(operand, int | float) else UNKNOWN
        if isinstance(expr, ast.Name) and expr.id in self.consts:
            found = self.consts[expr.id]
            return UNKNOWN if found is _AMBIGUOUS else found
        if isinstance(expr, ast.List | ast.Tuple):
            return [self.value_of(e) for e in expr.elts]
        if isinstance(expr, ast.Dict):
            return {
                self.value_of(k): self.value_of(v) for k, v in zip(expr.keys, expr.values, strict=True) if k is not None
            }
        if isinstance(expr, ast.Name | ast.Attribute):
            qualified, resolved = self.qualify(expr)
            return qualified if resolved and qualified else UNKNOWN
        if isinstance(expr, ast.Call):
            qualified, resolved = self.qualify(expr.func)
            return f"{qualified}()" if resolved and qualified else UNKNOWN
        return UNKNOWN

    # -- queries ------------------------------------------------------------------------
    def find(self, *patterns: str, sites: str = "calls", resolved: bool = True) -> Iterator[Site]:
        """Sites whose dotted name matches any fnmatch pattern, in file order."""
        regex, roots = _compiled(patterns)
        by_root = self._by_root.get(sites)
        if by_root is None:
            by_root = self._by_root[sites] = {}
            for site in sorted(getattr(self, sites), key=lambda s: s.line):
                if site.resolved:
                    by_root.setdefault(site.name.split(".", 1)[0], []).append(site)
                    by_root.setdefault("*", []).append(site)
                by_root.setdefault("**", []).append(site)
        if not resolved:
            pool = by_root.get("**", [])
        elif roots is None:
            pool = by_root.get("*", [])
        else:
            pool = (
                sorted((s for r in roots for s in by_root.get(r, ())), key=lambda s: s.line)
                if len(roots) > 1
                else by_root.get(next(iter(roots)), [])
            )
        match = regex.match
        for site in pool:
            if match(site.name):
                yield site

    def first(self, *patterns: str, sites: str = "calls") -> Site | None:
        return next(self.find(*patterns, sites=sites), None)

    def uses(self, root: str) -> bool:
        """Some resolved call, decorator or base class under the module `root`."""
        prefix = root + "."
        return any(s.resolved and s.name.startswith(prefix) for s in (*self.calls, *self.decorators, *self.bases))


def _join(root: str, parts: list[str]) -> str:
    out = root
    for part in parts:
        out += part if part in ("()", "[]") else "." + part
    return out


def _local_name(target: ast.expr) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id in ("self", "cls"):
        return f"{target.value.id}.{target.attr}"
    return None
