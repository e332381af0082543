"""Attribute values of the resource model: what was written, where, and what kind of value.

Every attribute a judgement reads is a `Value`: the value as the syntax wrote it (MISSING
when not written), the file and line it came from (for an absent attribute: the line of the
resource or block that would hold it), the attribute's name as written in that syntax (for
messages: `kms_key_arn` in Terraform, `KmsKeyId` in CloudFormation), and its kind, from
`_iac.classify`: a literal, a reference (a variable, `!Ref`, another resource's attribute),
blank, or absent. A reference to a key is therefore not a missing key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mllens.scan.detectors._iac import MISSING, Kind, as_bool, as_int, as_str, classify, show


@dataclass(frozen=True)
class Value:
    raw: Any
    file: str
    line: int
    name: str  # the attribute as written in its syntax

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
