"""One pass over a module's AST gathering what the rules ask about, with names resolved
through the imports: `import mlflow as mf; mf.log_metric()` and `from mlflow import
log_metric; log_metric()` are both the call `mlflow.log_metric`. An import alone is never a
call, and a name no import binds stays unresolved, so a mere mention is not evidence.

Resolution is flow-insensitive and deliberately small: import aliases, `x = f(...)`
(x.method() is then `f().method`), `with f() as x`, and names bound once to a constant.

Built for speed, since every Python file and notebook of a project goes through it: a call
whose first name no import (or typed local) binds is only resolved when a query needs it
(most calls in most files: `len`, `print`, local helpers); resolved sites are indexed by
their import root, so a query for `mlflow.*` in a file that never imports mlflow costs a
set lookup; and keyword names and final attribute names are indexed for the few signals
that look at every call.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

from mllens.scan.code.collect import AMBIGUOUS, bound_names, collect
from mllens.scan.code.patterns import COMPILED, pattern_set

UNKNOWN: Any = type("Unknown", (), {"__repr__": lambda self: "UNKNOWN", "__bool__": lambda self: False})()
_AMBIGUOUS = object()
_EMPTY: tuple[Site, ...] = ()
_WRAPPERS = ("()", "[]")


@dataclass(frozen=True)
class Unit:
    """One parsed piece of code: a module, or one notebook cell with its file-line map."""

    tree: ast.Module
    cell: int | None = None  # 1-based notebook cell number
    line_map: Callable[[int], int] | None = None

    def line(self, node: ast.AST) -> int:
        number = getattr(node, "lineno", 1)
        return self.line_map(number) if self.line_map else number


class Site:
    """A call, decorator or base class, with its dotted name resolved where possible.
    Read-only by convention (a plain slotted class: millions are made in a big scan)."""

    __slots__ = ("cell", "index", "line", "name", "node", "owner", "resolved", "seq")

    def __init__(
        self,
        name: str,
        resolved: bool,
        line: int,
        cell: int | None,
        node: ast.AST,
        owner: str | None = None,
        index: CodeIndex | None = None,
        seq: int = 0,
    ) -> None:
        self.name = name  # e.g. "mlflow.log_metric", "sagemaker.tuner.HyperparameterTuner().fit"
        self.resolved = resolved  # the first part came from an import
        self.line = line
        self.cell = cell
        self.node = node
        self.owner = owner  # for decorators and base classes: the function or class name
        self.index = index
        self.seq = seq  # position in the order the index met it (ties on one line keep it)

    def __repr__(self) -> str:
        return f"Site({self.name!r}, resolved={self.resolved}, line={self.line}, cell={self.cell})"

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


def _order(site: Site) -> tuple[int, int]:
    return site.line, site.seq


def _head(expr: ast.expr) -> str | None:
    """The name a dotted expression starts from (`a` in `a.b().c[0].d`), None if none."""
    node: Any = expr
    while True:
        kind = type(node)
        if kind is ast.Attribute or kind is ast.Subscript:
            node = node.value
        elif kind is ast.Call:
            node = node.func
        else:
            return node.id if kind is ast.Name else None


class CodeIndex:
    def __init__(self, units: Iterable[Unit]) -> None:
        found = collect(units)
        self.aliases: dict[str, str] = found.aliases
        self.stars: list[str] = found.stars
        self.types: dict[str, str] = {}
        self.consts: dict[str, Any] = {}
        self.functions: list[tuple[str, int, int | None]] = found.functions  # (name, line, cell)
        self.decorators: list[Site] = []
        self.bases: list[Site] = []
        self.attribute_sets: list[tuple[str, ast.expr, int, int | None]] = []
        self._gates: list[tuple[int | None, int, int, ast.expr]] = found.gates  # (cell, first, last line, test)
        self._literal_names: set[str] = set()  # plain names bound to a literal somewhere
        self._variables: set[str] = found.variables  # plain names bound to anything else somewhere
        self._type_heads: set[str] = set()  # first part of every key of `types`
        # Resolution is per file, not per scope: a name some function takes as a parameter
        # may hold anything there, so an assignment elsewhere does not give it a type.
        self._params = found.params
        self._defaults = found.defaults
        # in source order, so a name bound from an earlier typed local resolves (`b = store.make()`)
        for target, value, unit in sorted(found.binds, key=_bind_order):
            self._bind(target, value, unit)
        self._raw_calls = found.calls
        self._sites: list[Site | None] = [None] * len(self._raw_calls)  # made when first asked for
        self._all_calls: list[Site] | None = None
        self.resolved_calls: list[Site] = []  # in the order met
        self._by_last: dict[str, list[int]] = {}
        self._by_kw: dict[str, list[int]] = {}
        self._index_calls()
        for kind, expr, unit, owner in found.refs:
            qualified, resolved = self.qualify(expr)
            if qualified:
                out = self.decorators if kind == "decorator" else self.bases
                out.append(Site(qualified, resolved, unit.line(expr), unit.cell, expr, owner, self, len(out)))
        self._pools: dict[str, tuple[list[Site], dict[str, list[Site]], frozenset[str]]] = {}

    def release(self) -> None:
        """Drop the sites, which point back at this index: once its file is done, without
        that cycle the index and its syntax tree are freed at once, not by the cyclic
        collector (which a big scan would otherwise keep busy)."""
        for name in ("_sites", "_all_calls", "resolved_calls", "decorators", "bases", "_pools", "_raw_calls"):
            self.__dict__.pop(name, None)

    # -- building -----------------------------------------------------------------------
    def _bindable(self, head: str | None) -> bool:
        """Whether `qualify` could resolve an expression starting at the name `head`."""
        if head is None:
            return False
        return head in self.aliases or head in self._type_heads or bool(self.stars and head[:1].isupper())

    def _bind(self, target: ast.expr, value: ast.expr, unit: Unit) -> None:
        if type(target) is ast.Name:
            (self._literal_names if literal(value) else self._variables).add(target.id)
        elif isinstance(target, ast.Tuple | ast.List):
            self._variables.update(bound_names(target))
        local = _local_name(target)
        if local is None:
            if isinstance(target, ast.Attribute) and self._bindable(_head(target)):
                qualified, resolved = self.qualify(target)
                if resolved and qualified:
                    self.attribute_sets.append((qualified, value, unit.line(target), unit.cell))
            return
        if isinstance(value, ast.Call):
            if local not in self._params and self._bindable(_head(value.func)):
                qualified, resolved = self.qualify(value.func)
                if qualified and resolved:
                    self.types[local] = qualified + "()"
                    self._type_heads.add(local.split(".", 1)[0])
        elif isinstance(value, ast.Constant | ast.Dict | ast.List | ast.Tuple) and "." not in local and literal(value):
            # a constant, or a dict, list or tuple written out in full (`KMS_ARGS = {...}`)
            known = value.value if isinstance(value, ast.Constant) else self.value_of(value)
            previous = self.consts.get(local, known)
            self.consts[local] = known if previous == known else _AMBIGUOUS
        elif isinstance(value, ast.Name | ast.Attribute) and self._bindable(_head(value)):
            qualified, resolved = self.qualify(value)
            if qualified and resolved and "." not in local:
                self.aliases.setdefault(local, qualified)

    def _index_calls(self) -> None:
        """Resolve the calls an import may bind; note every call's final name and keywords."""
        by_last, by_kw = self._by_last, self._by_kw
        for position, (node, _unit) in enumerate(self._raw_calls):
            func = node.func
            head = _head(func)
            if head is None:
                continue  # `(a or b)()`, `f()()`...: no dotted name, never a site
            if self._bindable(head):
                site = self._site_at(position)
                last: str | None = site.last if site is not None else None
                if site is not None and site.resolved:
                    self.resolved_calls.append(site)
            else:  # unresolved: its name ends as the source wrote it
                kind = type(func)
                last = func.attr if kind is ast.Attribute else func.id if kind is ast.Name else None  # type: ignore[attr-defined]
            if last is not None and last[-1:] not in (")", "]"):
                by_last.setdefault(last, []).append(position)
            for keyword in node.keywords:
                if keyword.arg is not None:
                    positions = by_kw.setdefault(keyword.arg, [])
                    if not positions or positions[-1] != position:
                        positions.append(position)

    def _site_at(self, position: int) -> Site | None:
        site = self._sites[position]
        if site is None:
            node, unit = self._raw_calls[position]
            qualified, resolved = self.qualify(node.func)
            if not qualified:
                return None
            site = self._sites[position] = Site(
                qualified, resolved, unit.line(node), unit.cell, node, None, self, position
            )
        return site

    def _sites_at(self, index: dict[str, list[int]], keys: tuple[str, ...]) -> Sequence[Site]:
        groups = [index[k] for k in keys if k in index]
        if not groups:
            return _EMPTY
        positions = groups[0] if len(groups) == 1 else sorted(set(chain.from_iterable(groups)))
        return [s for s in map(self._site_at, positions) if s is not None]

    # -- resolution -----------------------------------------------------------------
    def qualify(self, expr: ast.expr) -> tuple[str | None, bool]:
        """Dotted name of an expression and whether its root came from an import."""
        parts: list[str] = []
        node: Any = expr
        while True:
            kind = type(node)
            if kind is ast.Attribute:
                parts.append(node.attr)
                node = node.value
            elif kind is ast.Call:
                parts.append("()")
                node = node.func
            elif kind is ast.Subscript:
                parts.append("[]")
                node = node.value
            else:
                break
        if kind is not ast.Name:
            return None, False
        parts.reverse()
        head = node.id
        # a typed local such as `self.tuner` or `run`: the longest dotted prefix that is known
        # (typed locals are a plain name or `self.x` / `cls.x`, so at most two parts long)
        if head in self._type_heads:
            if parts and parts[0] not in _WRAPPERS:
                typed = self.types.get(f"{head}.{parts[0]}")
                if typed is not None:
                    return _join(typed, parts[1:]), True
            typed = self.types.get(head)
            if typed is not None:
                return _join(typed, parts), True
        root = self.aliases.get(head)
        if root is not None:
            return _join(root, parts), True
        if self.stars and head[:1].isupper():
            return _join(f"{self.stars[0]}.{head}", parts), True
        return _join(head, parts), False

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

    def default_of(self, expr: ast.expr | None) -> Any:
        """The constant a parameter named by `expr` defaults to, where every function of the
        code taking that name gives it that default and nothing else binds it; else UNKNOWN."""
        if not isinstance(expr, ast.Name) or expr.id in self._variables or expr.id in self.consts:
            return UNKNOWN
        found = self._defaults.get(expr.id, AMBIGUOUS)
        return UNKNOWN if found is AMBIGUOUS else found

    def is_gated(self, node: ast.AST, cell: int | None) -> bool:
        """Inside the body of an `if` that compares values (a metric threshold?)."""
        line = getattr(node, "lineno", 0)
        return any(c == cell and start <= line <= end for c, start, end, _ in self._gates)

    def gate_tests(self, site: Site) -> list[ast.expr]:
        """The tests of the comparing `if`s whose body holds this site, outermost first."""
        line = getattr(site.node, "lineno", 0)
        return [test for c, start, end, test in self._gates if c == site.cell and start <= line <= end]

    def comparisons(self) -> list[ast.expr]:
        """The tests of the `if`s that compare values (each once), in the order met."""
        seen: dict[int, ast.expr] = {}
        for _cell, _first, _last, test in self._gates:
            seen.setdefault(id(test), test)
        return list(seen.values())

    def constant_only(self, name: str) -> bool:
        """The plain name is bound in this code, and only ever to literals (flow-insensitive:
        any other binding anywhere, an import of it included, makes it a variable)."""
        return name in self._literal_names and name not in self._variables and name not in self.aliases

    # -- queries ------------------------------------------------------------------------
    @property
    def calls(self) -> list[Site]:
        """Every call with a dotted name, resolved or not, in the order the index met them."""
        if self._all_calls is None:
            self._all_calls = [s for s in map(self._site_at, range(len(self._raw_calls))) if s is not None]
        return self._all_calls

    def calls_with_kw(self, *names: str) -> Sequence[Site]:
        """Calls passing any of these keyword arguments, in the order of `calls`."""
        return self._sites_at(self._by_kw, names)

    def calls_ending(self, *lasts: str) -> Sequence[Site]:
        """Calls whose dotted name ends with one of these plain names, in the order of `calls`."""
        return self._sites_at(self._by_last, lasts)

    def _pool(self, sites: str) -> tuple[list[Site], dict[str, list[Site]], frozenset[str]]:
        """Resolved sites of one kind in file order, the same by import root, and the roots."""
        resolved = self.resolved_calls if sites == "calls" else [s for s in getattr(self, sites) if s.resolved]
        ordered = sorted(resolved, key=_order)
        by_root: dict[str, list[Site]] = {}
        for site in ordered:
            by_root.setdefault(site.name.split(".", 1)[0], []).append(site)
        found = self._pools[sites] = (ordered, by_root, frozenset(by_root))
        return found

    def select(self, patterns: tuple[str, ...], sites: str = "calls") -> Sequence[Site]:
        """Resolved sites whose dotted name matches any of the fnmatch `patterns`, in file
        order (`find` and `first` without the iterator; the common answer is empty)."""
        matcher = COMPILED.get(patterns) or pattern_set(patterns)
        ordered, by_root, roots_here = self._pools.get(sites) or self._pool(sites)
        if not ordered:
            return _EMPTY
        wanted = matcher.roots
        if wanted is None:
            pool = ordered
        elif wanted.isdisjoint(roots_here):
            return _EMPTY
        else:
            roots = [r for r in by_root if r in wanted]
            pool = by_root[roots[0]] if len(roots) == 1 else sorted(chain(*(by_root[r] for r in roots)), key=_order)
        match = matcher.matches
        return [s for s in pool if match(s.name)]

    def find(self, *patterns: str, sites: str = "calls", resolved: bool = True) -> Iterator[Site]:
        """Sites whose dotted name matches any fnmatch pattern, in file order."""
        if resolved:
            return iter(self.select(patterns, sites))
        match = pattern_set(patterns).matches
        return iter([s for s in sorted(getattr(self, sites), key=_order) if match(s.name)])

    def first(self, *patterns: str, sites: str = "calls") -> Site | None:
        found = self.select(patterns, sites)
        return found[0] if found else None

    def assignments(self, name: str) -> list[tuple[str, ast.expr, int, int | None]]:
        """Assignments to the attribute with this resolved dotted name (`torch.x.y = ...`)."""
        return [a for a in self.attribute_sets if a[0] == name]

    def has_words(self, *words: str) -> bool:
        """Whether the code may hold all these identifier-like words (in names, strings or
        comments): a signal asks before searching the text for a string; an index without
        the words (mllens.scan.code.lazy) rules it out, this one cannot."""
        return True

    def uses(self, root: str) -> bool:
        """Some resolved call, decorator or base class under the module `root`."""
        prefix = root + "."
        return any(
            s.resolved and s.name.startswith(prefix) for s in (*self.resolved_calls, *self.decorators, *self.bases)
        )


def literal(expr: ast.expr | None) -> bool:
    """A value written out in full: a constant, a signed one, or a tuple, list, set or dict
    of them."""
    kind = type(expr)
    if kind is ast.Constant:
        return True
    if kind is ast.UnaryOp:
        return isinstance(expr.op, ast.USub | ast.UAdd) and literal(expr.operand)  # type: ignore[union-attr]
    if kind is ast.Tuple or kind is ast.List or kind is ast.Set:
        return all(literal(e) for e in expr.elts)  # type: ignore[union-attr]
    if kind is ast.Dict:
        return all(literal(v) for v in expr.values)  # type: ignore[union-attr]
    return False


def _join(root: str, parts: list[str]) -> str:
    out = root
    for part in parts:
        out += part if part in _WRAPPERS else "." + part
    return out


def _local_name(target: ast.expr) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id in ("self", "cls"):
        return f"{target.value.id}.{target.attr}"
    return None


def _bind_order(bind: tuple[ast.expr, ast.expr, Unit]) -> tuple[int, int, int]:
    target, _value, unit = bind
    return unit.cell or 0, getattr(target, "lineno", 0), getattr(target, "col_offset", 0)
