"""Shared shapes for infrastructure-as-code rules: "resource X sets attribute Y".

Terraform (HCL dicts with `__attr_lines__`), CloudFormation YAML (`YamlMap` with
`key_lines`) and CloudFormation JSON (plain dicts, lines found in the text) all become the
same `Node`: a mapping that can say on which line each of its keys was written. Rules then
ask `node.at("a.b.c")` for a value and its line, and classify values with `classify()`
(a literal, a reference to something else, blank, or absent) so that a `var.kms_key_arn`
or a `!Ref KmsKey` is not mistaken for a missing setting.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["literal", "reference", "blank", "absent"]


class _Missing:
    """The value of a key that is not written at all (distinct from an explicit null)."""

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()
_META_KEYS = frozenset({"__start_line__", "__end_line__", "__attr_lines__"})
# CloudFormation functions whose value is decided at deploy time.
_CFN_REF = re.compile(r"^(Ref|Condition|Fn::[A-Za-z]+)$")


def is_reference(value: Any) -> bool:
    """A value computed elsewhere: a Terraform expression or a CloudFormation function."""
    if isinstance(value, str):
        return "${" in value
    if isinstance(value, Mapping) and len(value) == 1:
        return bool(_CFN_REF.match(str(next(iter(value)))))
    return False


def classify(value: Any) -> Kind:
    if value is MISSING:
        return "absent"
    if value is None or value == "" or value == [] or value == {}:
        return "blank"
    if isinstance(value, str) and value.strip().lower() in ("", "null", "${null}"):
        return "blank"
    if is_reference(value):
        return "reference"
    return "literal"


def as_bool(value: Any) -> bool | None:
    """True/False for booleans and their usual spellings; None for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        low = value.strip().lower()
        if low in ("true", "yes", "on", "enabled"):
            return True
        if low in ("false", "no", "off", "disabled"):
            return False
    return None


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return None


def as_str(value: Any) -> str | None:
    """A literal string (not an expression)."""
    return value if isinstance(value, str) and not is_reference(value) else None


def listify(value: Any) -> list[Any]:
    if value is MISSING or value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


LineFinder = Callable[[str, int], int | None]


@dataclass(frozen=True)
class Node:
    """A mapping from an IaC file, with the line of each key.

    `lines` maps keys to lines when the parser kept them; otherwise `finder(key, after)`
    searches the text (CloudFormation JSON)."""

    data: Mapping[str, Any]
    line: int
    lines: Mapping[str, int] = field(default_factory=dict)
    finder: LineFinder | None = None

    @classmethod
    def of(cls, value: Any, line: int, finder: LineFinder | None = None) -> Node:
        if hasattr(value, "key_lines"):  # YamlMap
            return cls(value, getattr(value, "line", line), value.key_lines, finder)
        if isinstance(value, Mapping) and "__attr_lines__" in value:  # a Terraform block body
            return cls(value, value.get("__start_line__") or line, value["__attr_lines__"], finder)
        return cls(value if isinstance(value, Mapping) else {}, line, {}, finder)

    def get(self, key: str) -> Any:
        return self.data.get(key, MISSING)

    def has(self, key: str) -> bool:
        return key in self.data

    def names(self) -> list[str]:
        return [k for k in self.data if k not in _META_KEYS]

    def line_of(self, key: str) -> int:
        if key in self.lines:
            return self.lines[key]
        child = self.data.get(key)
        if isinstance(child, list) and child and isinstance(child[0], Mapping) and "__start_line__" in child[0]:
            return int(child[0]["__start_line__"])  # a Terraform nested block
        if self.finder is not None and key in self.data:
            found = self.finder(key, self.line)
            if found is not None:
                return found
        return self.line

    def child(self, key: str, index: int = 0) -> Node | None:
        """The mapping under `key` (the index-th one when it is a list of blocks)."""
        value = self.data.get(key)
        if isinstance(value, list):
            value = value[index] if index < len(value) else None
        if not isinstance(value, Mapping):
            return None
        return Node.of(value, self.line_of(key), self.finder)

    def children(self, key: str) -> list[Node]:
        """Every mapping under `key`: a list of blocks/items, or the one mapping."""
        value: Any = self.data.get(key)
        items = value if isinstance(value, list) else [value]
        line = self.line_of(key)
        out = []
        cursor = line
        for i, item in enumerate(items):
            if not isinstance(item, Mapping):
                continue
            item_line = line
            if hasattr(value, "item_lines"):
                item_line = int(value.line_of(i))
            elif self.finder is not None and item:
                # JSON: items follow each other in the text; find each one's first key
                # after the previous one, so the second statement is not placed on the first.
                found = self.finder(str(next(iter(item))), cursor)
                if found is not None:
                    item_line = cursor = found
                    cursor += 1
            out.append(Node.of(item, item_line, self.finder))
        return out

    def at(self, path: str) -> tuple[Any, int]:
        """(value, line) at a dotted path through nested mappings/first blocks. When a part
        is missing the value is MISSING and the line is that of the deepest part found."""
        node: Node | None = self
        parts = path.split(".")
        for part in parts[:-1]:
            assert node is not None
            nxt = node.child(part)
            if nxt is None:
                return MISSING, node.line_of(part) if node.has(part) else node.line
            node = nxt
        assert node is not None
        last = parts[-1]
        return node.get(last), node.line_of(last)

    def walk(self) -> Iterator[tuple[str, Any, int]]:
        """Every (key, value, line) in this mapping and the mappings nested in it."""
        for key in self.names():
            value = self.data[key]
            yield key, value, self.line_of(key)
            for sub in self.children(key):
                yield from sub.walk()


# --- IAM policy statements (AWS), as the resource model normalises them ---


@dataclass(frozen=True)
class BroadGrant:
    actions: tuple[str, ...]  # the actions (or NotAction entries) that make it broad, as written
    reason: str


def _matches(pattern: str, action: str) -> bool:
    """An IAM action pattern ("iam:Pass*", "*") matches an action, case-insensitively."""
    return fnmatch.fnmatchcase(action.lower(), pattern.strip().lower())


def covers_service(resource: str, service: str) -> bool:
    """A resource that is every resource of `service`: "*", or an ARN whose service part is
    that service (or "*") and whose resource part is only wildcards ("arn:aws:s3:::*",
    "arn:aws:sagemaker:*:*:*", "arn:aws:s3:::*/*"); region and account do not narrow it."""
    text = resource.strip()
    if text == "*":
        return True
    parts = text.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return False
    return parts[2] in (service, "*") and set(parts[5]) <= {"*", "/"}


def _any_role(resource: str) -> bool:
    """A resource that names every role: "*", an IAM ARN of all resources, or role/* ."""
    text = resource.strip()
    return covers_service(text, "iam") or bool(re.fullmatch(r"arn:[^:]*:iam::[^:]*:role/\*", text))


def broad_grant(*, effect: str, actions: Sequence[str], not_actions: Sequence[str] = (),
                resources: Sequence[str] = (), not_resources: Sequence[str] = ()) -> BroadGrant | None:
    """Why an Allow statement is too broad: a "*" action; every action of a service
    ("s3:*") on every resource of that service ("*", "arn:aws:s3:::*"); iam:PassRole (or a
    pattern matching it) on every role; or NotAction on every resource (everything but a
    few actions). None for Deny statements and scoped grants."""
    if effect.lower() == "deny":
        return None
    star = tuple(a for a in actions if a.strip() in ("*", "*:*"))
    if star:
        return BroadGrant(star, "allows any action")
    service_wide = tuple(a for a in actions if re.fullmatch(r"[a-z0-9-]+:\*", a.strip().lower())
                         and any(covers_service(r, a.strip().split(":", 1)[0].lower()) for r in resources))
    if service_wide:
        return BroadGrant(service_wide, "allows every action of a service on every resource")
    # NotResource: every resource but the few it names
    service_wide = tuple(a for a in actions if re.fullmatch(r"[a-z0-9-]+:\*", a.strip().lower())) \
        if not_resources and not resources else ()
    if service_wide:
        return BroadGrant(service_wide, "allows every action of a service on every resource but those in NotResource")
    pass_role = tuple(a for a in actions if _matches(a, "iam:PassRole"))
    if pass_role and any(_any_role(r) for r in resources):
        return BroadGrant(pass_role, "may pass any role to a service (iam:PassRole without a role scope)")
    if not_actions and any(r.strip() == "*" for r in resources):
        return BroadGrant(tuple(not_actions), "allows every action except those in NotAction, on every resource")
    return None


def service_wildcards(*, effect: str, actions: Sequence[str]) -> tuple[str, ...]:
    """The actions of an Allow statement that grant every action of a service ("s3:*"): on
    named resources that still includes deleting them and rewriting their policies."""
    if effect.lower() == "deny":
        return ()
    return tuple(a for a in actions if re.fullmatch(r"[a-z0-9-]+:\*", a.strip().lower()))


def wildcard_actions(*, effect: str, actions: Sequence[str]) -> tuple[str, ...]:
    """The actions of an Allow statement that use a wildcard ("s3:*", "s3:Get*"). Such a
    statement on a named resource is not broad enough to contradict, but it does not name
    specific actions either."""
    if effect.lower() == "deny":
        return ()
    return tuple(a for a in actions if "*" in a)


# Condition keys that keep ML jobs and workspaces inside a VPC, on encrypted volumes, isolated.
GUARDRAIL_KEYS = (
    "sagemaker:vpcsubnets",
    "sagemaker:vpcsecuritygroupids",
    "sagemaker:volumekmskey",
    "sagemaker:outputkmskey",
    "sagemaker:networkisolation",
    "sagemaker:intercontainertrafficencryption",
    "sagemaker:directinternetaccess",
    "sagemaker:rootaccess",
)


def guardrail_keys(keys: Sequence[str]) -> list[str]:
    """The SageMaker guardrail condition keys among a statement's condition keys (any operator)."""
    return [k for k in keys if k.lower() in GUARDRAIL_KEYS]


# --- judging one setting ---


def judge_key(ctx: Any, value: Any, line: int, *, what: str, attr: str) -> None:
    """Evidence for a customer-managed key setting: a literal key supports, a reference
    supports with less confidence (we cannot see what it resolves to), blank or absent
    contradicts."""
    kind = classify(value)
    if kind == "literal":
        ctx.supports(line=line, message=f"{what} is encrypted with a customer-managed key ({attr})")
    elif kind == "reference":
        ctx.supports(line=line, message=f"{what} takes its customer-managed key ({attr}) from a reference",
                     confidence=0.7)
    elif kind == "blank":
        ctx.contradicts(line=line, message=f"{what} sets {attr} to an empty value: the service-managed key is used")
    else:
        ctx.contradicts(line=line, message=f"{what} sets no {attr}: its storage uses the service-managed key")


def judge_choice(ctx: Any, value: Any, line: int, *, what: str, attr: str, good: tuple[str, ...],
                 default_bad: bool, check: str | None = None, absent_confidence: float = 0.7) -> None:
    """Evidence for an enumerated setting: one of `good` (case-insensitive) supports, any other
    literal contradicts; absent contradicts when the service default is the unsafe value;
    references are skipped (unknown until deployed)."""
    kind = classify(value)
    if kind == "reference":
        return
    if kind == "absent" or kind == "blank":
        if default_bad:
            ctx.contradicts(line=line, check=check, confidence=absent_confidence,
                            message=f"{what} leaves {attr} unset: the service default applies, not {good[0]}")
        return
    text = str(value).strip().lower()
    if text in {g.lower() for g in good}:
        ctx.supports(line=line, check=check, message=f"{what} sets {attr} = {show(value)}")
    else:
        ctx.contradicts(line=line, check=check, message=f"{what} sets {attr} = {show(value)}, not {good[0]}")


def judge_switch(ctx: Any, switch: Any, *, what: str) -> None:
    """`judge_choice` for a `mllens.scan.model.Switch`: its value, its safe spellings in that
    syntax, and how sure an unset value is unsafe (None: an unset value is not judged). A
    value set from a variable or parameter is judged per environment (`Value.each`)."""
    for one in switch.each():
        value = one.value
        judge_choice(ctx.given(value), value.raw, value.line, what=what, attr=value.name, good=switch.safe,
                     default_bad=switch.unset_confidence is not None,
                     absent_confidence=switch.unset_confidence or 0.7)


def show(value: Any) -> str:
    """A configuration value as it is written in the file (true, not True)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- SageMaker Serverless Inference ---


def all_serverless(variants: list[Node], key: str) -> bool:
    """True when an endpoint configuration has variants and each one sets `key` (its
    serverless block). Serverless Inference supports neither data capture nor a VPC for the
    model, so rules say nothing about those for such a configuration; a configuration that
    mixes in an instance-based variant is judged as usual."""
    return bool(variants) and all(v.has(key) for v in variants)


# --- serving instance generations (SageMaker instance types) ---

_OLD_INSTANCE = re.compile(r"^ml\.(t2|m3|m4|c3|c4|r3|r4|p2|g3)\.")
_CURRENT_INSTANCE = re.compile(r"^ml\.(inf[12]|trn[12]|[cmr][678]g[dn]?|[cmr][78]i|g[56]e?|p[45]\w*)\.")


def instance_generation(instance_type: Any) -> Literal["old", "current", "other"]:
    """old: a previous generation; current: Arm (Graviton), Inferentia/Trainium or the newest
    GPU and x86 families; other: everything in between (not judged)."""
    text = as_str(instance_type) or ""
    if _OLD_INSTANCE.match(text):
        return "old"
    return "current" if _CURRENT_INSTANCE.match(text) else "other"
