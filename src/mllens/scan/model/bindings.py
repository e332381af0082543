"""What the references of one file resolve to, per environment.

A file's `Bindings` hold, for each name a reference may use (a Terraform variable or local,
a CloudFormation parameter): its declared default, a base value that every run gets (a
`terraform.tfvars` beside the module, a literal local), and each environment's own value,
each with the file and line that sets it. They are read from the file itself and from the
few files the engine read with it (`ParsedFile.bound`, chosen by `scan.binding_files`; read,
and handed to the adapters as `resolver_of(file)`, in `bindings_read`), once per file.

`resolve(value, bindings)` gives a `Value` holding a reference its `resolutions`: one value
per distinct result over the environments (a default with no environment files is one
resolution marked as a default). A reference with no default and no environment setting,
a null or empty default (the caller is expected to pass the value: "optional key"), and any
expression that is not a plain reference, stay unresolved.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from mllens.scan.detectors._iac import classify
from mllens.scan.model.values import Origin, Value


@dataclass(frozen=True)
class Setting:
    raw: Any
    file: str
    line: int


@dataclass(frozen=True)
class Caller:
    """A `module` block that calls a Terraform module: the environment its folder names ("" for
    none) and, per input it passes, the (value, where it is set) cases it resolves to: the
    argument's line for a literal, each environment's tfvars line for the caller's variable.
    An input passed as something the caller's files do not resolve has no case."""

    env: str
    inputs: Mapping[str, tuple[tuple[Any, Origin], ...]]


@dataclass(frozen=True)
class Bindings:
    """`ref` spells a name for messages ("var.{}", "parameter {}")."""

    ref: str = "{}"
    defaults: Mapping[str, Setting] = field(default_factory=dict)
    base: Mapping[str, Setting] = field(default_factory=dict)
    envs: Mapping[str, Mapping[str, Setting]] = field(default_factory=dict)
    callers: tuple[Caller, ...] = ()  # a module's callers: they, not tfvars, set its variables

    def cases(self, name: str) -> list[tuple[Any, Origin]]:
        """(value, where it is set) for each environment that has one; a single case with no
        environment when no environment file exists. A blank default is no value. A module's
        variable: what each caller passes, else the default (for that caller)."""
        if self.callers:
            return self._called(name)
        found: list[tuple[Any, Origin]] = []
        for env in sorted(self.envs) or [""]:
            own = self.envs.get(env, {}).get(name) if env else None
            setting = own or self.base.get(name)
            default = setting is None
            setting = setting or self.defaults.get(name)
            if setting is not None and not (default and classify(setting.raw) == "blank"):
                found.append((setting.raw, Origin(env, setting.file, setting.line, default)))
        return found

    def _called(self, name: str) -> list[tuple[Any, Origin]]:
        found: list[tuple[Any, Origin]] = []
        default = self.defaults.get(name)
        for caller in self.callers:
            if name in caller.inputs:
                found.extend(caller.inputs[name])
            elif default is not None and classify(default.raw) != "blank":
                found.append((default.raw, Origin(caller.env, default.file, default.line, True)))
        return found


EMPTY = Bindings()
_TF_REF = re.compile(r"\$\{\s*(var|local)\.([A-Za-z_][\w-]*)\s*\}")


def _key(raw: Any) -> str:
    return json.dumps(raw, sort_keys=True, default=str)


def _group(value: Value, ref: str, cases: list[tuple[Any, Origin]]) -> Value:
    """`value` holding one resolution per value and place that sets it (environments that
    share both share one), located there, in the order first met."""
    groups: dict[tuple[str, str, int], tuple[Any, list[Origin]]] = {}
    for raw, origin in cases:
        if classify(raw) == "reference":
            continue  # a default that is itself an expression
        groups.setdefault((_key(raw), origin.file, origin.line), (raw, []))[1].append(origin)
    if not groups:
        return value
    read_at = f"{value.file}:{value.line}"
    resolutions = tuple(Value(raw, origins[0].file, origins[0].line, value.name, ref=ref, origins=tuple(origins),
                              read_at=read_at) for raw, origins in groups.values())
    return replace(value, resolutions=resolutions)


def _tf_cases(bindings: Bindings, locals_: Mapping[str, Any], kind: str, name: str,
              depth: int = 0) -> tuple[str, list[tuple[Any, Origin]]]:
    if kind == "var":
        return f"var.{name}", bindings.cases(name)
    local = locals_.get(name)
    if isinstance(local, Setting):
        if isinstance(local.raw, str) and depth < 3:
            match = _TF_REF.fullmatch(local.raw.strip())
            if match:  # a local that only names a variable (or another local)
                return _tf_cases(bindings, locals_, match.group(1), match.group(2), depth + 1)
        return f"local.{name}", [(local.raw, Origin("", local.file, local.line))]
    return f"local.{name}", []


def resolve_terraform(value: Value, bindings: Bindings, locals_: Mapping[str, Any]) -> Value:
    raw = value.raw
    if not isinstance(raw, str) or "${" not in raw:
        return value
    whole = _TF_REF.fullmatch(raw.strip())
    if whole:
        ref, cases = _tf_cases(bindings, locals_, whole.group(1), whole.group(2))
        return _group(value, ref, cases) if cases else value
    refs = _TF_REF.findall(raw)
    if not refs or len(_TF_REF.sub("", raw).split("${")) > 1:
        return value  # another expression besides plain references: not resolved
    per_ref = [_tf_cases(bindings, locals_, kind, name) for kind, name in refs]
    return _combined(value, raw, _TF_REF, per_ref)


def _substitute(raw: str, pattern: re.Pattern[str], values: list[str]) -> str:
    """`raw` with its references replaced by `values`, in order."""
    parts = iter(values)
    return pattern.sub(lambda _match: next(parts), raw)


def _combined(value: Value, raw: str, pattern: re.Pattern[str],
              per_ref: list[tuple[str, list[tuple[Any, Origin]]]]) -> Value:
    """`value`, a string of references (`pattern`), resolved per environment: each reference
    put in its place, located where the first value an environment sets is set."""
    if any(not cases for _, cases in per_ref):
        return value
    envs = sorted({origin.env for _, cases in per_ref for _, origin in cases})
    combined: list[tuple[Any, Origin]] = []
    for env in envs:
        picks = [next((c for c in cases if c[1].env in (env, "")), None) for _, cases in per_ref]
        if any(p is None for p in picks):
            continue
        found = [p for p in picks if p is not None]
        text = _substitute(raw, pattern, [str(raw_) for raw_, _ in found])
        origin = next((o for _, o in found if not o.default), found[0][1])
        combined.append((text, replace(origin, env=env)))
    return _group(value, " ".join(ref for ref, _ in per_ref), combined)


_CFN_SUB = re.compile(r"\$\{([A-Za-z0-9]+)\}")  # a parameter in a Fn::Sub string (not ${AWS::...}, ${Res.Attr})


def resolve_cloudformation(value: Value, bindings: Bindings) -> Value:
    raw = value.raw
    if not isinstance(raw, Mapping) or len(raw) != 1:
        return value
    name = raw.get("Ref")
    if isinstance(name, str):
        cases = bindings.cases(name)
        return _group(value, f"parameter {name}", cases) if cases else value
    text = raw.get("Fn::Sub")
    if not isinstance(text, str) or "${" not in text or len(_CFN_SUB.sub("", text).split("${")) > 1:
        return value  # the list form, a pseudo parameter, an attribute or a ${! escape: not resolved
    names = _CFN_SUB.findall(text)
    return _combined(value, text, _CFN_SUB, [(f"parameter {n}", bindings.cases(n)) for n in names])
