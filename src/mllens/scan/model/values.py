"""Attribute values of the resource model: what was written, where, and what kind of value.

Every attribute a judgement reads is a `Value`: the value as the syntax wrote it (MISSING
when not written), the file and line it came from (for an absent attribute: the line of the
resource or block that would hold it), the attribute's name as written in that syntax (for
messages: `kms_key_arn` in Terraform, `KmsKeyId` in CloudFormation), and its kind, from
`_iac.classify`: a literal, a reference (a variable, `!Ref`, another resource's attribute),
blank, or absent. A reference to a key is therefore not a missing key.

A reference the project's own files resolve (a Terraform variable's default and the
`*.tfvars` of each environment, a CloudFormation parameter's Default and the parameter files
of each environment: see `bindings`) keeps its `resolutions`: one `Value` per value and place
that sets it, located there (the tfvars line, the parameter file line, the default), its
`origins` naming the environments that deploy it and `read_at` the attribute that reads it.
Judgements read `value.each()` (the resolutions, or the value itself) and report through
`ctx.given(v)`, which places the evidence where the value is set, appends `v.note` to the
message and lowers the confidence of a value that is only a default (`v.trust`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from mllens.scan.detectors._iac import MISSING, Kind, as_bool, as_int, as_str, classify, show

# How much a value known only as a declared default is trusted, against one an environment
# sets: the default holds unless a pipeline passes another value we cannot see.
DEFAULT_TRUST = 0.9


@dataclass(frozen=True)
class Origin:
    """Where a resolved value is set: `env` names the environment ("" when it holds for every
    run: a default with no environment files, a `terraform.tfvars`, a literal local)."""

    env: str
    file: str
    line: int
    default: bool = False  # the declared default (no environment overrides it)


@dataclass(frozen=True)
class Value:
    raw: Any
    file: str
    line: int
    name: str  # the attribute as written in its syntax
    # On a resolution (its file and line: where the value is set): the reference it came
    # from, as written ("var.instance_count", "parameter InstanceCount"), the environments
    # that deploy it, and the attribute that reads it ("infra/main.tf:9").
    ref: str = ""
    origins: tuple[Origin, ...] = ()
    read_at: str = ""
    # On a reference the project's files resolve: one value per distinct resolved value.
    resolutions: tuple[Value, ...] = ()

    @classmethod
    def absent(cls, file: str, line: int, name: str) -> Value:
        return cls(MISSING, file, line, name)

    @property
    def kind(self) -> Kind:
        return classify(self.raw)

    @property
    def written(self) -> bool:
        """Present in the file (as anything, even blank or a reference)."""
        return self.kind != "absent"

    @property
    def unset(self) -> bool:
        return self.kind in ("absent", "blank")

    def each(self) -> tuple[Value, ...]:
        """What to judge: the value per environment when it is a resolved reference (one per
        distinct value), otherwise the value itself (a literal, or a reference nothing in the
        project resolves, which judgements skip as before)."""
        return self.resolutions or (self,)

    @property
    def note(self) -> str:
        """For messages: the environments and the reference a resolved value is for (empty for
        a written value): ` in prod, staging [var.instance_count, read at infra/main.tf:9]`."""
        if not self.ref:
            return ""
        envs = f" in {', '.join(self.envs)}" if self.envs else ""
        default = "default of " if self.trust < 1.0 else ""
        return f"{envs} [{default}{self.ref}, read at {self.read_at}]"

    @property
    def trust(self) -> float:
        """1.0, or DEFAULT_TRUST when every origin is a declared default."""
        return DEFAULT_TRUST if self.origins and all(o.default for o in self.origins) else 1.0

    @property
    def envs(self) -> tuple[str, ...]:
        return tuple(o.env for o in self.origins if o.env)

    def on(self) -> bool:
        """A flag written as true, or a settings block that is written (not a reference)."""
        if self.kind == "reference":
            return False
        if isinstance(self.raw, Mapping | list):
            return self.written
        return self.as_bool() is True

    def as_bool(self) -> bool | None:
        return as_bool(self.raw)

    def as_int(self) -> int | None:
        return as_int(self.raw)

    def as_str(self) -> str | None:
        return as_str(self.raw)

    def shown(self) -> str:
        """The value as it is written in the file (true, not True)."""
        return show(self.raw)


@dataclass(frozen=True)
class Switch:
    """An enumerated security setting and what its safe spelling is in this syntax.

    `safe` lists the spellings meaning the safe choice (case-insensitive; the first is named
    in messages). `unset_confidence` is how sure an unset value is unsafe because the
    service's default is the unsafe choice; None when an unset value is not judged."""

    value: Value
    safe: tuple[str, ...]
    unset_confidence: float | None = 0.7

    def each(self) -> Iterator[Switch]:
        """The switch once per value to judge (see `Value.each`)."""
        if not self.value.resolutions:
            yield self
            return
        for value in self.value.resolutions:
            yield replace(self, value=value)
