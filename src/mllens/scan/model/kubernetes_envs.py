"""A Helm chart rendered once per environment, as one set of resources: a value every
environment renders alike stays a plain value; one that differs becomes a reference whose
`resolutions` (see mllens.scan.model.values) give each distinct value, at the values file and
line that set it, with the environments that deploy it and the template line that reads it.
Judgements reading `value.each()` then say, per environment, what each deploys (one item per
value and place: "serves from a single instance in staging", "from 3 instances in prod"),
where that environment sets it; the others leave a differing value unjudged, as any reference."""

from __future__ import annotations

import dataclasses
from typing import Any

from mllens.scan.model.kinds import Resource
from mllens.scan.model.values import Origin, Value

Reads = dict[str, dict[int, tuple[str, int, str]]]  # env -> template line -> (values file, line, key)


def merged(renders: dict[str, list[Resource]], reads: Reads) -> list[Resource]:
    """One resource per object when every environment renders the same objects; otherwise
    each environment's own, its address naming the environment."""
    envs = sorted(renders)
    shapes = {tuple((type(r), r.address) for r in renders[env]) for env in envs}
    if len(shapes) != 1:
        return [dataclasses.replace(r, address=f"{r.address} ({env})") for env in envs for r in renders[env]]
    return [_merge(envs, list(items), reads) for items in zip(*(renders[env] for env in envs), strict=True)]


def _merge(envs: list[str], items: list[Any], reads: Reads) -> Any:
    first = items[0]
    if isinstance(first, Value):
        return _value(envs, items, reads)
    if dataclasses.is_dataclass(first) and not isinstance(first, type):
        if any(type(item) is not type(first) for item in items):
            return first
        changes = {f.name: _merge(envs, [getattr(i, f.name) for i in items], reads) for f in dataclasses.fields(first)}
        return dataclasses.replace(first, **changes)
    if isinstance(first, tuple) and all(isinstance(i, tuple) and len(i) == len(first) for i in items):
        return tuple(_merge(envs, list(column), reads) for column in zip(*items, strict=True))
    return first


def _value(envs: list[str], items: list[Any], reads: Reads) -> Value:
    first: Value = items[0]
    if not all(isinstance(v, Value) for v in items) or all(v.raw == first.raw for v in items):
        return first
    groups: dict[tuple[str, int, str], list[str]] = {}  # (values file, line, repr of value) -> envs
    values: dict[tuple[str, int, str], tuple[Value, str]] = {}
    for env, value in zip(envs, items, strict=True):
        file, line, key = reads.get(env, {}).get(value.line, (value.file, value.line, value.name))
        place = (file, line, repr(value.raw))
        groups.setdefault(place, []).append(env)
        values.setdefault(place, (value, key))
    resolutions = tuple(
        dataclasses.replace(value, file=place[0], line=place[1], ref=f"{key} (Helm values)",
                            origins=tuple(Origin(env, place[0], place[1]) for env in names),
                            read_at=f"{first.file}:{first.line}")
        for place, names in groups.items()
        for value, key in [values[place]]
    )
    return dataclasses.replace(first, raw="${helm:values differ per environment}", resolutions=resolutions)
