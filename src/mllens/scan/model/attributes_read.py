"""Applying the attribute table: what the adapters call to read a kind's attributes.

`read(reader, Kind)` returns the kind's attributes that the resource's type writes, as
keyword arguments: the typed fields `attributes.TABLE` maps, and under `extra` the
attributes judgements declare in their own metadata (`reads:` of a rule in the family YAML,
read with `Resource.attr(name)`). A reader is the syntax's own (Terraform `terraform_read.
Reader`, CloudFormation `_Reader`), so a value is located, named and resolved exactly as the
adapter's hand-written `r.at(...)` did.

The table is compiled once per process and looked up per (kind, type), so the adapters' hot
path costs a dictionary lookup per resource beyond the reads themselves.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Sequence
from fnmatch import fnmatchcase
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from mllens.errors import InputError
from mllens.scan.detectors._iac import Node
from mllens.scan.model import kinds, kinds_platform
from mllens.scan.model.attributes import TABLE, Spec, SpecLike
from mllens.scan.model.values import Switch, Value

if TYPE_CHECKING:
    from mllens.scan.registry import Family

Field = tuple[str, Spec]
R = TypeVar("R", bound=kinds.Resource)
_PATH = re.compile(r"^[A-Za-z_][\w-]*(\[\])?(\.[A-Za-z_][\w-]*(\[\])?)*$")
_KEY = re.compile(r"^([A-Z][A-Za-z]*)\.([a-z][a-z0-9_]*)$")


class AttrReader(Protocol):
    """What an adapter's reader offers: its resource's type and root node, and located values."""

    @property
    def rtype(self) -> str: ...

    @property
    def root(self) -> Node: ...

    def at(self, path: str, *, node: Node | None = None, name: str | None = None) -> Value: ...

    def block_value(self, node: Node, key: str) -> Value: ...


def _kinds() -> dict[str, type]:
    """Every dataclass of the model by name: resource kinds and their sub-objects."""
    found: dict[str, type] = {}
    for module in (kinds, kinds_platform):
        for name, obj in vars(module).items():
            if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == module.__name__:
                found[name] = obj
    return found


def _spec(like: SpecLike) -> Spec:
    if isinstance(like, Spec):
        spec = like
    elif isinstance(like, str):
        spec = Spec((like,), many="[]" in like)
    else:
        spec = Spec(tuple(like), many=True)
    for path in spec.paths:
        if not _PATH.match(path) or (spec.mode != "at" and "[]" in path):
            raise ValueError(f"expected a dotted path (items as `name[].key`), got {path!r}")
    return spec


@cache
def _core() -> dict[str, dict[str, tuple[Field, ...]]]:
    """TABLE as kind -> type (or glob) -> (field, spec), checked against the kinds."""
    known = _kinds()
    out: dict[str, dict[str, list[Field]]] = {}
    for key, by_type in TABLE.items():
        kind, attr = key.split(".", 1)
        if kind not in known or attr not in {f.name for f in dataclasses.fields(known[kind])}:
            raise ValueError(f"attributes.TABLE: {key!r} is not a typed field of a kind in kinds.py")
        for rtype, like in by_type.items():
            out.setdefault(kind, {}).setdefault(rtype, []).append((attr, _spec(like)))
    return {kind: {t: tuple(f) for t, f in types.items()} for kind, types in out.items()}


def _lookup(table: dict[str, dict[str, tuple[Field, ...]]], kind: str, rtype: str) -> tuple[Field, ...]:
    by_type = table.get(kind)
    if not by_type:
        return ()
    merged: dict[str, Spec] = {}
    for pattern, fields in by_type.items():
        if "*" in pattern and fnmatchcase(rtype, pattern):
            merged.update(fields)
    merged.update(by_type.get(rtype, ()))  # an exact type wins over a glob
    return tuple(merged.items())


_FIELDS: dict[tuple[type, str], tuple[tuple[Field, ...], tuple[Field, ...]]] = {}


def fields_for(kind: type, rtype: str) -> tuple[tuple[Field, ...], tuple[Field, ...]]:
    """(typed fields, declared extras) a resource type of a kind writes, memoised."""
    found = _FIELDS.get((kind, rtype))
    if found is None:
        name = kind.__name__
        found = _FIELDS[(kind, rtype)] = (_lookup(_core(), name, rtype), _lookup(_declared(), name, rtype))
    return found


_NONE: dict[str, Any] = {}  # what most resources read beyond their typed fields (never mutated)


def read(r: AttrReader, kind: type, *, node: Node | None = None) -> dict[str, Any]:
    """Keyword arguments of `kind` for the reader's resource (`node`: a sub-object's own block)."""
    # on the adapters' hot path: one memo lookup, then the reads themselves
    found = _FIELDS.get((kind, r.rtype)) or fields_for(kind, r.rtype)
    typed, extra = found
    if not typed and not extra:
        return _NONE
    out: dict[str, Any] = {}
    for name, spec in typed:
        if spec.mode == "at" and not spec.many:  # the common case, inline
            out[name] = r.at(spec.paths[0], node=node, name=spec.name)
        else:
            out[name] = _value(r, spec, node)
    if extra and node is None:
        out["extra"] = tuple((name, _value(r, spec, None)) for name, spec in extra)
    return out


def _value(r: AttrReader, spec: Spec, node: Node | None) -> Value | Switch | tuple[Value, ...]:
    mode = spec.mode
    if mode == "at" and not spec.many:
        return r.at(spec.paths[0], node=node, name=spec.name)
    if mode == "block":
        return r.block_value(node or r.root, spec.paths[0])
    if mode == "switch":
        return Switch(r.at(spec.paths[0], node=node, name=spec.name), spec.safe, spec.unset_confidence)
    return tuple(v for path in spec.paths for v in _items(r, path, node, spec.name))


def _items(r: AttrReader, path: str, node: Node | None, name: str | None) -> Iterator[Value]:
    if "[]" not in path:
        yield r.at(path, node=node, name=name)
        return
    outer, inner = path.split("[].", 1)
    for item in (node or r.root).children(outer):
        yield from _items(r, inner, item, name)


# --- attributes declared by rules (`reads:` in a family's YAML) ---


def _registered() -> Sequence[Family]:
    from mllens.scan.registry import families

    return families()


@cache
def _declared() -> dict[str, dict[str, tuple[Field, ...]]]:
    return declared_reads(_registered())


def declared_reads(loaded: Sequence[Family]) -> dict[str, dict[str, tuple[Field, ...]]]:
    """The rules' `reads:` as kind -> type -> (attribute, spec); InputError naming the family
    YAML and the field for an unknown kind, a typed attribute, a bad path, or two rules that
    read one attribute of one type from different places."""
    known = _kinds()
    seen: dict[tuple[str, str, str], tuple[str, str]] = {}  # (kind, attr, type) -> (path, rule)
    out: dict[str, dict[str, list[Field]]] = {}
    for family in loaded:
        for rule in family.rules:
            for key, by_type in rule.meta.reads.items():
                where = {"file": f"{family.name}.yaml", "field": f"rules.{rule.name}.reads.{key}"}
                kind, attr = _check_key(key, known, where)
                for written, path in by_type.items():
                    rtype = _type_key(written)
                    if not _PATH.match(path) or "[]" in path:
                        raise InputError(f"expected a dotted path such as A.B for {rtype}, got {path!r}", **where)
                    before = seen.setdefault((kind, attr, rtype), (path, rule.id))
                    if before[0] != path:
                        raise InputError(f"{written} is read from {path!r} here but from {before[0]!r} by "
                                         f"{before[1]}", **where)
                    if before[1] == rule.id:
                        out.setdefault(kind, {}).setdefault(rtype, []).append((attr, Spec((path,))))
    return {kind: {t: tuple(f) for t, f in types.items()} for kind, types in out.items()}


def _type_key(rtype: str) -> str:
    """Azure resource types (`Microsoft.MachineLearningServices/workspaces`) match in any case,
    as Azure reads them; Terraform and CloudFormation types as written."""
    return rtype.lower() if "/" in rtype else rtype


def with_declared(res: R, at: Callable[[str], Value],
                  table: dict[str, dict[str, tuple[Field, ...]]] | None = None) -> R:
    """`res` with the attributes rules declare for its kind and type, each read with `at` (a
    dotted path to a located value): for the adapters whose syntax has no attribute table yet
    (Bicep and ARM, through `azure_types`). `table`: the declarations (default: the rules')."""
    rtype = _type_key(res.type)
    fields = fields_for(type(res), rtype)[1] if table is None else _lookup(table, type(res).__name__, rtype)
    if not fields:
        return res
    return dataclasses.replace(res, extra=tuple((name, at(spec.paths[0])) for name, spec in fields))


def _check_key(key: str, known: dict[str, type], where: dict[str, str]) -> tuple[str, str]:
    match = _KEY.match(key)
    resource_kinds = sorted(n for n, k in known.items() if issubclass(k, kinds.Resource))
    if match is None or match.group(1) not in resource_kinds:
        raise InputError(f"expected Kind.attribute with a kind of the model ({', '.join(resource_kinds)}), "
                         f"got {key!r}", **where)
    kind, attr = match.groups()
    cls = known[kind]
    if attr in {f.name for f in dataclasses.fields(cls)} or hasattr(cls, attr):
        raise InputError(f"{key} is a typed attribute of {kind}: read it as {kind.lower()}.{attr}, "
                         "not through reads:", **where)
    return kind, attr
