"""The Evidence record: what one detector rule found in one place (the scan contract)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mllens.errors import InputError
from mllens.validation import field_path, kind, problem

Outcome = Literal["supports", "contradicts", "info"]
# Whose file the evidence is from (mllens.scan.classify); only project and test files decide.
FileClass = Literal["project", "test", "vendored", "fixture", "generated", "docs"]
DECIDING_CLASSES: frozenset[str] = frozenset({"project", "test"})


class Evidence(BaseModel):
    """One finding, with its keys exactly as `mllens scan --format json` prints them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str = Field(pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$")
    practice: str
    check: str
    outcome: Outcome
    file: str
    line: int | None = Field(default=None, ge=1)
    message: str
    confidence: float = Field(ge=0.0, le=1.0)
    file_class: FileClass = "project"  # a live resource, or a report without it: the project's

    @property
    def decides(self) -> bool:
        """Whether this evidence may decide a check: it is from the project's own files or tests."""
        return self.file_class in DECIDING_CLASSES


def evidence_from_report(items: Any, *, file: str) -> list[Evidence]:
    """The `evidence` list of a `mllens scan --format json` report, read back (a baseline),
    in the order written. Keys this record does not have (a newer mllens's extras) are left
    out; anything else that is wrong names the file and the item."""
    if not isinstance(items, list):
        raise InputError(f"expected a list of evidence objects, got {kind(items)}", file=file, field="evidence")
    out: list[Evidence] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise InputError(f"expected an evidence object, got {kind(item)}", file=file, field=f"evidence[{i}]")
        known = {k: v for k, v in item.items() if k in Evidence.model_fields}
        try:
            out.append(Evidence.model_validate(known))
        except ValidationError as exc:
            err = exc.errors()[0]
            raise InputError(problem(err), file=file, field=f"evidence[{i}].{field_path(err['loc'])}") from None
    return out
