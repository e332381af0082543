"""Drift between code and cloud: one judgement over two views of the same resource.

A resource the files declare and the account runs under the same name (the endpoint config,
endpoint or model name, a variable's resolved values included) is compared aspect by aspect:
each aspect reads what a judgement judges from the model's kinds, whatever syntax or reader
filled them, so no syntax has code of its own here. Where the account runs something none of
the declared values say (declared with data capture, running without), that is evidence of
its own, at the declaring file and line, naming the resource's ARN and both values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from mllens.scan.evidence import Evidence
from mllens.scan.model.kinds import Deployment, Model, Resource
from mllens.scan.model.values import Value
from mllens.scan.registry import Rule, families

Meaning = Callable[[Resource], list[tuple[Value, Any]]]  # (where it is set, what it means); [] when unknown


def _flag(value: Value | None, *, unset: Any) -> list[tuple[Value, Any]]:
    if value is None:
        return []
    out: list[tuple[Value, Any]] = []
    for one in value.each():
        if not one.written:
            out.append((one, unset))
        elif one.kind == "literal" and one.as_bool() is not None:
            out.append((one, one.as_bool()))
    return out


def _capture(res: Resource) -> list[tuple[Value, Any]]:
    capture = res.capture if isinstance(res, Deployment) else None
    if capture is None:
        return []
    if not capture.block.written:
        return [(capture.block, False)]
    return _flag(capture.enabled, unset=capture.on_by_default)


def _instances(res: Resource) -> list[tuple[Value, Any]]:
    variants = [v for v in res.variants if not v.shadow] if isinstance(res, Deployment) else []
    if len(variants) != 1:  # several variants: which is which is not known by name here
        return []
    return [(one, one.as_int()) for one in variants[0].instance_count.each()
            if one.kind == "literal" and one.as_int() is not None]


def _key(res: Resource) -> list[tuple[Value, Any]]:
    if res.key is None:
        return []
    # a reference to a key is a key; only whether one is set can be compared with an ARN
    return [(one, one.written and one.kind != "blank") for one in res.key.each()]


def _isolation(res: Resource) -> list[tuple[Value, Any]]:
    return _flag(res.attr("network_isolation"), unset=False) if isinstance(res, Model) else []


def _vpc(res: Resource) -> list[tuple[Value, Any]]:
    vpc = res.vpc if isinstance(res, Model) else None
    return [] if vpc is None else [(vpc, vpc.written)]


@dataclass(frozen=True)
class Aspect:
    what: str  # for messages
    rule: str  # the judgement whose practice and check it bears on
    meaning: Meaning
    shown: Callable[[Any], str] = str


def _on_off(value: Any) -> str:
    return "on" if value else "off"


def _set(value: Any) -> str:
    return "set" if value else "not set"


ASPECTS = (
    Aspect("data capture", "ml_resources.endpoint_data_capture", _capture, _on_off),
    Aspect("instance count", "ml_resources.serving_instance_count", _instances),
    Aspect("customer-managed KMS key", "ml_resources.ml_resource_cmk", _key, _set),
    Aspect("network isolation", "ml_resources.model_network_isolation", _isolation, _on_off),
    Aspect("VPC configuration", "ml_resources.ml_private_networking", _vpc, _set),
)
CONFIDENCE = 0.9  # the account is read as it runs; the match is by name, in one Region


def names(res: Resource) -> set[str]:
    """The names a declared resource may have in the account (one per resolved value)."""
    if res.cloud_name is None:
        return set()
    return {str(one.raw) for one in res.cloud_name.each() if one.kind == "literal" and one.as_str()}


def pairs(declared: Sequence[Resource], live: Sequence[Resource]) -> Iterator[tuple[Resource, Resource]]:
    """(declared, live) views of the same resource: the same kind and name."""
    by_name: dict[tuple[type, str], list[Resource]] = {}
    for res in declared:
        for name in names(res):
            by_name.setdefault((type(res), name), []).append(res)
    for res in live:
        for match in by_name.get((type(res), res.name), []):
            yield match, res


def _rules() -> dict[str, Rule]:
    return {r.id: r for f in families() for r in f.rules}


def drift(declared: Sequence[Resource], live: Sequence[Resource]) -> list[Evidence]:
    """Evidence of each judged aspect the account runs otherwise than the files declare."""
    rules = _rules()
    out: list[Evidence] = []
    for mine, theirs in pairs(declared, live):
        for aspect in ASPECTS:
            rule = rules.get(aspect.rule)
            running = aspect.meaning(theirs)
            written = aspect.meaning(mine)
            if rule is None or len(running) != 1 or not written:
                continue  # not known on one side: nothing to compare
            now = running[0][1]
            if any(value == now for _, value in written):
                continue  # the account runs one of the declared values (an environment's)
            for where, value in written:
                line = where.line or mine.line
                message = (f"drift between code and cloud: {mine.address} declares {aspect.what} "
                           f"{aspect.shown(value)} ({where.name}{where.note}) at {where.file}:{line}, but "
                           f"the account runs {theirs.file} with {aspect.what} {aspect.shown(now)}")
                out.extend(Evidence(rule=rule.id, practice=m.practice, check=m.check, outcome="contradicts",
                                    file=where.file, line=line if line >= 1 else None, message=message,
                                    confidence=CONFIDENCE) for m in rule.meta.maps)
    return out
