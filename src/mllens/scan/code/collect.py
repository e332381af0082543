"""The single pass over a syntax tree that a CodeIndex is built from.

One explicit-stack walk per unit (no recursion, no generic `ast.walk`, no visitor method
lookups per node): calls are gathered raw, imports, constants, gates and definitions are
noted as they go by. The order nodes are met in is part of the index's behaviour (a later
import of the same name wins, `calls` keeps this order), so it must stay as it is: children
pushed in field order, the last pushed popped first.

`collect(units)` hands back what it found as one record, `Collected`; the index is built
from that record and the collector never touches the index.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

AMBIGUOUS: Any = object()  # a name given different values

if TYPE_CHECKING:
    from mllens.scan.code.analysis import Unit

# Fields that never lead to a call, an import or a definition: expression contexts and
# operators, type comments, and fields holding names or numbers rather than nodes.
_NOT_CHILDREN = frozenset(
    {
        "ctx", "op", "ops", "type_comment", "type_ignores",
        "name", "id", "attr", "arg", "asname", "module", "level", "names", "kwd_attrs", "rest",
        "conversion", "is_async", "simple", "kind", "tag", "lineno", "n", "s",
    }
)  # fmt: skip

CHILDREN: dict[type, tuple[str, ...]] = {
    cls: tuple(f for f in cls._fields if f not in _NOT_CHILDREN)
    for cls in vars(ast).values()
    if isinstance(cls, type) and issubclass(cls, ast.AST)
}
CHILDREN[ast.Constant] = ()  # its `value` is data, not a node


def has_compare(test: ast.expr) -> bool:
    if isinstance(test, ast.Compare):
        return True
    if isinstance(test, ast.BoolOp):
        return any(has_compare(v) for v in test.values)
    return isinstance(test, ast.UnaryOp) and has_compare(test.operand)


def bound_names(target: ast.expr) -> Iterator[str]:
    """The plain names an assignment target binds (`x`, or each name in `a, (b, *c)`)."""
    if type(target) is ast.Name:
        yield target.id
    elif isinstance(target, ast.Tuple | ast.List | ast.Starred):
        for node in ast.walk(target):
            if type(node) is ast.Name:
                yield node.id


@dataclass
class Collected:
    """What one walk over the units of a CodeIndex found, in the order it met it."""

    aliases: dict[str, str] = field(default_factory=dict)  # local name -> imported dotted name
    stars: list[str] = field(default_factory=list)  # modules of `from m import *`
    functions: list[tuple[str, int, int | None]] = field(default_factory=list)  # (name, line, cell)
    gates: list[tuple[int | None, int, int, ast.expr]] = field(default_factory=list)  # (cell, first, last, test)
    calls: list[tuple[ast.Call, Unit]] = field(default_factory=list)
    refs: list[tuple[str, ast.expr, Unit, str]] = field(default_factory=list)  # decorators and base classes
    binds: list[tuple[ast.expr, ast.expr, Unit]] = field(default_factory=list)  # (target, value, unit)
    variables: set[str] = field(default_factory=set)  # names rebound to a value not written out
    params: set[str] = field(default_factory=set)  # names some function takes as a parameter
    # a parameter's default where every function taking that name gives it the same constant
    defaults: dict[str, Any] = field(default_factory=dict)


def collect(units: Iterable[Unit]) -> Collected:
    """One walk over every unit, in order."""
    collector = Collector()
    for unit in units:
        collector.walk(unit)
    return collector.found


class Collector:
    """Gathers, over the units of one CodeIndex, what the index is then built from."""

    def __init__(self) -> None:
        self.found = Collected()

    def walk(self, unit: Unit) -> None:
        stack: list[Any] = [unit.tree]
        pop, push, extend = stack.pop, stack.append, stack.extend
        children = CHILDREN.get
        visit = _VISIT.get
        calls = self.found.calls.append
        call_type = ast.Call
        name_type, constant_type, attribute_type, keyword_type = ast.Name, ast.Constant, ast.Attribute, ast.keyword
        while stack:
            node = pop()
            kind = type(node)
            # the commonest nodes first, their children pushed as the generic code below would
            if kind is name_type or kind is constant_type:
                continue
            if kind is attribute_type or kind is keyword_type:
                push(node.value)
                continue
            if kind is call_type:
                calls((node, unit))
                push(node.func)
                extend(node.args)
                extend(node.keywords)
                continue
            handler = visit(kind)
            if handler is not None:
                handler(self, node, unit)
            for name in children(kind, ()):
                child = getattr(node, name, None)
                if child is not None:
                    if type(child) is list:
                        extend(child)
                    else:
                        push(child)

    def _import(self, node: ast.Import, unit: Unit) -> None:
        aliases = self.found.aliases
        for alias in node.names:
            if alias.asname:
                aliases[alias.asname] = alias.name
            else:
                top = alias.name.split(".", 1)[0]
                aliases[top] = top

    def _import_from(self, node: ast.ImportFrom, unit: Unit) -> None:
        if not node.level and node.module:
            for alias in node.names:
                if alias.name == "*":
                    self.found.stars.append(node.module)
                else:
                    self.found.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def _assign(self, node: ast.Assign | ast.AnnAssign, unit: Unit) -> None:
        if node.value is not None:
            for target in getattr(node, "targets", None) or [node.target]:  # type: ignore[union-attr]
                self.found.binds.append((target, node.value, unit))

    def _with(self, node: ast.withitem, unit: Unit) -> None:
        if node.optional_vars is not None:
            self.found.binds.append((node.optional_vars, node.context_expr, unit))

    def _if(self, node: ast.If, unit: Unit) -> None:
        if has_compare(node.test) and node.body:
            last = node.body[-1]
            end = getattr(last, "end_lineno", None) or last.lineno
            self.found.gates.append((unit.cell, node.body[0].lineno, end, node.test))
            if node.orelse:  # `else:` runs on the other side of the same comparison: gated by it too
                other = node.orelse[-1]
                other_end = getattr(other, "end_lineno", None) or other.lineno
                self.found.gates.append((unit.cell, node.orelse[0].lineno, other_end, node.test))

    def _rebind(self, node: ast.For | ast.AsyncFor | ast.AugAssign | ast.NamedExpr, unit: Unit) -> None:
        """A name bound to a value that is not written out: a loop variable, `x += 1`, `(x := f())`."""
        self.found.variables.update(bound_names(node.target))

    def _definition(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, unit: Unit) -> None:
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            self.found.refs.append(("decorator", target, unit, node.name))
        if isinstance(node, ast.ClassDef):
            self.found.refs.extend(("base", base, unit, node.name) for base in node.bases)
        else:
            self.found.functions.append((node.name, unit.line(node), unit.cell))
            args = node.args
            for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
                if arg is not None:
                    self.found.params.add(arg.arg)
            # (a parameter with no default, or a default not written out, may hold anything)
            positional = (*args.posonlyargs, *args.args)
            defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
            for arg, default in zip((*positional, *args.kwonlyargs), (*defaults, *args.defaults, *args.kw_defaults),
                                    strict=True):
                value = default.value if isinstance(default, ast.Constant) else AMBIGUOUS
                if self.found.defaults.setdefault(arg.arg, value) != value:
                    self.found.defaults[arg.arg] = AMBIGUOUS


# Per node type, what the walk notes (plain functions on the class, not bound methods kept
# in the instance: that would be a reference cycle, left for the cyclic collector)
_VISIT: dict[type, Callable[[Collector, Any, Unit], None]] = {
    ast.Import: Collector._import,
    ast.ImportFrom: Collector._import_from,
    ast.Assign: Collector._assign,
    ast.AnnAssign: Collector._assign,
    ast.withitem: Collector._with,
    ast.If: Collector._if,
    ast.For: Collector._rebind,
    ast.AsyncFor: Collector._rebind,
    ast.AugAssign: Collector._rebind,
    ast.NamedExpr: Collector._rebind,
    ast.FunctionDef: Collector._definition,
    ast.AsyncFunctionDef: Collector._definition,
    ast.ClassDef: Collector._definition,
}
